# Patterns: asyncio.timeout (3.11+): a block that finishes in time, one that expires (TimeoutError
# outside the block), and a rescheduled deadline.
# expect: ok=2 failed=0 cancelled=1
import asyncio


async def step(delay: float) -> str:
    await asyncio.sleep(delay)
    return f"step {delay}"


async def main() -> None:
    async with asyncio.timeout(1):
        print(await step(0.01))
    child = asyncio.create_task(step(5))
    try:
        async with asyncio.timeout(0.05) as cm:
            await child
    except TimeoutError:
        print("timed out; expired:", cm.expired(), "child cancelled:", child.cancelled())
    async with asyncio.timeout(None) as cm:
        cm.reschedule(asyncio.get_running_loop().time() + 1)
        print(await asyncio.create_task(step(0.01)), "with a rescheduled deadline")
    print("expired:", cm.expired())


asyncio.run(main())
