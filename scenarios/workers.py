"""Three workers as tasks: A 2 s, B 1 s, C 3 s

The tutorial's tasks example: three workers created with `create_task`, then gathered.

What to watch for: the workers finish in the order B, A, C (by their delays, not by
the order they were created), and the run takes about 3 s. gather still returns the
results in the order the tasks were passed: A, B, C.

Point: tasks finish in the order of their waits; the run takes the longest, not the sum.
Headline: overlap
"""

import asyncio
import time

TAGS = ("basics",)


async def worker(name: str, delay: float) -> str:
    print(f"Worker {name}: Starting...")
    await asyncio.sleep(delay)
    print(f"Worker {name}: Finished.")
    return f"{name} done"


async def main() -> list[str]:
    print("--- Asyncio with Tasks Example ---")
    start_time = time.time()

    task1 = asyncio.create_task(worker("A", 2))
    task2 = asyncio.create_task(worker("B", 1))
    task3 = asyncio.create_task(worker("C", 3))

    results = await asyncio.gather(task1, task2, task3)

    end_time = time.time()
    print(f"All workers completed. Results: {results}")
    print(f"Total time (asyncio tasks): {end_time - start_time:.2f} seconds.")
    return results


if __name__ == "__main__":
    asyncio.run(main())
