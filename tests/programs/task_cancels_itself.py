# Structure: a task that cancels itself (asyncio.current_task().cancel()), one that catches its
# own cancellation and finishes normally, and one that uncancels.
# expect: ok=3 failed=0 cancelled=1
import asyncio


async def quitter() -> None:
    asyncio.current_task().cancel()
    print("quitter: cancel requested, still running until the next await")
    await asyncio.sleep(0)
    print("never printed")


async def stubborn() -> str:
    asyncio.current_task().cancel()
    try:
        await asyncio.sleep(0)
    except asyncio.CancelledError:
        print("stubborn: caught its own cancellation")
        asyncio.current_task().uncancel()
    await asyncio.sleep(0.01)
    return "stubborn finished"


async def main() -> None:
    q = asyncio.create_task(quitter())
    s = asyncio.create_task(stubborn())
    results = await asyncio.gather(q, s, return_exceptions=True)
    print("results:", [type(r).__name__ if isinstance(r, BaseException) else r for r in results])
    print("quitter cancelled:", q.cancelled(), "stubborn cancelled:", s.cancelled())
    print("stubborn cancelling() count:", s.cancelling())
    print(await asyncio.create_task(asyncio.sleep(0, result="another task ok")))


asyncio.run(main())
