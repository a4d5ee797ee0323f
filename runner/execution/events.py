"""What a run sends to the slide, and how it is framed as server-sent events.

The stream of ``POST /api/demos/{id}/run`` is, exactly:

* any number of ``event: stdout`` / ``event: stderr`` events. Each carries one line
  of the demo's output *with* its newline, or a partial line *without* one, sent
  when the demo pauses or stops mid-line, or when the line passes 64 Ki characters.
  The text goes on the wire as one ``data:`` field per line, so ``"x\\n"`` is
  framed ``data: x`` + ``data:``; an SSE parser joins the fields with ``"\\n"``
  and gets back exactly ``"x\\n"``. A client appends each event's data as it is,
  and lines end where the demo ended them.
* then one ``event: exit`` whose data is JSON
  ``{"code": int, "elapsed_s": float, "timed_out": bool, "truncated": bool}``, last.

SSE treats CR, LF and CRLF alike as line ends, so a CR cannot travel inside data:
``"\\r\\n"`` becomes ``"\\n"``, and a lone ``"\\r"`` (a progress bar redrawing its
line) ends the line as well. Bytes that are not UTF-8 arrive as U+FFFD.
"""

import codecs
import json
from dataclasses import asdict, dataclass
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


def encode(event: Event) -> bytes:
    """The event in the SSE wire format, ending with the blank line that dispatches it."""
    name: str
    if isinstance(event, Output):
        name, data = event.stream, event.text
    else:
        name, data = "exit", json.dumps(asdict(event))
    fields = [f"event: {name}", *(f"data: {line}" for line in data.split("\n"))]
    return ("\n".join(fields) + "\n\n").encode()


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

    def feed(self, data: bytes) -> list[str]:
        """The lines completed by data, each ending in "\\n", then the unfinished one if
        it has grown past MAX_PARTIAL_CHARS (without a newline)."""
        text = self._decoder.decode(data)
        if not text:
            return []
        # A CR at the end of the last chunk already ended its line; if this chunk
        # starts with the LF of that CRLF, it must not end another.
        if self._after_cr and text.startswith("\n"):
            text = text[1:]
        self._after_cr = text.endswith("\r")
        text = self._pending + text.replace("\r\n", "\n").replace("\r", "\n")
        *lines, self._pending = text.split("\n")
        completed = [line + "\n" for line in lines]
        if len(self._pending) >= MAX_PARTIAL_CHARS:
            completed.append(self.take_partial())
        return completed

    def take_partial(self, *, final: bool = False) -> str:
        """The unfinished line so far (with any half character, when final)."""
        text = self._pending + (self._decoder.decode(b"", final=True) if final else "")
        self._pending = ""
        return text
