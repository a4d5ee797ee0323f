"""Allocates 64 MiB at a time until it has 4 GiB or the system says no."""

CHUNK = 64 * 1024 * 1024


def main() -> None:
    held = [bytearray(CHUNK) for _ in range(64)]
    print(f"held {len(held) * CHUNK >> 20} MiB")


if __name__ == "__main__":
    main()
