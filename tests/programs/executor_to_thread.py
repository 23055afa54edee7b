# Executor: asyncio.to_thread for blocking functions, one of which raises.
# expect: ok=6 failed=1 cancelled=0
import asyncio
import threading
import time


def blocking(n: int) -> str:
    time.sleep(0.01 * n)
    return f"job {n} on a worker thread: {threading.current_thread() is not threading.main_thread()}"


def broken() -> None:
    raise LookupError("nothing here")


async def main() -> None:
    print(await asyncio.to_thread(blocking, 1))
    for line in await asyncio.gather(asyncio.to_thread(blocking, 2), asyncio.to_thread(blocking, 3)):
        print(line)
    try:
        await asyncio.to_thread(broken)
    except LookupError as exc:
        print("to_thread raised:", repr(exc))


asyncio.run(main())
