"""The SSE framing and the line splitting of runner/execution/events.py, against an SSE parser."""

import json

from hypothesis import given
from hypothesis import strategies as st

from runner.execution.events import Exit, LineBuffer, Output, encode
from tests.harness.runner import parse_events


# Text as the decoder hands it over: valid UTF-8, so never a lone surrogate; CR already
# turned into line ends.
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\r")))
def test_any_output_text_survives_the_framing_exactly(text: str) -> None:
    assert parse_events(encode(Output("stderr", text)).decode()) == [("stderr", text)]


def test_a_line_is_framed_as_one_data_field_per_line_and_a_blank_line() -> None:
    assert encode(Output("stdout", "x\n")) == b"event: stdout\ndata: x\ndata: \n\n"
    assert encode(Output("stdout", "partial")) == b"event: stdout\ndata: partial\n\n"


def test_the_exit_event_carries_its_four_fields_as_json() -> None:
    [(name, data)] = parse_events(encode(Exit(-9, 1.5, timed_out=True)).decode())
    assert name == "exit"
    assert json.loads(data) == {"code": -9, "elapsed_s": 1.5, "timed_out": True, "truncated": False}


def test_lines_are_cut_at_lf_crlf_and_cr_even_across_chunks() -> None:
    lines = LineBuffer()
    out = lines.feed(b"a\r") + lines.feed(b"\nb\rc") + lines.feed(b"\r\r\nd")
    assert out == ["a\n", "b\n", "c\n", "\n"]
    assert lines.take_partial(final=True) == "d"


def test_a_character_split_between_chunks_is_not_mangled() -> None:
    lines = LineBuffer()
    coffee = "☕\n".encode()
    assert lines.feed(coffee[:1]) == []
    assert not lines.has_partial  # half a character is not yet a partial line
    assert lines.feed(coffee[1:]) == ["☕\n"]


def test_bytes_that_are_not_utf8_become_replacement_characters() -> None:
    lines = LineBuffer()
    assert lines.feed(b"caf\xe9\n") == ["caf\ufffd\n"]
    assert lines.feed(b"\xe2\x98") == []
    assert lines.take_partial(final=True) == "\ufffd"
