"""One fetch after another: 5 s of waiting in 5 s

The same two fetches as `basic`, but awaited one after the other, with no tasks.

What to watch for: there is only one task, main. It waits 2 s for Users and only then
starts the 3 s wait for Products, so the run takes 5 s, the sum of the waits. Compare
with `basic`, where the same waiting overlaps and ends in 3 s.

Point: awaited one after the other, the waits add up: the run takes their sum.
Headline: overlap
"""

import asyncio
import time

TAGS = ("basics",)


async def fetch_data(delay: float, data: str) -> str:
    """A coroutine that simulates fetching data from a network."""
    print(f"Fetching {data} (will take {delay} seconds)...")
    await asyncio.sleep(delay)
    print(f"Finished fetching {data}.")
    return f"Data: {data}"


async def main() -> list[str]:
    print("--- Sequential awaits ---")
    start_time = time.time()

    users = await fetch_data(2, "Users")
    products = await fetch_data(3, "Products")

    end_time = time.time()
    results = [users, products]
    print(f"All data fetched. Results: {results}")
    print(f"Total time (sequential): {end_time - start_time:.2f} seconds.")
    return results


if __name__ == "__main__":
    asyncio.run(main())
