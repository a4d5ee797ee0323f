"""What a slide shows of a demo: the file or one region, without its OMIT lines.

As in Go's `present`, a demo runs whole while its slide shows only what teaches:
lines ending in ``# OMIT`` never reach a slide, and ``# region name`` /
``# endregion`` mark the lines a link with ``#name`` shows; the markers themselves
are dropped too. On a slide, where every line costs room, a run of blank lines
shows as one.

A demo may name its headline, the output line its slide is about, on a line of its
own: ``# headline: It took``. The deck emphasises the output lines that start with
that text; the marker line itself never reaches a slide.
"""

import difflib
import re
import textwrap

_REGION = re.compile(r"^\s*#\s*region\s+(?P<name>\S+)\s*$")
_ENDREGION = re.compile(r"^\s*#\s*endregion\b")
_BLANK_RUN = re.compile(r"\n(?:[ \t]*\n){2,}")
_HEADLINE = re.compile(r"^\s*#\s*headline:\s?(?P<text>.*?)\s*$")


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


def headlines(source: str) -> list[str]:
    """The starts of the output lines a demo marks as its headline, in file order."""
    marks = (_HEADLINE.match(line) for line in source.splitlines())
    return [match["text"] for match in marks if match and match["text"]]


def excerpt(source: str, region: str | None = None) -> str | None:
    """The code a slide shows, or None when the demo has no such region.

    A region is dedented, so code from inside a function starts at the margin, and
    the two blank lines PEP 8 puts between definitions show as one.
    """
    lines = source.splitlines()
    shown = _shown(lines, region)
    if shown is None:
        return None
    code = textwrap.dedent("\n".join(lines[i] for i in shown)).strip("\n")
    return _BLANK_RUN.sub("\n\n", code) + "\n"


def splice(source: str, region: str | None, edited: str) -> str | None:
    """The demo's source with the code its slide shows replaced by ``edited``.

    What the slide does not show (OMIT lines, region markers, other regions) stays
    where it was; changed lines take the region's indentation back. A hidden line
    follows the shown line it followed: that line's new version when lines were
    edited one for one, the same line if the edit kept it elsewhere; failing both, a
    line at the region's margin (an import, a redirect) goes before the new code and
    an indented one, whose body was rewritten, goes with it: an edit that replaces
    everything runs as shown. None when the demo has no such region.
    """
    lines = source.splitlines()
    shown = _shown(lines, region)
    if shown is None:
        return None
    while shown and not lines[shown[0]].strip():  # excerpt() strips blank lines at the ends
        shown.pop(0)
    while shown and not lines[shown[-1]].strip():
        shown.pop()
    margin = _margin([lines[i] for i in shown])
    before = [line[len(margin) :] if line.strip() else "" for line in (lines[i] for i in shown)]
    after = edited.splitlines()
    # The hidden lines that follow each shown line, up to the next (the last one's
    # are the rest of the file, which always stays).
    hidden = [lines[shown[i] + 1 : shown[i + 1]] for i in range(len(shown) - 1)] + [[]]
    result = lines[: shown[0]] if shown else lines[:]
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for i in range(i1, i2):
                result += [lines[shown[i]], *hidden[i]]
            continue
        new = [margin + line if line.strip() else "" for line in after[j1:j2]]
        result += _rehome(
            new, after[j1:j2], [(before[i], hidden[i]) for i in range(i1, i2)], margin
        )
    if shown:
        result += lines[shown[-1] + 1 :]
    return "\n".join(result) + "\n"


def _rehome(
    new: list[str], edited: list[str], hidden: list[tuple[str, list[str]]], margin: str
) -> list[str]:
    """The new lines of a rewritten stretch, with the hidden lines of the shown lines it
    replaced placed as splice() says; hidden pairs each shown line (dedented) with the
    hidden lines that followed it."""
    after_line: dict[int, list[str]] = {}
    first: list[str] = []
    same_length = len(hidden) == len(new)  # lines edited in place: each keeps its own
    for index, (anchor, lines) in enumerate(hidden):
        found = index if same_length else None
        if found is None and anchor.strip():
            found = next((k for k, line in enumerate(edited) if line == anchor), None)
        for line in lines:
            if found is not None:
                after_line.setdefault(found, []).append(line)
            elif not line[len(margin) :][:1].isspace():
                first.append(line)
    placed = list(first)
    for k, line in enumerate(new):
        placed += [line, *after_line.get(k, [])]
    return placed


def _margin(lines: list[str]) -> str:
    """The leading whitespace textwrap.dedent removes from these lines."""
    indents = [line[: len(line) - len(line.lstrip())] for line in lines if line.strip()]
    if not indents:
        return ""
    # The common prefix of the first and last in sorted order is everyone's.
    low, high = min(indents), max(indents)
    length = next((i for i, (a, b) in enumerate(zip(low, high, strict=False)) if a != b), len(low))
    return low[:length]


def _shown(lines: list[str], region: str | None) -> list[int] | None:
    """The indices of the lines a slide shows, before dedenting; None without the region."""
    shown: list[int] = []
    depth = 0  # nesting inside the wanted region; 0 while outside it
    found = False
    for index, line in enumerate(lines):
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
        if _HEADLINE.match(line):
            continue
        if (region is None or depth) and not _omitted(line):
            shown.append(index)
    if region is not None and not found:
        return None
    return shown
