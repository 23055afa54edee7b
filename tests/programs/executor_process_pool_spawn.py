# Executor: ProcessPoolExecutor with the "spawn" start method: the worker re-imports this file as
# __mp_main__ (from __main__.__file__) to find the function, so it must be guarded and importable.
# expect: ok=1 failed=0 cancelled=0
import asyncio
import concurrent.futures
import multiprocessing
import os


def describe(x: int) -> str:
    return f"{x} -> {x * 3} (worker runs {__name__}, parent? {os.getpid() == PARENT})"


PARENT = int(os.environ.setdefault("SPAWN_DEMO_PARENT", str(os.getpid())))


async def main() -> None:
    loop = asyncio.get_running_loop()
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        for n in (1, 2):
            print(await loop.run_in_executor(pool, describe, n))


if __name__ == "__main__":
    asyncio.run(main())
