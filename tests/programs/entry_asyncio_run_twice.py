# Entry point: asyncio.run called twice in one program; task names keep counting across runs
# (python's asyncio.run also makes its own shutdown tasks, which take numbers too).
# expect: ok=4 failed=0 cancelled=0
import asyncio


async def work(tag: str) -> str:
    await asyncio.sleep(0.01)
    return f"{tag} done in {asyncio.current_task().get_name()}"


async def first() -> None:
    print("first run, main is", asyncio.current_task().get_name())
    print(await asyncio.create_task(work("first")))


async def second() -> None:
    print("second run, main is", asyncio.current_task().get_name())
    print(await asyncio.create_task(work("second")))


asyncio.run(first())
print("between the runs")
asyncio.run(second())
print("after both runs")
