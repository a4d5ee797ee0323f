"""Where the room reaches the audience listener: LAN addresses, URLs, what the terminal says."""

import socket
from pathlib import Path
from typing import Any

import pytest

from runner.service import audience_net, audience_server
from runner.service.audience import FollowHub
from runner.service.audience_routes import Audience

pytestmark = pytest.mark.fast


def test_lan_addresses_keep_reachable_ipv4_once_each() -> None:
    found = audience_net.lan_addresses(
        default_route=lambda: "192.168.1.20",
        host_addresses=lambda: ["127.0.1.1", "192.168.1.20", "10.0.0.5", "169.254.3.4", "x"],
    )
    assert found == ["192.168.1.20", "10.0.0.5"]


def test_no_network_means_no_lan_address() -> None:
    assert audience_net.lan_addresses(default_route=lambda: None, host_addresses=list) == []


def test_a_wildcard_bind_has_a_url_per_lan_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audience_net, "lan_addresses", lambda: ["192.168.1.20", "10.0.0.5"])
    assert audience_net.audience_urls("0.0.0.0", 8001) == [
        "http://192.168.1.20:8001/",
        "http://10.0.0.5:8001/",
    ]
    assert audience_net.audience_urls("192.168.1.20", 9000) == ["http://192.168.1.20:9000/"]


def test_the_terminal_names_every_url_and_what_is_exposed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    urls = ["http://192.168.1.20:8001/", "http://10.0.0.5:8001/"]
    nothing: Any = None  # announce reads only the URLs
    listener = audience_server.AudienceListener(Audience(FollowHub(), urls), nothing, nothing)
    audience_server.announce(listener)
    err = capsys.readouterr().err
    assert all(f"audience: the room follows at {url}" in err for url in urls)
    assert "read-only" in err and "no LAN address" not in err


def test_a_taken_audience_port_is_one_line() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(audience_server.AudiencePortError) as error:
            audience_server.prepare("127.0.0.1", port, deck_dir=Path("."))
    assert f"127.0.0.1:{port}" in str(error.value) and "\n" not in str(error.value)
