"""The Todo model: a Python class mapped to the todo table.

SQLAlchemy 2.x declares a model as a subclass of a ``DeclarativeBase`` (from
``sqlalchemy.orm``; the talk's ``sqlalchemy.ext.declarative.declarative_base``
is deprecated since 2.0) with typed ``Mapped[...]`` attributes, which
``mapped_column`` configures. Run it to see the table it describes: its
columns, their types, and which may be NULL.
"""

from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


# region slide
class Base(DeclarativeBase):
    pass


class Todo(Base):
    __tablename__ = "todo"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str]
    description: Mapped[str]
    priority: Mapped[int]


# endregion


def main() -> None:
    for column in Todo.__table__.columns:
        null = "NULL allowed" if column.nullable else "NOT NULL"
        print(f"todo.{column.name}: {column.type}, {null}")


if __name__ == "__main__":
    main()
