"""A benchmark-only demo: 1,000-character lines until the runner's 1 MiB cap cuts it.

Long lines wrap, so each costs the deck more to lay out than a short one. Not in
the catalog: no slide of the talk runs it.
"""

MEGABYTES = 4  # more than the cap, so the cap is what ends it


def main() -> None:
    line = "y" * 999
    for _ in range(MEGABYTES * 1024):
        print(line)


if __name__ == "__main__":
    main()
