"""What a run of a demo produces: pieces of its output, then its end.

These are the events the web service streams to a slide (docs/wire.md is that
contract) and that `talk run` and `talk build --record` print or keep. Output is
cut into lines as the slide shows them: CR, LF and CRLF each end a line, and a line
ends in "\\n"; bytes that are not UTF-8 become U+FFFD. One piece of output holds
whole lines, as many as arrived together (a run gathers them into frames,
:mod:`runner.execution.runs`), or the unfinished end of one.
An unfinished line is sent as it is once it passes 64 Ki characters, so it counts
against the output cap as it arrives.
"""

import codecs
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

StreamName = Literal["stdout", "stderr"]


@dataclass(frozen=True)
class Output:
    stream: StreamName
    text: str


@dataclass(frozen=True)
class Exit:
    code: int
    elapsed_s: float
    timed_out: bool = False
    truncated: bool = False


Event = Output | Exit


# The longest unfinished line held back: past it, the part so far is sent as is, so a
# line without a newline is counted against the output cap as it arrives and never
# grows in memory.
MAX_PARTIAL_CHARS = 64 * 1024


class LineBuffer:
    """Bytes from one pipe in, lines out; holds the unfinished last line, up to a bound."""

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pending = ""
        self._after_cr = False

    @property
    def has_partial(self) -> bool:
        return bool(self._pending)

    def feed(self, data: bytes) -> str:
        """The lines completed by data as one text, each ending in "\\n", then the
        unfinished one if it has grown past MAX_PARTIAL_CHARS (without a newline).

        One text, not a list: a chunk of 65,536 empty lines costs two string slices
        here, not 65,536 objects.
        """
        text = self._decoder.decode(data)
        if not text:
            return ""
        # A CR at the end of the last chunk already ended its line; if this chunk
        # starts with the LF of that CRLF, it must not end another.
        if self._after_cr and text.startswith("\n"):
            text = text[1:]
        self._after_cr = text.endswith("\r")
        text = self._pending + text.replace("\r\n", "\n").replace("\r", "\n")
        end = text.rfind("\n") + 1
        completed, self._pending = text[:end], text[end:]
        if len(self._pending) >= MAX_PARTIAL_CHARS:
            completed += self.take_partial()
        return completed

    def take_partial(self, *, final: bool = False) -> str:
        """The unfinished line so far (with any half character, when final)."""
        text = self._pending + (self._decoder.decode(b"", final=True) if final else "")
        self._pending = ""
        return text


def portable(text: str, root: Path, home: Path | None = None) -> str:
    """Output with the presenter's paths taken out: files of the project relative to it,
    anything else under the home folder from ``~``.

    A slide shows the same line live as recorded (fit.js sized its box for the
    recording), and a shared static copy names no one's home folder.
    """
    home = home or Path.home()
    text = text.replace(f"{root}{os.sep}", "")
    return text.replace(f"{home}{os.sep}", f"~{os.sep}") if str(home) != os.sep else text
