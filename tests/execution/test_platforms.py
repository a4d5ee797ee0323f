"""Portable by detection: what the runner does on a system without /proc, prctl or POSIX.

The capability seam (runner.execution.capabilities) is what every OS facility goes
through; TALK_SIMULATE_MISSING switches facilities off, as CI's macOS lane does for
the execution and service tests. Native Windows has no fork or process groups: the
runner says so in one line, and the demos use nothing POSIX-only.
"""

import ast
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from runner.execution import capabilities, limits, namespaces
from runner.settings import PROJECT_ROOT
from tests.harness.demo_runs import python_m

# What native Windows lacks, as the demos could reach it.
POSIX_ONLY_MODULES = {"fcntl", "grp", "posix", "pty", "pwd", "resource", "termios", "tty"}
POSIX_ONLY_ATTRIBUTES = {
    "os": {
        "fork",
        "forkpty",
        "killpg",
        "setsid",
        "setpgid",
        "getpgid",
        "getpgrp",
        "getuid",
        "geteuid",
        "getppid",
        "wait",
        "waitpid",
        "WNOHANG",
        "nice",
        "pipe2",
        "mkfifo",
    },
    "signal": {
        "SIGKILL",
        "SIGHUP",
        "SIGALRM",
        "SIGCHLD",
        "SIGUSR1",
        "SIGUSR2",
        "SIGPIPE",
        "SIGQUIT",
        "alarm",
        "setitimer",
        "pthread_kill",
        "siginterrupt",
    },
}


def _talk(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return python_m("runner.cli", *args, extra_env=env, timeout_s=60)


@pytest.mark.parametrize("command", [("run", "gather"), ("serve", "--no-browser")])
def test_without_posix_talk_run_and_serve_say_so_in_one_line(command: tuple[str, ...]) -> None:
    done = _talk(*command, TALK_SIMULATE_MISSING="posix")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1, done.stderr
    assert "needs macOS, Linux or WSL 2" in done.stderr and "Traceback" not in done.stderr


def test_without_proc_and_prctl_talk_run_runs_a_demo_to_its_end() -> None:
    """The macOS path of `talk run` (the issue's traceback: FileNotFoundError '/proc')."""
    done = _talk("run", "coroutine-object", TALK_SIMULATE_MISSING="proc,prctl")
    assert done.returncode == 0, done.stderr
    assert "<coroutine object" in done.stdout and "Traceback" not in done.stderr


@pytest.mark.fast
def test_the_demos_use_nothing_posix_only() -> None:
    found = []
    for path in sorted((PROJECT_ROOT / "demos").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            where = f"{path.relative_to(PROJECT_ROOT)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Import):
                found += [
                    f"{where} import {a.name}" for a in node.names if a.name in POSIX_ONLY_MODULES
                ]
            elif isinstance(node, ast.ImportFrom) and node.module in POSIX_ONLY_MODULES | set(
                POSIX_ONLY_ATTRIBUTES
            ):
                names = {a.name for a in node.names}
                if node.module in POSIX_ONLY_MODULES or names & POSIX_ONLY_ATTRIBUTES[node.module]:
                    found.append(f"{where} from {node.module} import {', '.join(sorted(names))}")
            elif (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.attr in POSIX_ONLY_ATTRIBUTES.get(node.value.id, set())
            ):
                found.append(f"{where} {node.value.id}.{node.attr}")
    assert found == []


@pytest.mark.fast
def test_the_scan_would_see_a_fork() -> None:
    """The control: the scan above finds what it looks for."""
    tree = ast.parse("import os, signal, resource\nos.fork()\nos.killpg(1, signal.SIGKILL)\n")
    seen = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    assert {"fork", "killpg", "SIGKILL"} <= seen & (
        POSIX_ONLY_ATTRIBUTES["os"] | POSIX_ONLY_ATTRIBUTES["signal"]
    )


@pytest.mark.fast
def test_the_switch_turns_facilities_off_and_names_what_is_in_force(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(capabilities.SIMULATE_MISSING, "proc,prctl")
    capabilities.detect.cache_clear()
    try:
        found = capabilities.detect()
        assert not found.proc and not found.prctl and not found.subreaper and found.posix
        assert found.containment.startswith("process group only (")
        assert "TALK_SIMULATE_MISSING=proc,prctl" in found.containment
        monkeypatch.setenv(capabilities.SIMULATE_MISSING, "procfs")
        capabilities.detect.cache_clear()
        with pytest.raises(ValueError, match="procfs"):
            capabilities.detect()
    finally:
        monkeypatch.delenv(capabilities.SIMULATE_MISSING)
        capabilities.detect.cache_clear()


@pytest.mark.fast
def test_the_containment_in_force_is_what_this_system_offers() -> None:
    """Linux: a PID namespace per run where this user may create one, else a per-run
    subreaper; the lane that plays macOS (and macOS): a group only."""
    found = capabilities.detect()
    missing = set(found.simulated_missing)
    if sys.platform.startswith("linux") and not missing & {"proc", "prctl"}:
        assert found.subreaper and found.memory_limit
        kind = "PID namespace per run" if found.pid_namespace else "per-run subreaper"
        assert found.containment.startswith(f"{kind} (Linux")
        assert "in force: process group, subreaper" in found.containment
    else:
        assert not found.subreaper and not found.pid_namespace
        assert found.containment.startswith("process group only (")


@pytest.mark.fast
def test_a_pid_namespace_is_found_where_this_user_may_create_one() -> None:
    """Tried, not assumed: root may create one, anyone else needs user namespaces, which
    some distributions forbid; the flags found are the ones that worked."""
    found = capabilities.detect()
    if "pid_namespace" in found.simulated_missing or not found.proc:
        assert not found.pid_namespace
    elif sys.platform.startswith("linux"):
        assert found.pid_namespace_flags == namespaces.pid_namespace_flags()
        if found.pid_namespace and os.geteuid() != 0:
            assert found.user_namespace


def test_talk_doctor_names_the_containment_in_force(tmp_path: Path) -> None:
    from runner import doctor

    report = doctor.examine(slides_dir=tmp_path, demos_dir=tmp_path, build_dir=tmp_path)
    assert report.notes[0] == f"containment: {capabilities.detect().containment}"
    found = capabilities.detect()
    expected = (
        "PID namespace per run"
        if found.pid_namespace
        else "per-run subreaper"
        if found.subreaper
        else "process group only"
    )
    assert expected in report.notes[0]


def test_a_run_gets_the_limits_its_system_offers() -> None:
    code = (
        "import resource\n"
        "from runner.execution import capabilities, limits\n"
        "limits.apply_to_this_process(capabilities.detect())\n"
        "print(resource.getrlimit(resource.RLIMIT_DATA)[0],"
        " resource.getrlimit(resource.RLIMIT_NPROC)[0],"
        " resource.getrlimit(resource.RLIMIT_AS)[0])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    )
    data, processes, address_space = (int(n) for n in done.stdout.split())
    found = capabilities.detect()
    if found.memory_limit:
        assert data == limits.MEMORY_LIMIT_BYTES
        assert address_space == limits.ADDRESS_SPACE_LIMIT_BYTES
    if found.process_limit:
        assert processes != resource.RLIM_INFINITY and processes > limits.PROCESS_HEADROOM
