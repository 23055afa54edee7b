# Findings: two tasks each awaiting the other (a join cycle, until a timeout), and a task taking a Lock it holds.
# expect: ok=3 cancelled=1
import asyncio

tasks: dict[str, asyncio.Task[None]] = {}


async def first() -> None:
    await asyncio.sleep(0)
    await tasks["second"]  # second waits for first: a cycle until second's timeout


async def second() -> None:
    await asyncio.sleep(0)
    await asyncio.wait([tasks["first"]], timeout=0.05)


async def relock(lock: asyncio.Lock) -> None:
    async with lock:
        async with lock:  # an asyncio.Lock is not reentrant: it waits for itself
            print("never printed")


async def main() -> None:
    tasks["first"] = asyncio.create_task(first(), name="first")
    tasks["second"] = asyncio.create_task(second(), name="second")
    await asyncio.gather(*tasks.values())
    print("the join cycle ended with second's timeout")
    again = asyncio.create_task(relock(asyncio.Lock()), name="relock")
    try:
        await asyncio.wait_for(again, timeout=0.05)
    except TimeoutError:
        print("relock timed out")


asyncio.run(main())
