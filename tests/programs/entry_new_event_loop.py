# Entry point: loop = asyncio.new_event_loop(); loop.run_until_complete(...); loop.close().
# expect: ok=3 failed=0 cancelled=0
import asyncio


async def compute(x: int, y: int) -> int:
    print(f"compute {x} + {y} ...")
    await asyncio.sleep(0.02)
    return x + y


async def print_sum(x: int, y: int) -> None:
    result = await compute(x, y)
    print(f"{x} + {y} = {result}")


loop = asyncio.new_event_loop()
try:
    loop.run_until_complete(print_sum(1, 2))
    task = loop.create_task(compute(3, 4))
    print("second result:", loop.run_until_complete(task))
    print("a bare future:", loop.run_until_complete(asyncio.sleep(0.01, result="slept")))
finally:
    loop.close()
