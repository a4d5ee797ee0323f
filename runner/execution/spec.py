"""What a run is started with: the demo's module, its environment, its folder, its limits.

:func:`run_spec` is the one place a run is put together, for every caller: the API's
runs and edited runs, `talk run`, `talk build --record`, `talk doctor`. A launcher
(runner.execution.launchers) takes the specification and starts it.
"""

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from demos.connection import DatabaseChoice
from demos.environment import FALLBACK_VAR
from runner.settings import PROJECT_ROOT, Settings


@dataclass(frozen=True)
class Limits:
    timeout_s: float
    cap_bytes: int


@dataclass(frozen=True)
class RunSpec:
    """One run: ``module`` run as ``__main__`` in ``cwd`` with ``env``, within ``limits``.

    import_path, when not empty, comes first on the demo's import path (an edited
    demo's folder, a toy deck's package): only a new interpreter can start it, since a
    fork keeps the import path of the interpreter it was forked from.
    """

    module: str
    env: Mapping[str, str]
    cwd: Path
    limits: Limits
    import_path: tuple[str, ...] = ()


def run_spec(
    module: str,
    settings: Settings,
    *,
    timeout_s: float | None = None,
    import_path: Sequence[str] = (),
) -> RunSpec:
    """The run of ``module`` on the database and within the limits ``settings`` carry.

    timeout_s shortens the time limit (the doctor stops a demo well over its budget).
    """
    env = child_environment(settings.database)
    if import_path:
        existing = filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))
        env["PYTHONPATH"] = os.pathsep.join([*import_path, *existing])
    limit = settings.run_timeout_s if timeout_s is None else min(timeout_s, settings.run_timeout_s)
    return RunSpec(
        module,
        env,
        PROJECT_ROOT,
        Limits(limit, settings.output_cap_bytes),
        tuple(import_path),
    )


def child_environment(database: DatabaseChoice) -> dict[str, str]:
    """The runner's environment, with the demo database the runner was told to use.

    Why the talk fell back to SQLite goes along only with a choice that did: a demo
    told of another database must not announce the fallback.
    """
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop(FALLBACK_VAR, None)
    return {**env, **database.environment()}
