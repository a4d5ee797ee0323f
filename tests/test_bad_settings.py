"""A TALK_DATABASE_URL or a TALK_BUILD_DIR that cannot be used: one line that names the
value and the fix, from every command that needs it, never a traceback."""

import subprocess
from pathlib import Path

import pytest
from pydantic import ValidationError

from demos.connection import UnsupportedDatabase, driver_url
from demos.environment import ENV_VAR
from runner.settings import (
    PROJECT_ROOT,
    Settings,
    UnusableBuildDir,
    problems,
    writable_build_dir,
)
from tests.harness.demo_runs import python_m

MALFORMED_URLS = {
    "garbage": ("garbage", "is not a database URL"),
    "bad-port": ("mysql+pymysql://root:s3cret@127.0.0.1:99999/x", "has port '99999'"),
    "port-not-a-number": ("mysql+pymysql://root@127.0.0.1:abc/x", "has port 'abc'"),
    "bad-escape": ("mysql+pymysql://root@127.0.0.1:3306/x?charset=%ZZ", "'%ZZ'"),
    "unknown-charset": ("mysql+pymysql://root@127.0.0.1:3306/x?charset=klingon", "'klingon'"),
}
# Each says how to write it, or what to write instead.
FIXES = ("write it as", "write a % itself as %25", "use charset=utf8mb4")
WELL_FORMED_URLS = [
    "mysql+pymysql://root@127.0.0.1:3306/exampledb",
    "mysql+aiomysql://u:p%40ss@[::1]:3307/db?charset=utf8mb4",
    "mariadb://root@localhost/exampledb",
    "sqlite:////tmp/with:colon.sqlite3",
    "sqlite://",
    "mysql+pymysql://root:example@localhost/exampledb",
]


@pytest.mark.fast
@pytest.mark.parametrize("url, said", MALFORMED_URLS.values(), ids=MALFORMED_URLS.keys())
def test_a_malformed_database_url_is_one_line_naming_it_and_the_fix(url: str, said: str) -> None:
    with pytest.raises(UnsupportedDatabase) as raised:
        driver_url(url, asynchronous=True)
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith(f"{ENV_VAR}='") and said in message
    assert any(fix in message for fix in FIXES), message
    assert "s3cret" not in message  # a password is never printed


@pytest.mark.fast
@pytest.mark.parametrize("url", WELL_FORMED_URLS)
def test_a_well_formed_database_url_still_passes(url: str) -> None:
    assert driver_url(url, asynchronous=False).get_backend_name() in ("mysql", "mariadb", "sqlite")


@pytest.mark.fast
@pytest.mark.parametrize(
    "folder", [".", "..", "/", "slides", "demos/built", "./.git"], ids=lambda f: f or "empty"
)
def test_a_build_folder_that_would_write_into_the_project_is_refused_in_one_line(
    folder: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(PROJECT_ROOT)
    monkeypatch.setenv("TALK_BUILD_DIR", folder)
    with pytest.raises(ValidationError) as raised:
        Settings()
    [line] = problems(raised.value)
    assert line.startswith(f"TALK_BUILD_DIR={folder!r}: ")
    assert line.endswith("point TALK_BUILD_DIR at a folder of its own, or unset it for build/")


@pytest.mark.fast
def test_a_build_folder_of_its_own_is_taken_as_an_absolute_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TALK_BUILD_DIR", "deck")
    assert Settings().build_dir == tmp_path / "deck"


@pytest.mark.fast
def test_any_other_setting_that_cannot_be_read_is_one_line_with_its_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TALK_RUN_TIMEOUT_S", "thirty")
    with pytest.raises(ValidationError) as raised:
        Settings()
    [line] = problems(raised.value)
    assert line.startswith("TALK_RUN_TIMEOUT_S='thirty': ")
    assert line.endswith("unset it for the default, 30.0")


@pytest.mark.fast
@pytest.mark.parametrize(
    "where", ["a file in the way", "a folder no one can make"], ids=["file", "proc"]
)
def test_a_build_folder_that_cannot_be_written_is_one_line(where: str, tmp_path: Path) -> None:
    if where == "a file in the way":
        (tmp_path / "taken").write_text("")
        folder = tmp_path / "taken" / "build"
    else:
        folder = Path("/proc/no-such-process/build")
    with pytest.raises(UnusableBuildDir) as raised:
        writable_build_dir(folder)
    message = str(raised.value)
    assert "\n" not in message and str(folder) in message
    assert message.endswith("point TALK_BUILD_DIR at a folder of its own, or unset it for build/")


def talk(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return python_m("runner.cli", *args, extra_env=env)


def demo_by_hand(module: str, **env: str) -> subprocess.CompletedProcess[str]:
    return python_m(module, extra_env=env, timeout_s=60)


def one_line_naming(done: subprocess.CompletedProcess[str], url: str, said: str) -> None:
    assert done.returncode != 0, done.args
    assert done.stderr.count("\n") == 1, (done.args, done.stderr)
    shown = url.replace("s3cret", "***")
    assert f"{ENV_VAR}={shown!r}" in done.stderr and said in done.stderr, done.stderr


# What needs the database: its setup, a run, the pre-flight check, the server, a
# recording build, and a demo run by hand (not through talk).
COMMANDS = {
    "db-init": ("db", "init"),
    "run": ("run", "async-orm"),
    "doctor": ("doctor",),
    "serve": ("serve", "--no-browser", "--port", "1"),
    "build-record": ("build", "--record"),
}


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS.keys())
def test_every_command_that_needs_the_database_says_one_line(command: tuple[str, ...]) -> None:
    url, said = MALFORMED_URLS["garbage"]
    one_line_naming(talk(*command, TALK_DATABASE_URL=url), url, said)


@pytest.mark.parametrize("url, said", MALFORMED_URLS.values(), ids=MALFORMED_URLS.keys())
def test_each_malformed_url_is_one_line_from_talk_and_from_a_demo_run_by_hand(
    url: str, said: str
) -> None:
    one_line_naming(talk("db", "init", TALK_DATABASE_URL=url), url, said)
    by_hand = demo_by_hand("demos.sqlalchemy_async.async_orm", TALK_DATABASE_URL=url)
    one_line_naming(by_hand, url, said)


@pytest.mark.parametrize("folder", [".", "slides", "README.md"])
def test_talk_build_into_an_unusable_folder_says_one_line_and_writes_nothing(folder: str) -> None:
    before = sorted(p.name for p in PROJECT_ROOT.iterdir())
    done = talk("build", TALK_BUILD_DIR=folder)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("error: TALK_BUILD_DIR") and done.stderr.count("\n") == 1
    assert sorted(p.name for p in PROJECT_ROOT.iterdir()) == before
    assert not (PROJECT_ROOT / "slides" / "index.html").exists()
