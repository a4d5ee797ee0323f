"""Starts `sleep 313` in a session of its own with an EMPTY environment, says its pid,
then exits: nothing links the sleeper to its run but its ancestry."""

import subprocess


def start_bare_daemon() -> int:
    return subprocess.Popen(["sleep", "313"], start_new_session=True, env={}).pid


def main() -> None:
    print(f"daemon {start_bare_daemon()}")


if __name__ == "__main__":
    main()
