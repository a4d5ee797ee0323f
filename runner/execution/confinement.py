"""Where a demo runs and what it may write: a folder of its run, and Landlock.

Every demo runs in a fresh temporary folder of its own (its working directory and
its TMPDIR), made by its supervisor and removed with the run, so whatever it writes
by a relative name goes nowhere lasting. Where the kernel offers Landlock
(:mod:`runner.execution.landlock`), that folder, the embedded SQLite database's
folder, ``/dev/shm`` (the semaphores of ``multiprocessing``) and ``/dev/null`` and
the like are all it may write to, and it cannot signal or trace the runner.
"""

import os
import shutil
import sys
import tempfile
from pathlib import Path

from demos.environment import ENV_VAR
from runner.execution import landlock
from runner.execution.capabilities import Capabilities

SHARED_MEMORY = Path("/dev/shm")
_PREFIX = "talk-run-"


def make_run_folder() -> Path:
    """A new folder for the run this process supervises, named after its pid."""
    return Path(tempfile.mkdtemp(prefix=f"{_PREFIX}{os.getpid()}-"))


def remove_run_folders(supervisor: int) -> None:
    """Remove what is left of the folder of the run supervisor ran: a supervisor
    removes its own, unless it was killed (a demo stopped or killed it)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{_PREFIX}{supervisor}-*"):
        shutil.rmtree(folder, ignore_errors=True)


def enter(run_folder: Path, found: Capabilities) -> Path:
    """Move this demo into its run's folder and confine it where the system can; the
    folder it was started in (the project), which its imports still come from."""
    project = Path.cwd()
    # `python -c` puts the working directory on sys.path as "": keep it the project's.
    sys.path[:] = [str(project) if entry == "" else entry for entry in sys.path]
    writable = [run_folder, SHARED_MEMORY, *database_folders(os.environ.get(ENV_VAR), project)]
    os.chdir(run_folder)
    os.environ["TMPDIR"] = tempfile.tempdir = str(run_folder)
    if found.landlock:
        try:
            landlock.confine(found.landlock_abi, writable)
        except OSError as error:
            os.write(
                2, f"[runner] warning: this run is not confined by Landlock: {error}\n".encode()
            )
    return project


def database_folders(url: str | None, base: Path) -> list[Path]:
    """The folder of the SQLite file url names (relative to base), where it and its
    journal live; none for a server or an in-memory database."""
    if not url or not url.startswith("sqlite"):
        return []
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        database = make_url(url).database
    except ArgumentError:
        return []
    if not database or database == ":memory:" or database.startswith("file:"):
        return []
    return [(base / database).parent.resolve()]
