"""A steady server: RATE short requests a second for SECONDS, each a few awaits through a queue and a lock.

What a service left running under taskviz does: the same work again and again, for as long
as it runs. Used by bench/bench_long_run.py (memory over a long run).

    python bench/programs/steady_server.py [RATE] [SECONDS]
"""

import asyncio
import sys
import time

RATE = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
SECONDS = float(sys.argv[2]) if len(sys.argv) > 2 else 60.0
TICK_S = 0.01  # requests arrive in small bursts, a hundred a second


async def handle(n: int, queue: asyncio.Queue[int], lock: asyncio.Lock) -> int:
    await asyncio.sleep(0.002)
    async with lock:
        await queue.put(n)
    await asyncio.sleep(0)
    return n


async def drain(queue: asyncio.Queue[int]) -> None:
    while True:
        await queue.get()


async def main() -> None:
    queue: asyncio.Queue[int] = asyncio.Queue(maxsize=100)
    lock = asyncio.Lock()
    consumer = asyncio.create_task(drain(queue))
    started = time.monotonic()
    n = 0
    pending: set[asyncio.Task[int]] = set()
    while time.monotonic() - started < SECONDS:
        due = int(RATE * (time.monotonic() - started))  # on time even when a burst ran late
        while n < due:
            task = asyncio.create_task(handle(n, queue, lock))
            pending.add(task)
            task.add_done_callback(pending.discard)
            n += 1
        await asyncio.sleep(TICK_S)
    await asyncio.gather(*pending)
    consumer.cancel()
    print(n, "requests in", round(time.monotonic() - started, 1), "s")


if __name__ == "__main__":
    asyncio.run(main())
