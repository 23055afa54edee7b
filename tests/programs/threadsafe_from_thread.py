# Threads: a plain thread submits coroutines to the running loop with
# asyncio.run_coroutine_threadsafe and waits on the concurrent.futures.Future it gets back.
# expect: ok=4 failed=1 cancelled=0
import asyncio
import threading


async def add(a: int, b: int) -> int:
    await asyncio.sleep(0.01)
    return a + b


async def fail() -> None:
    await asyncio.sleep(0.01)
    raise KeyError("from the loop")


def from_thread(loop: asyncio.AbstractEventLoop, out: list[str]) -> None:
    out.append(f"add: {asyncio.run_coroutine_threadsafe(add(1, 2), loop).result(timeout=5)}")
    out.append(f"add: {asyncio.run_coroutine_threadsafe(add(3, 4), loop).result(timeout=5)}")
    try:
        asyncio.run_coroutine_threadsafe(fail(), loop).result(timeout=5)
    except KeyError as exc:
        out.append(f"fail raised {exc!r}")


async def main() -> None:
    loop = asyncio.get_running_loop()
    out: list[str] = []
    thread = threading.Thread(target=from_thread, args=(loop, out))
    thread.start()
    await asyncio.to_thread(thread.join)
    print("\n".join(out))


asyncio.run(main())
