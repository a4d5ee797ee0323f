"""Starts the empty-environment daemon of bare_daemon, says its pid, and keeps running."""

import time

from tests.harness.fixture_demos.bare_daemon import start_bare_daemon


def main() -> None:
    print(f"daemon {start_bare_daemon()}", flush=True)
    time.sleep(600)


if __name__ == "__main__":
    main()
