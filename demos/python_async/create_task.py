"""asyncio.create_task: a Task starts on its own; a bare coroutine waits.

``create_task`` wraps a coroutine in an ``asyncio.Task`` and schedules it on
the event loop at once: it starts as soon as ``main`` gives the loop a turn,
and runs whether or not anyone awaits it yet, like a JavaScript promise or a
C# Task. A bare coroutine runs only when awaited. ``gather`` and
``TaskGroup`` wrap what they are given in Tasks. Keep a reference to each
task (here ``task``): the loop holds only a weak one. Look at the order of
the lines, and at the total: 1.5 s, not 2.5 s.
"""

# region slide
import asyncio
import time


async def fetch(name: str) -> str:
    print(f"{name} started")
    await asyncio.sleep(1)
    return f"{name} done"


async def main() -> None:
    start = time.perf_counter()
    task = asyncio.create_task(fetch("task"))  # scheduled now
    coroutine = fetch("coroutine")  # nothing runs yet
    await asyncio.sleep(0.5)  # main waits: the task gets going
    print("main awaits both")
    print(await coroutine)  # starts only now
    print(await task)  # finished meanwhile
    # headline: It took
    print(f"It took {time.perf_counter() - start:.1f} seconds")


if __name__ == "__main__":
    asyncio.run(main())
# endregion
