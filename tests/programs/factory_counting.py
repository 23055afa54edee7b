# Task factory: the program installs its own factory (loop.set_task_factory) that counts and
# names the tasks it makes; asyncio.run's main task is made before it, so it is not counted.
# expect: ok=5 failed=0 cancelled=0
import asyncio

made: list[str] = []


def counting_factory(loop, coro, **kwargs):
    task = asyncio.Task(coro, loop=loop, **kwargs)
    made.append(coro.__qualname__)
    if kwargs.get("name") is None:
        task.set_name(f"counted-{len(made)}")
    return task


async def leaf(n: int) -> int:
    await asyncio.sleep(0.005 * n)
    return n


async def main() -> None:
    loop = asyncio.get_running_loop()
    print("factory before:", loop.get_task_factory())
    loop.set_task_factory(counting_factory)
    print("factory installed:", loop.get_task_factory() is counting_factory)
    results = await asyncio.gather(leaf(1), leaf(2), leaf(3))
    named = asyncio.create_task(leaf(4), name="given-name")
    print("results:", results, await named, named.get_name())
    print("factory made", len(made), "tasks:", made)
    print("names:", sorted(t.get_name() for t in asyncio.all_tasks()))


asyncio.run(main())
