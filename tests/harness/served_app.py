"""The app the reliability tests serve with uvicorn in a process of its own.

A process of its own, unlike the runner tests' thread, so that its memory, its
children and its descendants are the runner's alone. Settings come from TALK_*
variables; SERVED_FORK_SERVER=0 (benchmarks.live_server) makes every run a new interpreter.
"""

import os

from fastapi import FastAPI

from runner.deck import catalog
from runner.deck.demo import Demo
from runner.service.app import create_app

FIXTURES = "tests.harness.fixture_demos"
FIXTURE_DEMOS = (
    *(
        Demo(name, f"{FIXTURES}.{name}", needs_database=False)
        for name in (
            "trickle",
            "hundred_megabytes",
            "one_huge_line",
            "sleeper",
            "stubborn",
            "orphaner",
            "daemonizer",
            "lingerer",
            "instant_exit",
            "bare_daemon",
            "bare_lingerer",
            "fork_loop",
            "memory_hog",
            "newlines",
            "stops_supervisor",
            "traced",
            "kills_supervisor",
            "fork_chains",
            "writes_project",
            "shared_mapping",
        )
    ),
    Demo("slow_query", f"{FIXTURES}.slow_query", needs_database=True),
    Demo("lost_on_checkin", f"{FIXTURES}.lost_on_checkin", needs_database=True),
)


def create() -> FastAPI:
    """The catalog's demos and the misbehaving ones, with or without the fork server."""
    fork_server = os.environ.get("SERVED_FORK_SERVER", "1") == "1"
    return create_app(demos=(*catalog.demos(), *FIXTURE_DEMOS), fork_server=fork_server)
