# Findings: a step that holds the loop 0.15 s in time.sleep while a ticker waits to tick.
# expect: ok=3
import asyncio
import time


async def ticker() -> None:
    for _ in range(3):
        await asyncio.sleep(0.02)


async def download() -> None:
    await asyncio.sleep(0.01)
    time.sleep(0.15)  # blocks the event loop: the ticker cannot tick


async def main() -> None:
    await asyncio.gather(ticker(), download())
    print("done")


asyncio.run(main())
