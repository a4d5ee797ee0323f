"""The follow stream's hub: order, late joiners, bounds, caps; and one viewer's stream as
a plain ASGI call (a stalled viewer dropped, a gone one let go)."""

import asyncio
import json

import pytest

from benchmarks.live_server import parse_events
from runner.execution.events import Exit, Output
from runner.service import audience, audience_stream
from runner.service.audience import Behind, FollowHub, Refused, RunRelay

pytestmark = [pytest.mark.fast, pytest.mark.asyncio]


def ids_and_events(raw: bytes) -> list[tuple[int | None, str, dict[str, object]]]:
    """(id, name, data) of each event, ids as the SSE text has them (None without one)."""
    found = []
    for block in raw.decode().split("\n\n"):
        events = parse_events(block + "\n\n")
        if not events:
            continue
        ids = [line[4:] for line in block.split("\n") if line.startswith("id: ")]
        found.append((int(ids[0]) if ids else None, events[0][0], json.loads(events[0][1])))
    return found


async def test_a_viewer_gets_every_event_in_order_with_rising_ids() -> None:
    hub = FollowHub(clock=lambda: 100.0)
    viewer, first = hub.join("10.0.0.2")
    assert ids_and_events(first) == [(None, "hello", {"now": 100.0, "next": 1})]
    hub.position(2, 0, -1)
    relay = RunRelay(hub, "gather")

    async def events() -> object:
        yield Output("stdout", "one\n")
        yield Output("stderr", "two")
        yield Exit(0, 1.5)

    assert [event async for event in relay.tee(events())] == [
        Output("stdout", "one\n"),
        Output("stderr", "two"),
        Exit(0, 1.5),
    ]
    relay.end()
    relay.end()  # once only
    got = ids_and_events(hub.take(viewer))
    assert [i for i, _, _ in got] == [1, 2, 3, 4, 5, 6]
    assert [(name, data) for _, name, data in got] == [
        ("position", {"h": 2, "v": 0, "f": -1}),
        ("run", {"run": 1, "demo": "gather", "started": 100.0}),
        ("output", {"run": 1, "event": "stdout", "data": "one\n"}),
        ("output", {"run": 1, "event": "stderr", "data": "two"}),
        (
            "output",
            {
                "run": 1,
                "event": "exit",
                "data": json.dumps(
                    {"code": 0, "elapsed_s": 1.5, "timed_out": False, "truncated": False}
                ),
            },
        ),
        ("end", {"run": 1}),
    ]
    assert hub.take(viewer) == b""


async def test_a_late_joiner_gets_the_position_and_the_run_so_far() -> None:
    hub = FollowHub()
    hub.position(1, 0, 0)
    old = hub.start_run("gather")
    hub.run_event(old, "stdout", "an older run of the same demo\n")
    run = hub.start_run("gather")  # the slide shows this one now
    hub.run_event(run, "stdout", "so far\n")
    hub.position(4, 2, 1)
    _viewer, first = hub.join("10.0.0.3")
    got = ids_and_events(first)
    assert [name for _, name, _ in got] == ["hello", "run", "output", "position"]
    assert got[1][2]["run"] == run and got[2][2]["data"] == "so far\n"
    assert got[3][2] == {"h": 4, "v": 2, "f": 1}


async def test_a_long_run_is_replayed_from_its_start_and_its_last_output() -> None:
    hub = FollowHub()
    run = hub.start_run("flood")
    line = "x" * 99 + "\n"
    total = 3 * audience.RUN_REPLAY_BYTES // len(line)
    for _ in range(total):
        hub.run_event(run, "stdout", line)
    _viewer, first = hub.join("10.0.0.4")
    got = ids_and_events(first)
    assert [name for _, name, _ in got[:3]] == ["hello", "run", "skipped"]
    outputs = [data for _, name, data in got if name == "output"]
    assert len(first) <= audience.RUN_REPLAY_BYTES + 1024
    assert got[2][2] == {"run": run, "lines": total - len(outputs)}
    ids = [i for i, name, _ in got if name == "output"]
    assert ids == list(range(ids[0], ids[0] + len(ids))) and ids[-1] == total + 1


async def test_a_viewer_that_falls_off_the_log_is_behind_and_the_log_stays_bounded() -> None:
    hub = FollowHub(log_bytes=10_000, log_events=50)
    viewer, _ = hub.join("10.0.0.5")
    run = hub.start_run("flood")
    for _ in range(1000):
        hub.run_event(run, "stdout", "y" * 200 + "\n")
    assert hub._size <= 10_000 and len(hub._frames) - hub._start <= 50
    assert len(hub._frames) <= 2 * 50 + 1  # compacted as it goes
    with pytest.raises(Behind):
        hub.take(viewer)
    keeping_up, _ = hub.join("10.0.0.6")
    hub.run_event(run, "stdout", "z\n")
    assert b"z\\n" in hub.take(keeping_up)


