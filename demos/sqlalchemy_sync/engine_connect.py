"""create_engine and a first connection: SELECT 1 through pymysql.

The engine is a pool of connections, made once per application; ``connect()``
borrows one. SQLAlchemy 2.x changes the talk's code in two ways: ``execute``
takes ``text("SELECT 1")``, not a plain string (2.0 removed implicit SQL
strings, so SQL is always marked as SQL), and ``with`` blocks give the
connection back to the pool; closing the pool's connections is ``dispose()``,
a separate call. Look at the engine's repr: the URL is printed with its
password hidden as ***.
"""

from sqlalchemy import create_engine, text

from demos.connection import redirected  # OMIT

create_engine = redirected(create_engine)  # OMIT


def main() -> None:
    # region slide
    # Using the synchronous MySQL driver pymysql
    mysql_engine = create_engine(
        "mysql+pymysql://root:example@localhost/exampledb",
        pool_recycle=3600,
        pool_size=5,
        echo=False,
    )

    with mysql_engine.connect() as connection:
        print(connection)
        print(connection.execute(text("SELECT 1")).scalar_one())
        print(connection.engine)
    # endregion

    mysql_engine.dispose()


if __name__ == "__main__":
    main()
