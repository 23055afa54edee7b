# Task factory: asyncio.eager_task_factory (3.12+): a task's first step runs inside create_task,
# and a coroutine that never suspends finishes there without ever being scheduled. Also
# asyncio.Task(..., eager_start=True) made directly, as aiohttp does on 3.12+.
# requires: 3.12
# expect: ok=6 failed=0 cancelled=0
import asyncio
import sys

order: list[str] = []


async def instant(n: int) -> int:
    order.append(f"instant {n} ran")
    return n


async def suspends(n: int) -> int:
    order.append(f"suspends {n} started")
    await asyncio.sleep(0.01)
    order.append(f"suspends {n} resumed")
    return n


async def main() -> None:
    if sys.version_info < (3, 12):
        print("eager tasks need Python 3.12")
        return
    loop = asyncio.get_running_loop()
    loop.set_task_factory(asyncio.eager_task_factory)
    a = asyncio.create_task(instant(1))
    order.append(f"after create_task: done={a.done()}")
    b = asyncio.create_task(suspends(2))
    order.append(f"after create_task: done={b.done()}")
    results = await asyncio.gather(a, b, instant(3))
    loop.set_task_factory(None)
    c = asyncio.Task(suspends(4), loop=loop, eager_start=True)
    order.append(f"direct eager Task: done={c.done()}")
    results.append(await c)
    d = asyncio.Task(instant(5), loop=loop, eager_start=True)
    results.append(d.result())
    print("\n".join(order))
    print("results:", results)


asyncio.run(main())