async def test_one_take_is_bounded_and_the_next_goes_on_where_it_stopped() -> None:
    hub = FollowHub()
    viewer, _ = hub.join("10.0.0.7")
    run = hub.start_run("flood")
    for _ in range(2000):
        hub.run_event(run, "stdout", "w" * 80 + "\n")
    ids: list[int] = []
    while chunk := hub.take(viewer):
        assert len(chunk) <= audience.MAX_SEND_BYTES
        ids += [i for i, _, _ in ids_and_events(chunk) if i is not None]
    assert ids == list(range(1, 2002))


async def test_viewers_are_capped_in_all_and_per_address() -> None:
    hub = FollowHub(max_viewers=3, max_per_address=2)
    a1, _ = hub.join("10.0.0.8")
    hub.join("10.0.0.8")
    with pytest.raises(Refused) as per_address:
        hub.join("10.0.0.8")
    assert per_address.value.status == 429 and "10.0.0.8" in per_address.value.reason
    hub.join("10.0.0.9")
    with pytest.raises(Refused) as full:
        hub.join("10.0.0.10")
    assert full.value.status == 503
    hub.leave(a1)
    hub.leave(a1)  # twice is once
    assert hub.viewers == 2
    hub.join("10.0.0.10")
    assert hub.viewers == 3


async def test_waiting_viewers_are_woken_once_per_turn_however_much_is_published() -> None:
    hub = FollowHub()
    changed = hub.changed()
    run = hub.start_run("gather")
    for _ in range(100):
        hub.run_event(run, "stdout", ".\n")
    assert not changed.is_set()  # not yet: on the loop's next turn
    await asyncio.sleep(0)
    assert changed.is_set() and not hub.changed().is_set()


def http_scope(client: str = "10.0.0.20") -> dict[str, object]:
    return {"type": "http", "method": "GET", "path": "/follow", "client": (client, 50000)}


async def test_the_stream_sends_state_then_events_and_ends_when_the_viewer_goes() -> None:
    hub = FollowHub()
    hub.position(3, 0, -1)
    sent: list[dict[str, object]] = []
    gone = asyncio.Event()

    async def receive() -> dict[str, object]:
        await gone.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    stream = asyncio.create_task(audience_stream.follow(hub, http_scope(), receive, send))
    await asyncio.sleep(0.01)
    assert hub.viewers == 1
    hub.position(4, 0, -1)
    await asyncio.sleep(0.01)
    gone.set()
    await asyncio.wait_for(stream, 1)
    assert sent[0]["status"] == 200
    body = b"".join(bytes(m["body"]) for m in sent[1:])  # type: ignore[call-overload]
    assert [(i, n) for i, n, _ in ids_and_events(body)] == [
        (None, "hello"),
        (1, "position"),
        (2, "position"),
    ]
    assert hub.viewers == 0 and hub.dropped == 0


async def test_a_viewer_that_stops_reading_is_dropped_and_the_hub_goes_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(audience_stream, "SEND_STALL_S", 0.1)
    hub = FollowHub()
    stalled = asyncio.Event()

    async def receive() -> dict[str, object]:
        await asyncio.Event().wait()  # never goes: it just stops reading
        return {}

    async def send(message: dict[str, object]) -> None:
        if message["type"] == "http.response.body":
            stalled.set()
            await asyncio.Event().wait()

    stream = asyncio.create_task(audience_stream.follow(hub, http_scope(), receive, send))
    await asyncio.wait_for(stalled.wait(), 1)
    await asyncio.wait_for(stream, 1)
    assert hub.viewers == 0 and hub.dropped == 1
    hub.position(0, 0, -1)  # publishing does not care


async def test_a_refused_viewer_gets_one_line_and_the_connection_closes() -> None:
    hub = FollowHub(max_viewers=0)
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.disconnect"}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    await audience_stream.follow(hub, http_scope(), receive, send)
    assert sent[0]["status"] == 503
    assert (b"connection", b"close") in sent[0]["headers"]  # type: ignore[operator]
    assert json.loads(bytes(sent[1]["body"]))["detail"].startswith("refused: ")  # type: ignore[call-overload]


async def test_the_room_hears_of_a_run_with_its_first_event_or_soon_after_its_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(audience, "ANNOUNCE_AFTER_S", 0.05)
    clock = iter([10.0, 11.0, 12.0, 13.0])
    hub = FollowHub(clock=lambda: next(clock))
    viewer, _ = hub.join("10.0.0.30")  # the clock says 10.0
    relay = RunRelay(hub, "gather")  # started at 11.0
    assert hub.take(viewer) == b""  # not yet: the demo is starting

    async def one() -> object:
        yield Output("stdout", "first\n")

    assert [event async for event in relay.tee(one())] == [Output("stdout", "first\n")]
    got = ids_and_events(hub.take(viewer))
    assert [(name, data.get("started")) for _, name, data in got] == [
        ("run", 11.0),
        ("output", None),
    ]
    silent = RunRelay(hub, "sleeper")  # started at 12.0, prints nothing for a while
    await asyncio.sleep(0.1)
    assert [name for _, name, _ in ids_and_events(hub.take(viewer))] == ["run"]
    silent.end()
    relay.end()
    assert [name for _, name, _ in ids_and_events(hub.take(viewer))] == ["end", "end"]
