"""Create models: the Todo and its Steps, mapped once for the async demos.

SQLAlchemy 2.x declares models with typed ``Mapped[...]`` attributes. ``AsyncAttrs``
adds ``awaitable_attrs``, the async way to load a relationship lazily.
Run it to see the CREATE TABLE statements these classes stand for.
"""

from sqlalchemy import ForeignKey, String
from sqlalchemy.dialects import mysql
from sqlalchemy.ext.asyncio import AsyncAttrs
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.schema import CreateTable


# region slide
class Base(AsyncAttrs, DeclarativeBase):
    pass


class Todo(Base):
    __tablename__ = "todo"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(String(500))
    priority: Mapped[int]
    steps: Mapped[list["Step"]] = relationship(
        back_populates="todo", order_by="Step.id"
    )


class Step(Base):
    __tablename__ = "todo_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    todo_id: Mapped[int] = mapped_column(ForeignKey("todo.id"))
    text: Mapped[str] = mapped_column(String(200))
    todo: Mapped[Todo] = relationship(back_populates="steps")


# endregion


def main() -> None:
    # The DDL that create_all() would send to MySQL for each model
    for table in Base.metadata.sorted_tables:
        ddl = CreateTable(table).compile(dialect=mysql.dialect())
        print(str(ddl).strip(), end=";\n\n")


if __name__ == "__main__":
    main()
