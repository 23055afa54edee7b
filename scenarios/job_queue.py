"""Producers and consumers around an asyncio.Queue

Two producers make five jobs each, three consumers work through them; the queue holds
at most three jobs.

What to watch for: consumers wait on `Queue.get` when the queue is empty, and producers
wait on `Queue.put` when it is full; `main` waits on `Queue.join` until every job is
done, then cancels the consumers, which were waiting for jobs that will never come.

Point: a bounded queue spreads jobs over the consumers and holds producers back when
full.
Headline: queue
"""

import asyncio

TAGS = ("patterns",)


async def producer(name: str, queue: asyncio.Queue[str]) -> None:
    for n in range(5):
        await asyncio.sleep(0.2)
        job = f"{name}-{n}"
        await queue.put(job)
        print(f"{name} queued {job}")


async def consumer(name: str, queue: asyncio.Queue[str], done: list[str]) -> None:
    while True:
        job = await queue.get()
        await asyncio.sleep(0.5)  # the work
        done.append(job)
        print(f"{name} finished {job}")
        queue.task_done()


async def main() -> int:
    queue: asyncio.Queue[str] = asyncio.Queue(maxsize=3)
    done: list[str] = []
    consumers = [asyncio.create_task(consumer(f"consumer-{n}", queue, done)) for n in range(3)]
    await asyncio.gather(producer("p1", queue), producer("p2", queue))
    await queue.join()
    for task in consumers:
        task.cancel()
    await asyncio.gather(*consumers, return_exceptions=True)
    print(f"{len(done)} jobs done: {done}")
    return len(done)


if __name__ == "__main__":
    asyncio.run(main())
