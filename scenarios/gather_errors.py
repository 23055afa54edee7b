"""gather and exceptions: the first error, or all the results

What happens when one of the awaitables given to `gather` raises.

What to watch for: first, `b` fails at 0.5 s and `main` wakes at once with its
ValueError, but `a` and `c` are not cancelled: they keep running and finish at 1 s
and 2 s with nobody waiting for them. Then with `return_exceptions=True` main waits for
all three and gets the exception back as one of the results.

Point: gather raises the first error at once, but the other awaitables keep running.
Headline: outcomes
"""

import asyncio

TAGS = ("patterns",)


async def fetch(name: str, delay: float, fail: bool = False) -> str:
    await asyncio.sleep(delay)
    if fail:
        raise ValueError(f"{name} failed")
    return f"{name} ok"


async def main() -> list[object]:
    try:
        await asyncio.gather(fetch("a", 1), fetch("b", 0.5, fail=True), fetch("c", 2))
    except ValueError as exc:
        print(f"gather raised: {exc} (a and c keep running)")
    await asyncio.sleep(2)

    results = await asyncio.gather(fetch("a", 1), fetch("b", 0.5, fail=True), fetch("c", 2), return_exceptions=True)
    print(f"with return_exceptions=True: {results}")
    return results


if __name__ == "__main__":
    asyncio.run(main())
