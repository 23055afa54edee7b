# Structure: a TaskGroup whose child fails: siblings are cancelled and the ExceptionGroup is not
# caught, so the program ends with its traceback and status 1.
# expect: ok=1 failed=2 cancelled=1
import asyncio


async def ok_child() -> str:
    await asyncio.sleep(0.005)
    print("ok child finished")
    return "ok"


async def slow_child() -> None:
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print("slow child cancelled by the group")
        raise


async def bad_child() -> None:
    await asyncio.sleep(0.02)
    raise ValueError("boom")


async def main() -> None:
    async with asyncio.TaskGroup() as tg:
        tg.create_task(ok_child())
        tg.create_task(slow_child())
        tg.create_task(bad_child())
    print("never printed")


asyncio.run(main())
