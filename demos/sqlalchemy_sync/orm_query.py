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
    # region slide
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
