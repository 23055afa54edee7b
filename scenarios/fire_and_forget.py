"""Fire and forget: tasks nobody awaits

The tutorial warns: "If you don't await a task, it might not run or its result/exception
might not be handled." `main` starts three tasks and never awaits any of them.

What to watch for: `send_email` fails at 1 s and nobody notices (asyncio can only log
"Task exception was never retrieved", later); `log_visit` is still sleeping when `main`
returns at 2 s, so it is cancelled before it could log; `update_stats`, created on
main's last line, gets as far as its first await and is cancelled there: its work never
finishes. Only what is awaited is sure to run to the end.

Point: a task nobody awaits can fail unnoticed, or be cancelled unfinished when main
ends.
Headline: outcomes
"""

import asyncio

TAGS = ("pitfalls",)


async def send_email() -> None:
    await asyncio.sleep(1)
    raise ConnectionError("SMTP server unreachable")


async def log_visit() -> None:
    await asyncio.sleep(5)
    print("visit logged")  # never printed: main returns first


async def update_stats() -> None:
    print("updating stats...")
    await asyncio.sleep(0.5)
    print("stats updated")  # never printed: cancelled at the await above


async def main() -> None:
    asyncio.create_task(send_email())  # never awaited: its exception is never retrieved
    asyncio.create_task(log_visit())  # never awaited: cancelled when main returns
    await asyncio.sleep(2)
    print("main is done")
    asyncio.create_task(update_stats())  # created too late: it never gets to finish


if __name__ == "__main__":
    asyncio.run(main())
