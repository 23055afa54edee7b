# Patterns: asyncio.Lock guarding a read-modify-write across an await; tasks queue on it fairly.
# expect: ok=6 failed=0 cancelled=0
import asyncio

counter = 0
order: list[int] = []


async def increment(n: int, lock: asyncio.Lock) -> None:
    global counter
    async with lock:
        order.append(n)
        value = counter
        await asyncio.sleep(0.002)
        counter = value + 1


async def main() -> None:
    lock = asyncio.Lock()
    await asyncio.gather(*(increment(n, lock) for n in range(5)))
    print("counter:", counter)
    print("order:", order)
    print("locked at the end:", lock.locked())


asyncio.run(main())
