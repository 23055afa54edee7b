# Executor: ProcessPoolExecutor (the platform's default start method) running a module-level
# function through loop.run_in_executor: the function is pickled by reference, as __main__.square.
# expect: ok=1 failed=0 cancelled=0
import asyncio
import concurrent.futures


def square(x: int) -> int:
    return x * x


async def main() -> None:
    loop = asyncio.get_running_loop()
    with concurrent.futures.ProcessPoolExecutor(max_workers=2) as pool:
        print("pickled as:", square.__module__ + "." + square.__qualname__)
        results = await asyncio.gather(*(loop.run_in_executor(pool, square, n) for n in range(6)))
    print("squares:", results)


if __name__ == "__main__":
    asyncio.run(main())
