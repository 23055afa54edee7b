"""as_completed: results in the order they finish

Four lookups take 3 s, 1 s, 2 s and 0.5 s. `asyncio.as_completed` hands them back as
they finish, not in the order they were started.

What to watch for: `main` wakes four times, at 0.5 s, 1 s, 2 s and 3 s, each time
with the next result to finish, while the lookups it has not got to yet keep running.

Point: the lookups overlap; `as_completed` hands over each result as soon as it is
ready.
Headline: overlap
"""

import asyncio

TAGS = ("patterns",)


async def lookup(name: str, seconds: float) -> str:
    await asyncio.sleep(seconds)
    return name


async def main() -> list[str]:
    tasks = [asyncio.create_task(lookup(name, seconds)) for name, seconds in (("a", 3), ("b", 1), ("c", 2), ("d", 0.5))]
    order = []
    for next_done in asyncio.as_completed(tasks):
        name = await next_done
        order.append(name)
        print(f"{name} finished")
    print(f"Completion order: {order}")
    return order


if __name__ == "__main__":
    asyncio.run(main())
