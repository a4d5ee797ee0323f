"""asyncio.gather: three waits at once, about 1 s.

``gather`` schedules all three coroutines on the event loop and waits for
them together: gather wraps each in a Task, their sleeps overlap, and the
total is the longest one, not the sum. me_first, me_second and me_third are
the coroutines of sequential_awaits.py. Look at "It took 1.0... seconds",
then at the results, in order.
"""

import asyncio
import time

# The three coroutines of the slide before, sequential_awaits.py
from demos.python_async.sequential_awaits import me_first, me_second, me_third


# region slide
async def main() -> None:
    start = time.perf_counter()

    # Init all coroutines
    first_coroutine = me_first()
    second_coroutine = me_second()
    third_coroutine = me_third()

    # Schedule all coroutines to run concurrently and wait on all to return
    result = await asyncio.gather(
        first_coroutine, second_coroutine, third_coroutine
    )

    elapsed = time.perf_counter() - start
    print(f"It took {elapsed:.3f} seconds to complete all operations\n")

    print(result)


# endregion


if __name__ == "__main__":
    asyncio.run(main())
