"""A blocking call blocks the entire event loop

The tutorial: "A blocking call (without await) blocks the entire event loop." Two
tickers tick every quarter second while a download runs beside them, twice: first the
download calls `time.sleep`, then it is fixed with `asyncio.to_thread`.

What to watch for: in the first half the event-loop lane turns red for 2 s, blocked by
`blocking_download` on its `time.sleep` line, and both tickers sit *ready* (their
sleeps are over) but cannot run until it lets go. In the second half the same wait runs
on a thread (its own row, beside the loop) and the tickers keep ticking on time.

Point: one blocking call stops every task on the loop; `to_thread` moves the wait off
it.
Headline: blocked
"""

import asyncio
import time

TAGS = ("pitfalls",)

BLOCK_SECONDS = 2.0
TICK_SECONDS = 0.25


async def ticker(name: str, ticks: int) -> int:
    late = 0
    for _ in range(ticks):
        due = time.monotonic() + TICK_SECONDS
        await asyncio.sleep(TICK_SECONDS)
        if time.monotonic() - due > TICK_SECONDS:
            late += 1
        print(f"{name}: tick")
    return late


async def blocking_download() -> None:
    print("Downloading with time.sleep: the whole loop stops...")
    time.sleep(BLOCK_SECONDS)  # blocks the event loop: nothing else can run
    print("Download finished.")


async def friendly_download() -> None:
    print("Downloading in a thread: the loop keeps going...")
    await asyncio.to_thread(time.sleep, BLOCK_SECONDS)  # the wait happens on a worker thread
    print("Download finished.")


async def main() -> None:
    ticks = int(BLOCK_SECONDS / TICK_SECONDS) + 2
    print("--- Blocking: time.sleep inside a coroutine ---")
    await asyncio.gather(ticker("A", ticks), ticker("B", ticks), blocking_download())
    print("--- Fixed: asyncio.to_thread ---")
    await asyncio.gather(ticker("A", ticks), ticker("B", ticks), friendly_download())


if __name__ == "__main__":
    asyncio.run(main())
