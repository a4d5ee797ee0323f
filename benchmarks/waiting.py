"""What a waiter costs: N concurrent waits as OS threads and as asyncio tasks.

Each N (10 to 10,000) runs in a fresh interpreter, so one count's memory does
not leak into the next: it starts N waiters that block on one event, reads its
resident memory once all of them are waiting, and times how long starting them
took. A thread that the system refuses to start is the limit, reported as such.
"""

import asyncio
import json
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks import plotting
from benchmarks.figures import Figure
from runner.settings import PROJECT_ROOT

COUNTS = (10, 100, 1_000, 10_000)
KINDS = ("threads", "tasks")
PLOT = PROJECT_ROOT / "assets" / "waiting.svg"


def measure(quick: bool) -> list[Figure]:
    repetitions = 1 if quick else 3
    figures = []
    for kind in KINDS:
        for n in COUNTS:
            runs = [_in_child(kind, n) for _ in range(repetitions)]
            started = min(run["started"] for run in runs)
            note = "" if started == n else f"only {started} of {n} started: {runs[0]['error']}"
            figures.append(
                Figure(
                    "waiting",
                    f"{kind}: RSS per waiter, N = {n}",
                    "KiB",
                    tuple(run["rss_growth_kib"] / max(run["started"], 1) for run in runs),
                    note=note,
                    extra={"kind": kind, "n": n, "started": started},
                )
            )
            figures.append(
                Figure(
                    "waiting",
                    f"{kind}: start-up, N = {n}",
                    "ms",
                    tuple(run["startup_s"] * 1000 for run in runs),
                    note=note,
                    extra={"kind": kind, "n": n, "started": started},
                )
            )
    plot(figures, PLOT)
    print(f"waiting: wrote {PLOT.relative_to(PROJECT_ROOT)}", file=sys.stderr)
    return figures


def _in_child(kind: str, n: int) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.waiting", kind, str(n)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _rss_kib() -> int:
    """Resident memory of this process, from the kernel's own count."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


def _threads(n: int) -> dict[str, Any]:
    release = threading.Event()
    waiting = threading.Semaphore(0)

    def waiter() -> None:
        waiting.release()
        release.wait()

    before = _rss_kib()
    start = time.perf_counter()
    threads, error = [], ""
    for _ in range(n):
        thread = threading.Thread(target=waiter)
        try:
            thread.start()
        except RuntimeError as refused:  # "can't start new thread": the limit
            error = str(refused)
            break
        threads.append(thread)
    for _ in threads:
        waiting.acquire()
    startup = time.perf_counter() - start
    growth = _rss_kib() - before
    release.set()
    for thread in threads:
        thread.join()
    return {"started": len(threads), "startup_s": startup, "rss_growth_kib": growth, "error": error}


async def _tasks(n: int) -> dict[str, Any]:
    release = asyncio.Event()
    before = _rss_kib()
    start = time.perf_counter()
    tasks = [asyncio.create_task(release.wait()) for _ in range(n)]
    await asyncio.sleep(0)  # one turn of the loop: every task is now waiting
    startup = time.perf_counter() - start
    growth = _rss_kib() - before
    release.set()
    await asyncio.gather(*tasks)
    return {"started": n, "startup_s": startup, "rss_growth_kib": growth, "error": ""}


def plot(figures: Sequence[Figure], path: Path) -> None:
    """Memory per waiter and start-up time against N, threads beside tasks."""
    from matplotlib.ticker import FuncFormatter

    with plotting.figure("waiting", panels=2) as (fig, (memory, startup)):
        for kind, color, label in (
            ("threads", plotting.ORANGE, "OS threads"),
            ("tasks", plotting.BLUE, "asyncio tasks"),
        ):
            for ax, metric, unit in ((memory, "RSS", "KiB"), (startup, "start-up", "ms")):
                mine = [f for f in figures if f.extra["kind"] == kind and metric in f.name]
                started = [f.extra["started"] for f in mine]
                values = [f.median for f in mine]
                ax.plot(started, values, marker="o", color=color, linewidth=3, label=label)
                text = f"{values[-1]:,.1f} {unit}" if unit == "KiB" else f"{values[-1]:,.0f} {unit}"
                if started[-1] < mine[-1].extra["n"]:
                    text += f"\nstopped at {started[-1]:,}"
                ax.annotate(
                    text,
                    (started[-1], values[-1]),
                    xytext=(-12, 10) if ax is memory else (-30, -2),
                    textcoords="offset points",
                    ha="right",
                    va="bottom" if ax is memory else "top",
                    color=color,
                    fontsize=15,
                )
        for ax in (memory, startup):
            ax.set_xscale("log")
            ax.set_xticks(COUNTS, [f"{n:,}" for n in COUNTS])
            ax.minorticks_off()
            ax.set_xlabel("N waiters")
        memory.set_title("memory per waiter (KiB)", fontsize=18)
        memory.set_ylim(bottom=0)
        startup.set_title("time to start all N (ms)", fontsize=18)
        startup.set_yscale("log")
        startup.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        memory.legend(loc="center right", frameon=False, fontsize=15)
        plotting.save(
            fig,
            path,
            f"{plotting.machine()}\n{thread_limits()}",
            title="What a waiter costs: OS threads and asyncio tasks",
        )


def thread_limits() -> str:
    """Where this machine stops a process's threads: the first of these limits reached."""
    soft, _hard = resource.getrlimit(resource.RLIMIT_NPROC)
    per_user = "unlimited" if soft == resource.RLIM_INFINITY else f"{soft:,}"
    system = int(Path("/proc/sys/kernel/threads-max").read_text())
    return f"thread limits: {per_user} per user (ulimit -u), {system:,} system-wide"


if __name__ == "__main__":
    kind, count = sys.argv[1], int(sys.argv[2])
    result = _threads(count) if kind == "threads" else asyncio.run(_tasks(count))
    print(json.dumps(result))
