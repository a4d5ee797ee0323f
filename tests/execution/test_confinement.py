"""A run's folder and its Landlock confinement, checked without a runner."""

import subprocess
import sys
from pathlib import Path

import pytest

from runner.execution import capabilities, confinement, landlock
from runner.settings import PROJECT_ROOT

FOUND = capabilities.detect()


@pytest.mark.fast
@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:////srv/talk/db.sqlite3", [Path("/srv/talk")]),
        ("sqlite+aiosqlite:///.talk/exampledb.sqlite3", [PROJECT_ROOT / ".talk"]),
        ("sqlite://", []),
        ("sqlite:///:memory:", []),
        ("mysql+pymysql://root@127.0.0.1:3306/exampledb", []),
        ("", []),
        (None, []),
    ],
)
def test_the_sqlite_database_folder_is_the_one_a_run_may_write_besides_its_own(
    url: str | None, expected: list[Path]
) -> None:
    assert confinement.database_folders(url, PROJECT_ROOT) == expected


@pytest.mark.fast
def test_a_confined_process_writes_only_where_it_is_allowed(tmp_path: Path) -> None:
    """The mechanism itself, in a child: its folder and /dev/null yes, a sibling folder
    no (the file unchanged), and (ABI 6+) no signal to its parent."""
    if not FOUND.landlock:
        pytest.skip(f"no Landlock here: {FOUND.containment}")
    allowed, other = tmp_path / "allowed", tmp_path / "other"
    allowed.mkdir()
    other.mkdir()
    (other / "kept.txt").write_text("kept\n")
    code = f"""
import os
from pathlib import Path
from runner.execution import landlock
landlock.confine({FOUND.landlock_abi}, [Path({str(allowed)!r})])
for path in ({str(allowed / "new.txt")!r}, "/dev/null", {str(other / "kept.txt")!r},
             {str(other / "new.txt")!r}):
    try:
        with open(path, "a") as file:
            file.write("x")
        print("written", path)
    except PermissionError:
        print("refused", path)
try:
    os.kill(os.getppid(), 0)
    print("signal: sent")
except PermissionError:
    print("signal: refused")
"""
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines()[:4] == [
        f"written {allowed / 'new.txt'}",
        "written /dev/null",
        f"refused {other / 'kept.txt'}",
        f"refused {other / 'new.txt'}",
    ], done.stdout
    assert (other / "kept.txt").read_text() == "kept\n" and not (other / "new.txt").exists()
    scoped = FOUND.landlock_abi >= landlock.SIGNAL_SCOPE_ABI
    assert done.stdout.splitlines()[4] == ("signal: refused" if scoped else "signal: sent")
