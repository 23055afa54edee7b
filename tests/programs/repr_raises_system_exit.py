# Repr: an argument and a result whose __repr__ raises SystemExit. Python never calls them, so
# the program ends normally with status 0; describing them must not end it.
# expect: ok=3 failed=0 cancelled=0
import asyncio


class Explosive:
    def __repr__(self) -> str:
        raise SystemExit(9)

    def __str__(self) -> str:
        return "Explosive (str is fine)"


async def passthrough(thing: Explosive) -> Explosive:
    await asyncio.sleep(0.01)
    return thing


async def main() -> None:
    first = await asyncio.create_task(passthrough(Explosive()))
    second = await asyncio.create_task(passthrough(first))
    print("survived:", second)


asyncio.run(main())
print("exit normally")
