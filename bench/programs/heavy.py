"""2,000 tasks, each sleeping 1 ms twenty times: a heavy load of short steps and wake-ups."""
import asyncio
async def worker():
    for _ in range(20):
        await asyncio.sleep(0.001)
async def main():
    await asyncio.gather(*(worker() for _ in range(2000)))
