# Entry point: the coroutine asyncio.run() starts is called `amain`, and there is no main at all.
# expect: ok=2 failed=0 cancelled=0
import asyncio


async def helper() -> str:
    await asyncio.sleep(0.01)
    return "helper result"


async def amain() -> None:
    print("amain runs:", asyncio.current_task().get_coro().__name__)
    print(await asyncio.create_task(helper()))


if __name__ == "__main__":
    asyncio.run(amain())
