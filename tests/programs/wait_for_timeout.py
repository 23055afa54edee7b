# Patterns: asyncio.wait_for: one call in time, one timing out (the inner task is cancelled).
# expect: ok=2 failed=0 cancelled=1
import asyncio


async def slow(delay: float) -> str:
    try:
        await asyncio.sleep(delay)
        return f"slept {delay}"
    except asyncio.CancelledError:
        print(f"slow({delay}) cancelled")
        raise


async def main() -> None:
    print(await asyncio.wait_for(asyncio.create_task(slow(0.01)), timeout=1))
    try:
        await asyncio.wait_for(asyncio.create_task(slow(5)), timeout=0.05)
    except TimeoutError:
        print("wait_for timed out")


asyncio.run(main())
