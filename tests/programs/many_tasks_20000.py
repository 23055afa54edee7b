# Scale: asyncio.gather of 20,000 tasks, each doing one sleep(0).
# expect: ok=20001 failed=0 cancelled=0
# timing: bench
import asyncio

N = 20_000


async def tiny(n: int) -> int:
    await asyncio.sleep(0)
    return n


async def main() -> None:
    results = await asyncio.gather(*(tiny(n) for n in range(N)))
    print("tasks:", len(results), "sum:", sum(results))


asyncio.run(main())
