"""Threads vs asyncio: the tutorial's comparison, measured

The same four I/O-bound downloads done twice: by threads (`asyncio.to_thread`, each a
row of its own beside the loop) and by tasks. Then one CPU-bound job, run twice at
once: in two threads, and in two tasks.

What to watch for: for I/O both finish in about the time of one download: threads and
tasks both overlap waiting. For CPU work neither helps: the two threads share the GIL,
so each takes about twice as long as it would alone; the two tasks simply run one after
the other, and each blocks the loop (red) while it counts.

Point: threads and tasks both overlap I/O; neither runs CPU-bound Python in parallel.
Headline: none
"""

import asyncio
import time

TAGS = ("basics", "pitfalls")

IO_SECONDS = 1.0
CPU_WORK = 3_000_000


def download_blocking(n: int) -> str:
    time.sleep(IO_SECONDS)  # a blocking library call, fine in a thread
    return f"file {n}"


async def download(n: int) -> str:
    await asyncio.sleep(IO_SECONDS)
    return f"file {n}"


def count(n: int) -> int:
    total = 0
    for i in range(n):
        total += i
    return total


async def count_in_task(n: int) -> int:
    return count(n)  # CPU work in a coroutine: nothing else runs meanwhile


async def main() -> None:
    start = time.perf_counter()
    await asyncio.gather(*(asyncio.to_thread(download_blocking, n) for n in range(4)))
    print(f"I/O in 4 threads: {time.perf_counter() - start:.2f} s")

    start = time.perf_counter()
    await asyncio.gather(*(download(n) for n in range(4)))
    print(f"I/O in 4 tasks: {time.perf_counter() - start:.2f} s")

    start = time.perf_counter()
    count(CPU_WORK)
    alone = time.perf_counter() - start
    print(f"CPU job alone: {alone:.2f} s")

    start = time.perf_counter()
    await asyncio.gather(asyncio.to_thread(count, CPU_WORK), asyncio.to_thread(count, CPU_WORK))
    print(f"2 CPU jobs in 2 threads: {time.perf_counter() - start:.2f} s (the GIL: no parallelism)")

    start = time.perf_counter()
    await asyncio.gather(count_in_task(CPU_WORK), count_in_task(CPU_WORK))
    print(f"2 CPU jobs in 2 tasks: {time.perf_counter() - start:.2f} s (one after the other)")


if __name__ == "__main__":
    asyncio.run(main())
