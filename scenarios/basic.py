"""Two fetches at once: 5 s of waiting in 3 s

The tutorial's first example. `fetch_data` sleeps to stand in for a network call;
`main` starts two of them as tasks and gathers them.

What to watch for: both fetch tasks start at once and sit in `awaiting` side by side.
Users wakes at 2 s, Products at 3 s, and main resumes right after: the run takes about
3 s, the longest wait, not 5 s, the sum. The loop lane stays idle almost all the time.

Point: waits that overlap end with the longest one (3 s), not their sum (5 s).
Headline: overlap
"""

import asyncio
import time

TAGS = ("basics",)


async def fetch_data(delay: float, data: str) -> str:
    """A coroutine that simulates fetching data from a network."""
    print(f"Fetching {data} (will take {delay} seconds)...")
    await asyncio.sleep(delay)  # Non-blocking sleep
    print(f"Finished fetching {data}.")
    return f"Data: {data}"


async def main() -> list[str]:
    print("--- Asyncio Basic Example ---")
    start_time = time.time()

    task1 = asyncio.create_task(fetch_data(2, "Users"))
    task2 = asyncio.create_task(fetch_data(3, "Products"))

    results = await asyncio.gather(task1, task2)

    end_time = time.time()
    print(f"All data fetched. Results: {results}")
    print(f"Total time (asyncio): {end_time - start_time:.2f} seconds.")
    return results


if __name__ == "__main__":
    asyncio.run(main())
