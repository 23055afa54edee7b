# Repr: a task returns an object whose __repr__ raises ValueError; the result is fine otherwise.
# expect: ok=3 failed=0 cancelled=0
import asyncio


class BadRepr:
    value = 7

    def __repr__(self) -> str:
        raise ValueError("no repr for you")


async def make() -> BadRepr:
    await asyncio.sleep(0.01)
    return BadRepr()


async def main() -> int:
    made = await asyncio.gather(make(), make())
    print("values:", [m.value for m in made])
    return sum(m.value for m in made)


print("main returned", asyncio.run(main()))
