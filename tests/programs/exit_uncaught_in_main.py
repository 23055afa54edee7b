# Exit: an exception raised in main and not caught: traceback on stderr, status 1.
# expect: ok=1 failed=2 cancelled=0
import asyncio


class ConfigError(ValueError):
    pass


async def load(name: str) -> str:
    await asyncio.sleep(0.01)
    if name == "bad":
        raise ConfigError(f"cannot load {name!r}")
    return name


async def main() -> None:
    print("loaded", await asyncio.create_task(load("good")))
    print("loading the bad one")
    await asyncio.create_task(load("bad"))


asyncio.run(main())
