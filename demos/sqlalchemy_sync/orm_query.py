"""The ORM: three todos, then how many there are, through the Todo class.

The talk's queries, in SQLAlchemy 2.x form, on the Todo class of
todo_model.py. ``session.query`` is legacy in 2.x, so queries are
``select()`` statements run by ``session.scalars`` / ``scalar``, and the count
is ``func.count()``. Look at three todos, then "There are 20 ...".
"""

from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import sessionmaker

from demos.connection import redirected  # OMIT
from demos.sqlalchemy_sync.todo_model import Todo

create_engine = redirected(create_engine)  # OMIT


def main() -> None:
    mysql_engine = create_engine(
        "mysql+pymysql://root:example@localhost/exampledb"
    )
    # region slide
    # Sessions manage persistence for ORM-mapped objects
    session_maker = sessionmaker(bind=mysql_engine)

    with session_maker() as session:
        first_three = select(Todo).order_by(Todo.id).limit(3)
        for todo in session.scalars(first_three):
            where = f"id {todo.id} and priority {todo.priority}"
            print(f"A todo with {where}: {todo.title}")

        count = select(func.count()).select_from(Todo)
        number = session.scalar(count)
        print(f"\nThere are {number} todo entities in the database")
    # endregion
    mysql_engine.dispose()


if __name__ == "__main__":
    main()
