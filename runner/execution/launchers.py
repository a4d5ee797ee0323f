"""How a run is started: a new interpreter, or a fork of the warm fork server.

Both are a :class:`Launcher`: given a :class:`~runner.execution.spec.RunSpec`, they
start it and hand back its :class:`~runner.execution.processes.DemoProcess`.
:class:`WarmFirst` is the service's: the fork server when it can (about 5 ms to the
first line), a new interpreter when it cannot (about 400 ms).
"""

import logging
from typing import Protocol

from runner.execution import processes
from runner.execution.forkserver import ForkServer, ForkServerError
from runner.execution.processes import DemoProcess
from runner.execution.spec import RunSpec

_log = logging.getLogger("uvicorn.error")


class Launcher(Protocol):
    async def launch(self, spec: RunSpec) -> DemoProcess: ...


class Interpreter:
    """A new interpreter for each run (runner.execution.processes.launch)."""

    async def launch(self, spec: RunSpec) -> DemoProcess:
        return await processes.launch(spec)


class WarmFirst:
    """Fork the run off the warm fork server; start a new interpreter if there is none,
    if it fails, or if the run needs an import path of its own."""

    def __init__(self, fork_server: ForkServer | None = None) -> None:
        self.fork_server = fork_server

    async def launch(self, spec: RunSpec) -> DemoProcess:
        if self.fork_server is not None and not spec.import_path:
            try:
                return await self.fork_server.launch(spec)
            except ForkServerError as error:
                _log.warning("%s; this run starts a new interpreter", error)
        return await processes.launch(spec)
