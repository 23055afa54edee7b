# Patterns: asyncio.Semaphore(2) letting two of six tasks in at a time.
# expect: ok=7 failed=0 cancelled=0
import asyncio

inside = 0
most = 0


async def job(n: int, sem: asyncio.Semaphore) -> int:
    global inside, most
    async with sem:
        inside += 1
        most = max(most, inside)
        await asyncio.sleep(0.01)
        inside -= 1
    return n


async def main() -> None:
    sem = asyncio.Semaphore(2)
    results = await asyncio.gather(*(asyncio.create_task(job(n, sem)) for n in range(6)))
    print("results:", results)
    print("most inside at once:", most)


asyncio.run(main())
