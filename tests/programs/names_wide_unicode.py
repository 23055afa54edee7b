# Names: wide Unicode task names (CJK, emoji, combining marks, right-to-left) printed raw.
# expect: ok=5 failed=0 cancelled=0
import asyncio

NAMES = ["任务-🚀", "ｆｕｌｌｗｉｄｔｈ", "e\u0301te\u0301", "שלום-עולם"]


async def report() -> str:
    await asyncio.sleep(0.01)
    return asyncio.current_task().get_name()


async def main() -> None:
    tasks = [asyncio.create_task(report(), name=name) for name in NAMES]
    for name in await asyncio.gather(*tasks):
        print(f"task named {name} ({len(name)} code points)")


asyncio.run(main())
