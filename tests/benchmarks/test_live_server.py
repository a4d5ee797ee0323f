"""Where the tests' and benchmarks' servers listen: a free port outside the ephemeral range."""

import socket
from collections.abc import Iterator

import pytest

from benchmarks import live_server


@pytest.mark.fast
def test_a_free_port_is_outside_the_range_outgoing_connections_draw_from() -> None:
    port = live_server.free_port()
    assert port in live_server.SERVER_PORTS
    assert port < 32768  # Linux's default ephemeral range starts here, macOS's higher
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))  # free: nothing holds it after the check


@pytest.mark.fast
def test_a_port_something_listens_on_is_passed_over(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", live_server.free_port()))
        taken.listen()
        busy = taken.getsockname()[1]
        free = live_server.free_port()
        offered: Iterator[int] = iter([busy, free])
        monkeypatch.setattr(live_server.random, "choice", lambda _ports: next(offered))
        assert live_server.free_port() == free
