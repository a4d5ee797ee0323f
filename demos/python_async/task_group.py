"""asyncio.TaskGroup: tasks that end with their block, and fail together.

A ``TaskGroup`` (Python 3.11+) runs its tasks concurrently like ``gather``,
and adds structured concurrency: no task outlives the ``async with`` block,
and when one task fails its siblings are cancelled and the errors come out
together as an ``ExceptionGroup``. Look at both results, then at the second
part: the failing task cancels the slow one, which never says "done".
"""

import asyncio


# region slide
async def wait_and_say(seconds: float, message: str) -> str:
    await asyncio.sleep(seconds)
    return message


async def fail_after(seconds: float) -> None:
    await asyncio.sleep(seconds)
    raise ValueError("the database went away")


async def main() -> None:
    async with asyncio.TaskGroup() as group:
        first = group.create_task(wait_and_say(1, "I'm first!"))
        second = group.create_task(wait_and_say(1, "Then me!"))
    print([first.result(), second.result()])  # the block waited
    try:
        async with asyncio.TaskGroup() as group:
            slow = group.create_task(wait_and_say(5, "done"))
            group.create_task(fail_after(0.1))
    except* ValueError as errors:
        # headline: TaskGroup raised
        print(f"TaskGroup raised: {errors.exceptions[0]!r}")
        print(f"slow sibling cancelled: {slow.cancelled()}")


# endregion


if __name__ == "__main__":
    asyncio.run(main())
