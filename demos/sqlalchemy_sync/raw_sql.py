"""Raw SQL with text(): the first three todo rows, as tuples.

``text()`` marks a string as SQL; ``engine.begin()`` opens a connection and a
transaction that commits (or rolls back) when the block ends. The talk wrote
``exampledb.`todo```: the schema prefix is gone here because the connection
already names the database, and SQLite (the offline fallback) has no schema
called exampledb. Look at the rows: named tuples, one per todo.
"""

from pprint import pprint

from sqlalchemy import create_engine, text

from demos.connection import redirected  # OMIT

create_engine = redirected(create_engine)  # OMIT


def main() -> None:
    # Using the synchronous MySQL driver pymysql
    mysql_engine = create_engine(
        "mysql+pymysql://root:example@localhost/exampledb",
        pool_recycle=3600,
        pool_size=5,
        echo=False,
    )

    # region slide
    sql_statement = "SELECT * FROM todo ORDER BY id LIMIT 3"

    # Run it, print the rows; "with" gives the connection back
    with mysql_engine.begin() as connection:
        results = connection.execute(text(sql_statement)).fetchall()

        pprint(results)
    # endregion

    mysql_engine.dispose()


if __name__ == "__main__":
    main()
