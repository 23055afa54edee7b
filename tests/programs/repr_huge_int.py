# Repr: values whose str() refuses (ints past Python's 4,300-digit limit) as a task's argument,
# its result and an exception's argument, and a 300-digit sleep: the program runs as under python.
# expect: ok=2 failed=1 cancelled=1
import asyncio

HUGE = 10**5000


async def worker(n: int) -> int:
    if n == 2:
        raise ValueError(HUGE)
    return HUGE


async def sleeper() -> None:
    await asyncio.sleep(10**300)


async def main() -> None:
    result = await asyncio.create_task(worker(HUGE))
    print("result has", len(str(result // 10**4990)), "leading digits")
    try:
        await asyncio.create_task(worker(2))
    except ValueError:
        print("caught the huge ValueError")
    napper = asyncio.create_task(sleeper())
    await asyncio.sleep(0)
    napper.cancel()
    try:
        await napper
    except asyncio.CancelledError:
        print("the long sleep was cancelled")


asyncio.run(main())
