"""The demos in talk order: the one list of ids that anything may run.

An id is a name, never a path: the runner and ``talk run`` look an id up here
and start the module this list names, so nothing a user types reaches the disk.
A demo's title is the first line of its own docstring, read without importing it.
"""

import ast
import importlib.util
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path


@dataclass(frozen=True)
class Demo:
    id: str
    module: str
    needs_database: bool
    timing_sensitive: bool = False  # its point is a time: recorded alone

    @property
    def path(self) -> Path:
        spec = importlib.util.find_spec(self.module)
        if spec is None or spec.origin is None:
            raise LookupError(
                f"demo {self.id!r} names a missing module {self.module}"
            )
        return Path(spec.origin)

    @cached_property
    def docstring(self) -> str:
        tree = ast.parse(self.path.read_text(encoding="utf-8"))
        return ast.get_docstring(tree) or ""

    @property
    def title(self) -> str:
        return self.docstring.partition("\n")[0].strip()


def _demo(
    module: str, *, database: bool = False, timing: bool = False
) -> Demo:
    """An id from the module's own name: ``python_async.gather`` -> ``gather``."""
    return Demo(
        module.rpartition(".")[2].replace("_", "-"),
        f"demos.{module}",
        database,
        timing,
    )


DEMOS: tuple[Demo, ...] = (
    # Asynchronous programming and key concepts
    _demo("concepts.cpu_bound", timing=True),
    # Asynchronous programming in Python
    _demo("python_async.coroutine_object"),
    _demo("python_async.missing_await"),
    _demo("python_async.await_run"),
    _demo("python_async.sequential_awaits", timing=True),
    _demo("python_async.gather", timing=True),
    _demo("python_async.task_group", timing=True),
    _demo("python_async.blocking_call_naive", timing=True),
    _demo("python_async.blocking_call_fixed", timing=True),
    # The SQLAlchemy ORM
    _demo("sqlalchemy_sync.engine_connect", database=True),
    _demo("sqlalchemy_sync.raw_sql", database=True),
    _demo("sqlalchemy_sync.orm_query", database=True),
    # Asynchronous SQLAlchemy
    _demo("sqlalchemy_async.async_engine", database=True),
    _demo("sqlalchemy_async.models"),
    _demo("sqlalchemy_async.create_tables", database=True),
    _demo("sqlalchemy_async.async_orm", database=True),
    _demo("sqlalchemy_async.async_raw_sql", database=True),
    _demo("sqlalchemy_async.payoff", database=True, timing=True),
    _demo("sqlalchemy_async.shared_session_naive", database=True),
    _demo("sqlalchemy_async.shared_session_fixed", database=True),
    _demo("sqlalchemy_async.lazy_load_naive", database=True),
    _demo("sqlalchemy_async.lazy_load_fixed", database=True),
    _demo("sqlalchemy_async.expire_on_commit_naive", database=True),
    _demo("sqlalchemy_async.expire_on_commit_fixed", database=True),
)

_BY_ID = {demo.id: demo for demo in DEMOS}


def find(demo_id: str) -> Demo | None:
    """The demo with this id, or None; the only way from a user's word to a module."""
    return _BY_ID.get(demo_id)


def ids() -> list[str]:
    return [demo.id for demo in DEMOS]
