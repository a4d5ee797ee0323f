"""A child in a session of its own ptrace-attaches to the demo (PTRACE_SEIZE) and never reaps it.

Killed, the demo stays a zombie that only its tracer can release: a supervisor that
waits for it without a deadline waits forever.
"""

import ctypes
import os
import time

_PTRACE_SEIZE = 0x4206  # attach without stopping the demo


def main() -> None:
    demo = os.getpid()  # as this run's namespace numbers it, which is also the child's
    said_r, said_w = os.pipe()
    if os.fork() == 0:
        os.setsid()
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.ptrace(_PTRACE_SEIZE, demo, None, None) == 0:
            os.write(said_w, b"attached\n")
        else:
            os.write(said_w, f"refused: {os.strerror(ctypes.get_errno())}\n".encode())
        time.sleep(600)  # never waits for the demo
        os._exit(0)
    os.close(said_w)
    with os.fdopen(said_r) as said:
        print(f"tracer: {said.readline().strip()}")
    time.sleep(600)


if __name__ == "__main__":
    main()
