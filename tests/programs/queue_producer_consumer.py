# Patterns: an asyncio.Queue(maxsize=2) with one producer and two consumers, joined, then the
# consumers cancelled.
# expect: ok=2 failed=0 cancelled=2
import asyncio


async def producer(queue: asyncio.Queue[int], count: int) -> None:
    for item in range(count):
        await queue.put(item)
    print("producer put", count, "items")


async def consumer(name: str, queue: asyncio.Queue[int], seen: list[tuple[str, int]]) -> None:
    while True:
        item = await queue.get()
        await asyncio.sleep(0.002 * (1 + item % 3))
        seen.append((name, item))
        queue.task_done()


async def main() -> None:
    queue: asyncio.Queue[int] = asyncio.Queue(maxsize=2)
    seen: list[tuple[str, int]] = []
    consumers = [asyncio.create_task(consumer(f"c{n}", queue, seen)) for n in range(2)]
    await asyncio.create_task(producer(queue, 10))
    await queue.join()
    for task in consumers:
        task.cancel()
    await asyncio.gather(*consumers, return_exceptions=True)
    print("items consumed:", sorted(item for _, item in seen))
    print("cancelled consumers:", sum(t.cancelled() for t in consumers))


asyncio.run(main())
