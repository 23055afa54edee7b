# Structure: a chain of 300 nested awaits (coroutine awaiting coroutine), suspended at the bottom
# while another task runs, then unwinding with a result.
# expect: ok=2 failed=0 cancelled=0
import asyncio

DEPTH = 300


async def dive(depth: int, gate: asyncio.Event) -> int:
    if depth == 0:
        await gate.wait()
        return 0
    return 1 + await dive(depth - 1, gate)


async def opener(gate: asyncio.Event) -> None:
    await asyncio.sleep(0.01)
    gate.set()


async def main() -> None:
    gate = asyncio.Event()
    opener_task = asyncio.create_task(opener(gate))
    print("depth reached:", await dive(DEPTH, gate))
    await opener_task


asyncio.run(main())
