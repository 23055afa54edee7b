# Findings: a task polling with sleep(0) (it wakes itself), beside one that mostly awaits timers.
# expect: ok=3
import asyncio


async def poller() -> int:
    spins = 0
    for _ in range(40):
        spins += 1
        await asyncio.sleep(0)  # a bare yield: ready again at once
    return spins


async def steady() -> None:
    for n in range(40):
        await asyncio.sleep(0 if n % 4 == 0 else 0.001)  # a quarter of its wake-ups its own


async def main() -> None:
    spins, _ = await asyncio.gather(poller(), steady())
    print("spins:", spins)


asyncio.run(main())
