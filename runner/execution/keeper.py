"""Outlives the runner to end what its runs left behind, however the runner died.

Started by :mod:`runner.execution.orphans` with the runner's token prefix and, as its
stdin, a pipe only the runner holds open. End of input means the runner is gone
(even by SIGKILL, which no handler of its own sees): every process still carrying a
token with that prefix is then killed.
"""

import sys

from runner.execution import orphans


def main() -> None:
    prefix = sys.argv[1] if len(sys.argv) == 2 else ""
    if not prefix:  # an empty prefix would match every run of every runner
        sys.exit("usage: python -m runner.execution.keeper PREFIX")
    while sys.stdin.buffer.read(4096):
        pass  # nobody writes; end of input is the only news
    orphans.kill_with_prefix(prefix)


if __name__ == "__main__":
    main()
