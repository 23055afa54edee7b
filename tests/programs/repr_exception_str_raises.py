# Repr: a task fails with an exception whose __str__ (and __repr__) raise; main catches it.
# expect: ok=1 failed=1 cancelled=0
import asyncio


class Unprintable(Exception):
    def __str__(self) -> str:
        raise RuntimeError("__str__ of Unprintable raised")

    def __repr__(self) -> str:
        raise RuntimeError("__repr__ of Unprintable raised")


async def fails() -> None:
    await asyncio.sleep(0.01)
    raise Unprintable("hidden")


async def main() -> None:
    task = asyncio.create_task(fails())
    try:
        await task
    except Unprintable as exc:
        print("caught", type(exc).__name__, "with args", exc.args)
    print("task failed:", type(task.exception()).__name__)


asyncio.run(main())
