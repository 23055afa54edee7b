# Entry point: asyncio.run(main()) bare at module level, no __name__ guard.
# expect: ok=3 failed=0 cancelled=0
import asyncio


async def child(n: int) -> int:
    await asyncio.sleep(0.01 * n)
    print(f"child {n} done")
    return n * 10


async def main() -> None:
    print("main starts")
    results = await asyncio.gather(child(1), child(2))
    print("results", results)


print("module level, before asyncio.run")
asyncio.run(main())
print("module level, after asyncio.run")
