"""A coroutine object: what calling an async function gives you.

Calling ``something_async()`` runs none of its body: it returns a coroutine
object, which runs only when awaited (unlike a JavaScript promise, which is
under way already). Look at the object's repr, then at its public attributes:
``send``, ``throw`` and ``close`` show its generator heritage, though since
Python 3.5 a native coroutine is a type of its own.
"""


# region slide
async def something_async() -> str:
    return "I'm not really async!"


def main() -> None:
    coroutine = something_async()
    print(f"{coroutine}\n")
    print(*(name for name in dir(coroutine) if name[0] != "_"))
    coroutine.close()  # never awaited: closed, so no warning


# endregion


if __name__ == "__main__":
    main()
