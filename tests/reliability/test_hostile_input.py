"""Hostile input: the API fuzzed from its own /openapi.json, and hand-made attacks.

Nothing may answer 5xx, and nothing may start a process unless it names a listed
demo. A process started is counted where no run can slip past: the page faults of
every child the runner and its fork server have reaped (see ``ServedRunner``).
"""

import socket
import time
from collections.abc import Iterator
from urllib.parse import quote

import httpx
import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase

from runner.settings import PROJECT_ROOT
from tests.harness.reliability import ServedRunner
from tests.harness.runner import wait_until

RUN_PATH = "/api/demos/{demo_id}/run"
MODELS = PROJECT_ROOT / "demos" / "sqlalchemy_async" / "models.py"


@pytest.fixture(scope="module")
def runner() -> Iterator[ServedRunner]:
    with ServedRunner() as served:
        yield served


def _processes_started(runner: ServedRunner) -> int:
    """The reaped-children counter once every run that was started has ended."""
    assert wait_until(lambda: not runner.leftovers(), 5), runner.leftovers()
    return runner.reaped_children_faults()


def _prove_the_counter_counts(runner: ServedRunner, before: int) -> None:
    """A listed demo must move the counter, or its staying put proves nothing."""
    assert httpx.post(f"{runner.url}/api/demos/models/run", timeout=30).status_code == 200
    assert _processes_started(runner) > before


@pytest.mark.parametrize(
    "max_examples",
    [
        pytest.param(60, id="60-examples"),
        pytest.param(1000, id="1000-examples", marks=pytest.mark.large),
    ],
)
def test_fuzzed_requests_never_fail_the_server_nor_start_an_unlisted_demo(
    runner: ServedRunner, max_examples: int
) -> None:
    listed = {demo["id"] for demo in httpx.get(f"{runner.url}/api/demos").json()}
    schema = schemathesis.openapi.from_url(f"{runner.url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} >= {RUN_PATH, "/api/health", "/api/demos"}
    before = _processes_started(runner)
    calls: list[tuple[str, int]] = []
    ran_listed: list[str] = []

    # Positive generation only: the schema's one parameter is any string, so there is no
    # "invalid" demo id for schemathesis' negative mode to make (it finds none).
    for operation in operations:

        @hypothesis.settings(
            max_examples=max_examples,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @hypothesis.given(case=operation.as_strategy())
        def call(case: schemathesis.Case) -> None:
            response = case.call(base_url=runner.url, timeout=30)
            calls.append((case.formatted_path, response.status_code))
            assert response.status_code < 500, (case.formatted_path, response.text)
            demo_id = (case.path_parameters or {}).get("demo_id")
            if response.status_code == 200 and case.operation.path == RUN_PATH:
                assert demo_id in listed, demo_id
                ran_listed.append(demo_id)

        call()

    print(
        f"\nfuzzed {len(calls)} requests: "
        f"{sorted({status for _path, status in calls})} statuses, "
        f"{len(ran_listed)} runs of listed demos"
    )
    assert len(calls) >= len(operations)
    if not ran_listed:
        assert _processes_started(runner) == before
    _prove_the_counter_counts(runner, _processes_started(runner))


def _request(
    method: str, path: str, *headers: str, body: bytes = b"", host: str | None = "127.0.0.1"
) -> bytes:
    """A raw HTTP/1.1 request, exactly as written: no client normalizes it first."""
    lines = [f"{method} {path} HTTP/1.1"]
    lines += [f"Host: {host}"] if host is not None else []
    lines += [*headers, "Connection: close"]
    if body and not any(h.lower().startswith("transfer-encoding") for h in headers):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def _post(path: str, *headers: str, **kwargs: object) -> bytes:
    return _request("POST", path, *headers, **kwargs)  # type: ignore[arg-type]


def _run(demo_id: str) -> str:
    return f"/api/demos/{demo_id}/run"


HOSTILE: dict[str, bytes] = {
    "dot-dot segments": _post("/api/demos/../../../etc/passwd/run"),
    "dot-dot in the id": _post(_run("..%2f..%2fdemos%2fsqlalchemy_async%2fmodels.py")),
    "encoded dots and slashes": _post(_run("%2e%2e%2f%2e%2e%2fetc%2fpasswd")),
    "double-encoded dots": _post(_run("%252e%252e%252fmodels")),
    "a relative file path": _post(_run(quote("demos/sqlalchemy_async/models.py", safe=""))),
    "an absolute file path": _post(_run(quote(str(MODELS), safe=""))),
    "a module name": _post(_run("demos.sqlalchemy_async.models")),
    "a fixture module name": _post(_run("tests.harness.fixture_demos.sleeper")),
    "an encoded NUL after an id": _post(_run("models%00")),
    "a raw NUL after an id": _post(_run("models\0")),
    "an encoded newline after an id": _post(_run("models%0a")),
    "a very long id": _post(_run("m" * 10_000)),
    "an id in other case": _post(_run("MODELS")),
    "an extra path segment": _post("/api/demos/models/run/x"),
    "an id with a parameter": _post(_run("models;x=1")),
    "a 10 MB body declared": _post(_run("models"), "Content-Length: 10000000"),
    "a 2 KiB body": _post(_run("models"), body=b"x" * 2048),
    "a chunked 64 KiB body": _post(
        _run("models"),
        "Transfer-Encoding: chunked",
        body=b"%x\r\n%s\r\n0\r\n\r\n" % (65536, b"x" * 65536),
    ),
    "a negative Content-Length": _post(_run("models"), "Content-Length: -1"),
    "a foreign Host": _post(_run("models"), host="attacker.invalid"),
    "a rebinding Host": _post(_run("models"), host="127.0.0.1.attacker.invalid"),
    "a Host with userinfo": _post(_run("models"), host="localhost@attacker.invalid"),
    "no Host": _post(_run("models"), host=None),
    "a foreign Origin": _post(_run("models"), "Origin: http://attacker.invalid"),
    "a null Origin": _post(_run("models"), "Origin: null"),
    "another loopback port as Origin": _post(_run("models"), "Origin: http://127.0.0.1:1"),
    "Sec-Fetch-Site: cross-site": _post(_run("models"), "Sec-Fetch-Site: cross-site"),
    "GET on the run path": _request("GET", _run("models")),
    "PUT on the run path": _request("PUT", _run("models")),
    "DELETE on the run path": _request("DELETE", _run("models")),
    "PATCH on the run path": _request("PATCH", _run("models")),
}


def _status(port: int, request: bytes) -> int:
    """Send request as is and read the status code of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(
            request.replace(b"Host: 127.0.0.1\r\n", f"Host: 127.0.0.1:{port}\r\n".encode())
        )
        answer = b""
        while b"\r\n" not in answer:
            chunk = sock.recv(4096)
            assert chunk, f"closed without an answer: {request[:80]!r}"
            answer += chunk
    return int(answer.split(b" ", 2)[1])


def test_hand_made_attacks_are_refused_with_4xx_and_start_nothing(runner: ServedRunner) -> None:
    before = _processes_started(runner)
    started = time.monotonic()
    statuses = {name: _status(runner.port, request) for name, request in HOSTILE.items()}

    print(
        f"\n{len(statuses)} hand-made attacks in {time.monotonic() - started:.2f} s: "
        + ", ".join(f"{name} {status}" for name, status in statuses.items())
    )
    assert {name: s for name, s in statuses.items() if not 400 <= s < 500} == {}
    assert _processes_started(runner) == before
    _prove_the_counter_counts(runner, before)
