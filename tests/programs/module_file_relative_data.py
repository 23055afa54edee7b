# Module: a data file found next to the script through __file__ (and a relative open from cwd).
# expect: ok=3 failed=0 cancelled=0
import asyncio
from pathlib import Path

DATA = Path(__file__).with_name("_data_for_file_read.txt")


async def read_lines() -> list[str]:
    return await asyncio.to_thread(lambda: DATA.read_text(encoding="utf-8").splitlines())


async def main() -> None:
    lines = await asyncio.create_task(read_lines())
    print("lines:", len(lines))
    for line in lines:
        print(" >", line)
    with open("_data_for_file_read.txt", encoding="utf-8") as fh:
        print("relative open reads the same:", fh.read().splitlines() == lines)


asyncio.run(main())
