"""Starts `sleep 313` in a session of its own with an EMPTY environment, says its pid,
then exits: nothing links the sleeper to its run but its ancestry."""

import subprocess

from tests.harness.fixture_demos._outside import system_pid_of


def start_bare_daemon() -> int:
    child = subprocess.Popen(["sleep", "313"], start_new_session=True, env={})
    return system_pid_of(child.pid)


def main() -> None:
    print(f"daemon {start_bare_daemon()}")


if __name__ == "__main__":
    main()
