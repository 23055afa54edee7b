"""Cancelling a task: CancelledError at the await, cleanup in finally

`main` starts a long download, changes its mind after 1 s and cancels it.

What to watch for: the download is awaiting its 10 s sleep when `cancel()` wakes it
with CancelledError; its `finally` block still runs, and even awaits (0.5 s to close
the connection) before the task ends as cancelled at about 1.5 s. `main`, awaiting
the task, wakes only then.

Point: cancelling raises CancelledError at the await, and the task's cleanup still runs.
Headline: outcomes
"""

import asyncio

TAGS = ("patterns",)


async def download() -> str:
    print("Download started")
    try:
        await asyncio.sleep(10)
        return "file contents"
    finally:
        print("Cleaning up: closing the connection...")
        await asyncio.sleep(0.5)
        print("Connection closed")


async def main() -> None:
    task = asyncio.create_task(download())
    await asyncio.sleep(1)
    print("Cancelling the download")
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        print(f"Download cancelled: cancelled()={task.cancelled()}")


if __name__ == "__main__":
    asyncio.run(main())
