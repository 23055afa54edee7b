# Entry point: asyncio.Runner (3.11+) with three runner.run() calls on the same loop.
# expect: ok=4 failed=0 cancelled=0
import asyncio
import contextvars

counter = contextvars.ContextVar("counter", default=0)


async def step(n: int) -> int:
    await asyncio.sleep(0.01)
    counter.set(counter.get() + n)
    return counter.get()


async def spawn() -> str:
    task = asyncio.create_task(step(100))
    return f"spawned {await task}"


with asyncio.Runner() as runner:
    loop = runner.get_loop()
    print("run 1:", runner.run(step(1)))
    print("run 2:", runner.run(step(2)))
    print("run 3:", runner.run(spawn()))
    print("same loop every time:", runner.get_loop() is loop)
print("runner closed:", loop.is_closed())
