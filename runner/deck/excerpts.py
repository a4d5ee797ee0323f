"""What a slide shows of a demo: the file or one region, without its OMIT lines.

As in Go's `present`, a demo runs whole while its slide shows only what teaches:
lines ending in ``# OMIT`` never reach a slide, and ``# region name`` /
``# endregion`` mark the lines a link with ``#name`` shows; the markers themselves
are dropped too.
"""

import re
import textwrap

_REGION = re.compile(r"^\s*#\s*region\s+(?P<name>\S+)\s*$")
_ENDREGION = re.compile(r"^\s*#\s*endregion\b")


def _omitted(line: str) -> bool:
    return line.rstrip().endswith("# OMIT")


def misplaced_omit(source: str) -> int | None:
    """The first line (1-based) with ``# OMIT`` that does not end it, which would be shown."""
    for number, line in enumerate(source.splitlines(), start=1):
        if "# OMIT" in line and not _omitted(line):
            return number
    return None


def unclosed_region(source: str) -> tuple[int, str] | None:
    """The line and sentence of the first region without its end, or of a stray end.

    Left alone, a missing ``# endregion`` would put the rest of the file on the slide.
    """
    opened: list[tuple[int, str]] = []
    for number, line in enumerate(source.splitlines(), start=1):
        if start := _REGION.match(line):
            opened.append((number, start["name"]))
        elif _ENDREGION.match(line):
            if not opened:
                return number, "'# endregion' without a '# region NAME' before it"
            opened.pop()
    if opened:
        number, name = opened[-1]
        return number, f"region {name!r} is never closed: add '# endregion' where it ends"
    return None


def regions(source: str) -> list[str]:
    """The region names a demo defines, in file order."""
    names = (_REGION.match(line) for line in source.splitlines())
    return [match["name"] for match in names if match]


def excerpt(source: str, region: str | None = None) -> str | None:
    """The code a slide shows, or None when the demo has no such region.

    A region is dedented, so code from inside a function starts at the margin.
    """
    shown: list[str] = []
    depth = 0  # nesting inside the wanted region; 0 while outside it
    found = False
    for line in source.splitlines():
        start = _REGION.match(line)
        if start:
            if depth:
                depth += 1
            elif region is not None and start["name"] == region and not found:
                found = True
                depth = 1
            continue
        if _ENDREGION.match(line):
            depth = max(depth - 1, 0)
            continue
        if (region is None or depth) and not _omitted(line):
            shown.append(line)
    if region is not None and not found:
        return None
    return textwrap.dedent("\n".join(shown)).strip("\n") + "\n"
