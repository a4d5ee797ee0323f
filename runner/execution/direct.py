"""Running a demo to its end with nobody streaming it: `talk run`, `talk build --record`
and `talk doctor`.

It is the service's run (:class:`runner.execution.runs.Run`) with the same limits, the
same ``[runner] stopped`` notes and ``truncated`` flag, and the whole process group
ended on a timeout, at the output cap, or when the caller is cancelled (Ctrl-C). Each
run is a new interpreter by default: the fork server is the service's way to show the
first line in milliseconds, which neither a terminal nor a build needs.
"""

import time
from collections.abc import Callable

from runner.execution.events import Exit, Output
from runner.execution.launchers import Interpreter, Launcher
from runner.execution.runs import Run
from runner.execution.spec import RunSpec


async def run_to_end(
    spec: RunSpec,
    *,
    on_output: Callable[[Output], None],
    launcher: Launcher | None = None,
) -> Exit:
    """Run it, hand each piece of its output to on_output as it comes, return its end."""
    started = time.monotonic()
    process = await (launcher or Interpreter()).launch(spec)
    run = Run(process, limits=spec.limits, started=started)
    try:
        async for event in run:
            if isinstance(event, Exit):
                return event
            on_output(event)
    finally:
        await run.stop()  # a no-op once the run has ended; otherwise it ends the group
    raise RuntimeError(f"the run of {spec.module} ended without an exit event")
