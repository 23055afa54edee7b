# Names: task names holding terminal escape sequences (an OSC title change, a colour, a bell, a
# carriage return); python prints them raw, so the output is compared as bytes.
# expect: ok=4 failed=0 cancelled=0
import asyncio

NAMES = ["\x1b]0;pwned\x07", "\x1b[31mred\x1b[0m", "bell\x07\rover"]


async def report() -> str:
    await asyncio.sleep(0.01)
    return asyncio.current_task().get_name()


async def main() -> None:
    tasks = [asyncio.create_task(report(), name=name) for name in NAMES]
    for name in await asyncio.gather(*tasks):
        print("raw name:", name)
        print("repr:", repr(name))


asyncio.run(main())
