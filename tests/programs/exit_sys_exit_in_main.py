# Exit: sys.exit(4) in main after some work; `finally` blocks and atexit handlers still run.
# expect: ok=1 failed=1 cancelled=0
import asyncio
import atexit
import sys


@atexit.register
def goodbye() -> None:
    print("atexit handler ran")


async def work() -> int:
    await asyncio.sleep(0.01)
    return 42


async def main() -> None:
    try:
        print("work gave", await asyncio.create_task(work()))
        sys.exit(4)
    finally:
        print("main's finally ran")


if __name__ == "__main__":
    asyncio.run(main())
