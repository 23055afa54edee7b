# Findings: a coroutine called without await inside a task (RuntimeWarning on stderr).
# expect: ok=2
import asyncio


async def save() -> None:
    await asyncio.sleep(0)


async def handler() -> None:
    save()  # never awaited: this only makes the coroutine, and drops it
    await asyncio.sleep(0)


async def main() -> None:
    await asyncio.create_task(handler(), name="handler")
    print("handled")


asyncio.run(main())
