# Entry point: asyncio.run(main()) under `if __name__ == "__main__":` (the usual form).
# expect: ok=4 failed=0 cancelled=0
import asyncio


async def fetch(what: str, delay: float) -> str:
    await asyncio.sleep(delay)
    print(f"fetched {what}")
    return what.upper()


async def main() -> None:
    users = asyncio.create_task(fetch("users", 0.02))
    items = asyncio.create_task(fetch("items", 0.04))
    extra = asyncio.create_task(fetch("extra", 0.01))
    print("waiting for three fetches")
    print(await users, await items, await extra)


if __name__ == "__main__":
    asyncio.run(main())
