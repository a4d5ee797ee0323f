"""The fork server's protocol holds whatever order the event loop handles its replies in.

Both races are forced, not hoped for: ``on_reply`` runs inside the reader before a
reply is delivered, so a test can hold the loop there (as a busy loop would) or
cancel a launch at the exact moment its pid arrives.
"""

import asyncio
import os
import select
import signal
from typing import Any

import pytest

from runner.execution.forkserver import ForkServer
from runner.execution.spec import Limits, RunSpec
from runner.settings import PROJECT_ROOT

FIXTURES = "tests.harness.fixture_demos"
# A safety net against a hang, never a figure under test.
HANG_S = 30


def fixture(module: str) -> RunSpec:
    return RunSpec(module, os.environ, PROJECT_ROOT, Limits(HANG_S, 1 << 20))


def test_a_run_that_exits_before_its_pid_is_read_still_reports_its_exit() -> None:
    async def scenario() -> int:
        server: ForkServer

        def hold_until_the_exit_is_queued(reply: dict[str, Any]) -> None:
            if "spawned" in reply:
                # A busy event loop: the launch cannot resume before the reader has
                # read the exit too, which is already waiting on the socket.
                select.select([server._sock], [], [])

        server = ForkServer(on_reply=hold_until_the_exit_is_queued)
        await server.start(PROJECT_ROOT)
        try:
            process = await server.launch(fixture(f"{FIXTURES}.instant_exit"))
            code = await asyncio.wait_for(process.wait(), HANG_S)
            process.close()
            return code
        finally:
            await server.close()

    assert asyncio.run(scenario()) == 0


def test_a_launch_cancelled_while_waiting_for_its_pid_ends_its_fork() -> None:
    async def scenario() -> tuple[int, int, bool, int]:
        launches: list[asyncio.Task[Any]] = []
        spawned: list[int] = []
        exited: dict[int, int] = {}
        orphan_gone = asyncio.Event()

        def cancel_as_the_pid_arrives(reply: dict[str, Any]) -> None:
            if "spawned" in reply and not spawned:
                spawned.append(reply["spawned"])
                launches[0].cancel()
            elif "exited" in reply:
                exited[reply["run"]] = reply["exited"]
                orphan_gone.set()

        server = ForkServer(on_reply=cancel_as_the_pid_arrives)
        await server.start(PROJECT_ROOT)
        try:
            launches.append(asyncio.create_task(server.launch(fixture(f"{FIXTURES}.sleeper"))))
            with pytest.raises(asyncio.CancelledError):
                await launches[0]
            # The fork nobody waits for is ended (its lifeline and pipes are closed),
            # and its exit still reported.
            await asyncio.wait_for(orphan_gone.wait(), HANG_S)
            still_running = server.running
            process = await server.launch(fixture(f"{FIXTURES}.instant_exit"))
            code = await asyncio.wait_for(process.wait(), HANG_S)
            process.close()
            return exited[1], spawned[0], still_running, code
        finally:
            await server.close()

    orphan_code, orphan, still_running, next_code = asyncio.run(scenario())
    # Its pipes closed, the sleeper dies of EPIPE on its first print, or of the stop.
    assert orphan_code in (1, -signal.SIGTERM, -signal.SIGKILL)
    assert not os.path.exists(f"/proc/{orphan}")
    assert still_running, "the reader survived the cancelled launch"
    assert next_code == 0


def test_a_dead_fork_server_is_started_again_and_says_so(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def scenario() -> tuple[int | None, int | None, int]:
        server = ForkServer()
        await server.start(PROJECT_ROOT)
        try:
            first = server.pid
            assert first is not None
            os.kill(first, signal.SIGKILL)
            while server.running:  # the reader sees the socket close
                await asyncio.sleep(0.01)
            process = await server.launch(fixture(f"{FIXTURES}.instant_exit"))
            code = await asyncio.wait_for(process.wait(), HANG_S)
            process.close()
            return first, server.pid, code
        finally:
            await server.close()

    first, second, code = asyncio.run(scenario())
    assert second is not None and second != first
    assert code == 0
    assert "has stopped; starting a new one" in caplog.text
