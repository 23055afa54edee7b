# Source: CPython docs, Doc/library/asyncio-task.rst, "Coroutines": the say_after example run
# concurrently with asyncio.create_task. The docs give it in two blocks: the imports and
# say_after() come from the first block, main() from the second, asyncio.run(main()) from the
# first. Otherwise as written (2 s). It prints the wall-clock time, masked before comparing.
# mask: \d\d:\d\d:\d\d
# expect: ok=3 failed=0 cancelled=0
import asyncio
import time

async def say_after(delay, what):
    await asyncio.sleep(delay)
    print(what)

async def main():
    task1 = asyncio.create_task(
        say_after(1, 'hello'))

    task2 = asyncio.create_task(
        say_after(2, 'world'))

    print(f"started at {time.strftime('%X')}")

    # Wait until both tasks are completed (should take
    # around 2 seconds.)
    await task1
    await task2

    print(f"finished at {time.strftime('%X')}")

asyncio.run(main())
