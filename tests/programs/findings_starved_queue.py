# A queue no live task can fill any more: the producer puts three items and ends, the two
# consumers wait for a fourth for ever (no sentinel), and only a timeout ends the run.
# expect: ok=2 failed=0 cancelled=2
import asyncio


async def producer(queue: asyncio.Queue[int]) -> None:
    for item in range(3):
        await queue.put(item)
        await asyncio.sleep(0.01)


async def consumer(queue: asyncio.Queue[int], done: list[int]) -> None:
    while True:
        item = await queue.get()
        done.append(item)


async def main() -> None:
    queue: asyncio.Queue[int] = asyncio.Queue()
    done: list[int] = []
    consumers = [asyncio.create_task(consumer(queue, done)) for _ in range(2)]
    await asyncio.create_task(producer(queue))
    try:
        async with asyncio.timeout(0.3):
            await asyncio.gather(*consumers)
    except TimeoutError:
        print(f"consumed {sorted(done)}, then waited for ever: the timeout ended it")


asyncio.run(main())
