"""`talk serve`: when it rebuilds the deck, and how loudly it warns off loopback."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from benchmarks.live_server import free_port
from runner.service.security import is_loopback
from runner.service.server import browse_host


def test_only_loopback_addresses_count_as_loopback() -> None:
    assert [h for h in ("127.0.0.1", "::1", "localhost", "127.8.0.1") if not is_loopback(h)] == []
    assert [h for h in ("0.0.0.0", "::", "192.168.1.2", "example.com") if is_loopback(h)] == []


def test_serving_on_all_interfaces_warns_loudly_and_still_checks_the_host(
    tmp_path: Path, database_url: str
) -> None:
    port = free_port()
    env = {**os.environ, "TALK_BUILD_DIR": str(tmp_path), "TALK_DATABASE_URL": database_url}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "runner.cli",
            "serve",
            "--host",
            "0.0.0.0",
            "--port",
            str(port),
            "--no-browser",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, "talk serve exited early"
            assert time.monotonic() < deadline, "talk serve did not answer within 60 s"
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert health.json()["runner"] == "ok"
        rebinding = httpx.get(
            f"http://127.0.0.1:{port}/api/health",
            headers={"host": f"rebind.example:{port}"},
            timeout=5,
        )
        assert rebinding.status_code == 400
        deck = httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
        assert deck.status_code == 200 and 'class="demo"' in deck.text
    finally:
        server.send_signal(signal.SIGINT)
        try:
            _, stderr = server.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            _, stderr = server.communicate()
    assert server.returncode == 0, stderr
    assert "WARNING: the runner listens on 0.0.0.0" in stderr
    assert "!" * 78 in stderr


def test_the_url_printed_for_a_bind_address_is_one_that_reaches_it() -> None:
    assert {h: browse_host(h) for h in ("0.0.0.0", "::", "127.0.0.2", "::1", "fe80::1")} == {
        "0.0.0.0": "127.0.0.1",  # every IPv4 interface, loopback among them
        "::": "[::1]",  # asyncio binds :: to IPv6 alone
        "127.0.0.2": "127.0.0.2",
        "::1": "[::1]",
        "fe80::1": "[fe80::1]",
    }


@pytest.mark.parametrize(
    ("host", "exposed"),
    [
        ("::", "WARNING: the runner listens on [::]:{port}, every IPv6 interface"),
        ("127.0.0.2", "note: the runner listens on 127.0.0.2:{port}, a loopback address"),
    ],
)
def test_the_printed_url_answers_and_runs_a_demo_and_the_exposure_is_said(
    tmp_path: Path, database_url: str, host: str, exposed: str
) -> None:
    port = free_port()
    env = {**os.environ, "TALK_BUILD_DIR": str(tmp_path), "TALK_DATABASE_URL": database_url}
    command = ["serve", "--host", host, "--port", str(port), "--no-browser"]
    server = subprocess.Popen(
        [sys.executable, "-m", "runner.cli", *command],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert server.stderr is not None
    printed = []
    try:
        while not (printed and printed[-1].startswith("the talk: ")):
            line = server.stderr.readline()
            assert line, f"talk serve ended before printing its URL: {printed}"
            printed.append(line)
        url = printed[-1].removeprefix("the talk: ").strip()
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, "talk serve exited early"
            assert time.monotonic() < deadline, f"nothing answers at {url} within 60 s"
            try:
                health = httpx.get(f"{url}api/health", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert health.status_code == 200, health.text
        assert httpx.get(url, timeout=5).status_code == 200
        # The deck's own Run: a POST whose Origin is the printed URL's.
        run = httpx.post(
            f"{url}api/demos/coroutine-object/run", headers={"origin": url.rstrip("/")}, timeout=30
        )
        assert run.status_code == 200 and "event: exit" in run.text, run.text
        rebinding = httpx.get(
            f"{url}api/health", headers={"host": f"rebind.example:{port}"}, timeout=5
        )
        assert rebinding.status_code == 400
    finally:
        server.send_signal(signal.SIGINT)
        try:
            _, rest = server.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            _, rest = server.communicate()
    assert exposed.format(port=port) in "".join(printed) + rest
