"""A server-like load: 60,000 short request tasks, each a few awaits, through a queue and a lock.

What a long-running service does to taskviz's memory: many tasks that each live briefly.
Used by bench/bench_memory.py (python against taskviz, peak memory per task).
"""

import asyncio
import sys

REQUESTS = int(sys.argv[1]) if len(sys.argv) > 1 else 60_000


async def handle(n: int, queue: asyncio.Queue[int], lock: asyncio.Lock) -> int:
    await asyncio.sleep(0)
    async with lock:
        await queue.put(n)
    await asyncio.sleep(0)
    return n


async def drain(queue: asyncio.Queue[int], total: int) -> int:
    seen = 0
    for _ in range(total):
        seen += await queue.get()
    return seen


async def main() -> None:
    queue: asyncio.Queue[int] = asyncio.Queue(maxsize=100)
    lock = asyncio.Lock()
    consumer = asyncio.create_task(drain(queue, REQUESTS))
    pending: set[asyncio.Task[int]] = set()
    for n in range(REQUESTS):
        task = asyncio.create_task(handle(n, queue, lock))
        pending.add(task)
        task.add_done_callback(pending.discard)
        if len(pending) >= 200:  # a server has a bounded number of requests in flight
            await asyncio.sleep(0)
    print(await consumer)


if __name__ == "__main__":
    asyncio.run(main())
