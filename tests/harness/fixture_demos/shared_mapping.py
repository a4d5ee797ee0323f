"""Maps 6 GiB of shared anonymous memory and touches every page of it.

``RLIMIT_DATA`` does not count a shared mapping; ``RLIMIT_AS`` does.
"""

import mmap

SIZE = 6 << 30


def main() -> None:
    mapping = mmap.mmap(-1, SIZE)  # MAP_SHARED | MAP_ANONYMOUS, as Python's default
    print("mapped 6 GiB", flush=True)
    for offset in range(0, SIZE, mmap.PAGESIZE):
        mapping[offset] = 1
    print("touched 6 GiB")


if __name__ == "__main__":
    main()
