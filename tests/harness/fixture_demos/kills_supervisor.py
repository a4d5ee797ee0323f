"""Forks a setsid() child that ignores SIGTERM, then SIGKILLs its own supervisor."""

import os
import signal
import time

from tests.harness.fixture_demos._outside import supervisor_pid


def main() -> None:
    said_r, said_w = os.pipe()
    if os.fork() == 0:
        os.setsid()
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        os.write(said_w, b"ready\n")
        time.sleep(600)
        os._exit(0)
    os.close(said_w)
    with os.fdopen(said_r) as said:
        said.readline()
    target = supervisor_pid()
    print(f"killing the supervisor {target}", flush=True)
    try:
        os.kill(target, signal.SIGKILL)
    except OSError as error:  # out of reach: another PID namespace, or Landlock's scope
        print(f"refused: SIGKILL to the supervisor {target}: {error}")
        return
    time.sleep(600)


if __name__ == "__main__":
    main()
