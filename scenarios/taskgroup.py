"""TaskGroup: structured concurrency, one failure cancels the siblings

Three downloads run in an `asyncio.TaskGroup`; the second one fails after 1 s.

What to watch for: when `flaky` raises, the group cancels its siblings at once (they
end cancelled, at about 1 s, instead of running on for 2 s and 3 s), and `main`, waiting
at the end of the `async with` block, gets an ExceptionGroup holding the error.

Point: in a TaskGroup one failure cancels the siblings, and main gets every error at
once.
Headline: outcomes
"""

import asyncio

TAGS = ("patterns",)


async def download(name: str, seconds: float, fail: bool = False) -> str:
    await asyncio.sleep(seconds)
    if fail:
        raise ConnectionError(f"{name}: connection reset")
    return f"{name} done"


async def main() -> str:
    outcome = "no error"
    try:
        async with asyncio.TaskGroup() as group:
            group.create_task(download("steady", 2))
            group.create_task(download("flaky", 1, fail=True))
            group.create_task(download("slow", 3))
    except* ConnectionError as errors:
        outcome = "; ".join(str(exc) for exc in errors.exceptions)
        print(f"The group failed: {outcome}")
    return outcome


if __name__ == "__main__":
    asyncio.run(main())
