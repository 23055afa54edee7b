# Repr: ten tasks get an argument whose __repr__ takes 0.3 s (time.sleep). Python never calls
# it, so the program is quick; a watcher that describes task arguments must not make it slow
# (the 2x + 0.5 s wall-time rule catches 10 x 0.3 s).
# expect: ok=11 failed=0 cancelled=0
import asyncio
import time


class SlowRepr:
    def __init__(self, n: int) -> None:
        self.n = n

    def __repr__(self) -> str:
        time.sleep(0.3)
        return f"SlowRepr({self.n})"


async def use(thing: SlowRepr) -> SlowRepr:
    await asyncio.sleep(0.01)
    return thing


async def main() -> None:
    things = await asyncio.gather(*(asyncio.create_task(use(SlowRepr(n))) for n in range(10)))
    print("got", sum(t.n for t in things), "from", len(things), "tasks")


asyncio.run(main())
