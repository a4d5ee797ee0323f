"""Line splitting in runner/execution/events.py (framing: tests/service/test_stream.py)."""

import pytest

from runner.execution.events import MAX_PARTIAL_CHARS, LineBuffer

pytestmark = pytest.mark.fast


def test_lines_are_cut_at_lf_crlf_and_cr_even_across_chunks() -> None:
    lines = LineBuffer()
    out = lines.feed(b"a\r") + lines.feed(b"\nb\rc") + lines.feed(b"\r\r\nd")
    assert out == "a\nb\nc\n\n"
    assert lines.take_partial(final=True) == "d"


def test_a_character_split_between_chunks_is_not_mangled() -> None:
    lines = LineBuffer()
    coffee = "☕\n".encode()
    assert lines.feed(coffee[:1]) == ""
    assert not lines.has_partial  # half a character is not yet a partial line
    assert lines.feed(coffee[1:]) == "☕\n"


def test_bytes_that_are_not_utf8_become_replacement_characters() -> None:
    lines = LineBuffer()
    assert lines.feed(b"caf\xe9\n") == "caf\ufffd\n"
    assert lines.feed(b"\xe2\x98") == ""
    assert lines.take_partial(final=True) == "\ufffd"


def test_the_lines_of_a_chunk_come_back_as_one_text_and_the_unfinished_one_waits() -> None:
    lines = LineBuffer()
    assert lines.feed(b"\n" * 100_000 + b"x") == "\n" * 100_000
    assert lines.has_partial
    assert lines.feed(b"y\nz") == "xy\n"
    assert lines.take_partial(final=True) == "z"


def test_an_unfinished_line_past_the_bound_is_sent_as_it_is() -> None:
    lines = LineBuffer()
    long = b"a" * MAX_PARTIAL_CHARS
    assert lines.feed(b"done\n" + long) == "done\n" + long.decode()
    assert not lines.has_partial
