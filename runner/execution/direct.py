"""Running a demo to its end with nobody streaming it: `talk run` and `talk build --record`.

It is the service's run (:class:`runner.execution.runs.Run`) with the same limits, the
same ``[runner] stopped`` notes and ``truncated`` flag, and the whole process group
ended on a timeout, at the output cap, or when the caller is cancelled (Ctrl-C). Each
run is a plain ``python -u -m`` interpreter: the fork server is the service's way to
show the first line in milliseconds, which neither a terminal nor a build needs.
"""

import time
from collections.abc import Callable, Mapping
from pathlib import Path

from runner.execution import processes
from runner.execution.events import Exit, Output
from runner.execution.runs import Limits, Run


async def run_to_end(
    module: str,
    *,
    limits: Limits,
    env: Mapping[str, str],
    cwd: Path,
    on_output: Callable[[Output], None],
) -> Exit:
    """Run the module, hand each piece of its output to on_output as it comes, return its end."""
    started = time.monotonic()
    run = Run(await processes.launch(module, env=env, cwd=cwd), limits=limits, started=started)
    try:
        async for event in run:
            if isinstance(event, Exit):
                return event
            on_output(event)
    finally:
        await run.stop()  # a no-op once the run has ended; otherwise it ends the group
    raise RuntimeError(f"the run of {module} ended without an exit event")
