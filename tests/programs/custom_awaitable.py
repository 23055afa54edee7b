# Structure: custom awaitables: a class with __await__ (a generator yielding a Future), an
# awaitable wrapping a coroutine, and awaiting them from tasks.
# expect: ok=4 failed=0 cancelled=0
import asyncio


class Delayed:
    """Resolves to `value` after `delay` seconds, through a loop future."""

    def __init__(self, value: str, delay: float) -> None:
        self.value = value
        self.delay = delay

    def __await__(self):
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        loop.call_later(self.delay, future.set_result, self.value)
        result = yield from future
        return f"{result} (after {self.delay}s)"


class Twice:
    """Awaits an inner coroutine function twice."""

    def __init__(self, factory) -> None:
        self.factory = factory

    def __await__(self):
        first = yield from self.factory().__await__()
        second = yield from self.factory().__await__()
        return [first, second]


async def inner() -> str:
    return await Delayed("inner", 0.01)


async def main() -> None:
    print(await Delayed("direct", 0.01))
    print(await Twice(inner))
    task = asyncio.ensure_future(Delayed("as a task", 0.02))
    print(await task)
    print(await asyncio.gather(inner(), asyncio.create_task(inner())))


asyncio.run(main())
