"""The ORM: a Todo class, three todos, then how many there are.

The talk's model and queries, in SQLAlchemy 2.x form. ``declarative_base``
moved from ``sqlalchemy.ext.declarative`` (deprecated since 2.0, still
importable with a ``MovedIn20Warning``) to ``sqlalchemy.orm``, where a
``DeclarativeBase`` subclass is the 2.x way; typed ``Mapped[...]`` attributes with
``mapped_column`` replace ``Column``; ``session.query`` is legacy, so queries
are ``select()`` statements run by ``session.scalars`` / ``scalar``, and the
count is ``func.count()``. Look at three todos, then "There are 20 ...".
"""

from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

from demos.connection import redirected  # OMIT

create_engine = redirected(create_engine)  # OMIT


# region slide
# Create an object mapping to the database schema
class Base(DeclarativeBase):
    pass


class Todo(Base):
    __tablename__ = "todo"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str]
    description: Mapped[str]
    priority: Mapped[int]


def main() -> None:
    mysql_engine = create_engine(
        "mysql+pymysql://root:example@localhost/exampledb"
    )
    # Generate sessions, which manage persistence for ORM-mapped objects
    session_maker = sessionmaker(bind=mysql_engine)

    with session_maker() as session:
        # Select 3 entities
        todos = session.scalars(select(Todo).order_by(Todo.id).limit(3))
        for todo in todos:
            where = f"A todo with id {todo.id} and priority {todo.priority}"
            print(f"{where}: {todo.title}")

        # Find the total number of entities in the DB
        count = select(func.count()).select_from(Todo)
        number_of_todos = session.scalar(count)
        print(f"\nThere are {number_of_todos} todo entities in the database")
    # endregion
    mysql_engine.dispose()


if __name__ == "__main__":
    main()
