# Exit: loop.stop() before main is done: asyncio.run raises
# "RuntimeError: Event loop stopped before Future completed." (exit 1, traceback).
# expect: ok=0 failed=0 cancelled=2
import asyncio


async def sleeper() -> None:
    try:
        await asyncio.sleep(10)
    finally:
        print("sleeper cleaned up")


async def main() -> None:
    asyncio.create_task(sleeper())
    await asyncio.sleep(0.01)
    print("stopping the loop from inside main")
    asyncio.get_running_loop().stop()
    await asyncio.sleep(10)
    print("never printed")


asyncio.run(main())
