"""Timeouts: asyncio.timeout and wait_for

A slow query takes 5 s; `main` will not wait more than 1 s for it, twice over.

What to watch for: with `async with asyncio.timeout(1)` the query runs inside main
itself and main's await is interrupted at 1 s with TimeoutError. Given a task,
`wait_for` cancels that task when its 1 s is up. A fast query under the same limit
finishes normally. (Given a bare coroutine, `wait_for` wraps it in a task of its own
up to Python 3.11; from 3.12 it runs it inside the caller, like `asyncio.timeout`.)

Point: a timeout interrupts the wait, or (`wait_for`) cancels the task, once time is up.
Headline: outcomes
"""

import asyncio

TAGS = ("patterns",)


async def query(seconds: float) -> str:
    await asyncio.sleep(seconds)
    return f"rows after {seconds} s"


async def main() -> str:
    try:
        async with asyncio.timeout(1):
            await query(5)
    except TimeoutError:
        print("asyncio.timeout: gave up after 1 s")

    try:
        await asyncio.wait_for(asyncio.create_task(query(5)), timeout=1)
    except TimeoutError:
        print("wait_for: gave up after 1 s, the query task was cancelled")

    result = await asyncio.wait_for(asyncio.create_task(query(0.5)), timeout=1)
    print(f"a fast query in time: {result}")
    return result


if __name__ == "__main__":
    asyncio.run(main())
