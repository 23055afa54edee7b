# Executor: loop.run_in_executor(None, ...), the loop's default thread pool, with arguments.
# expect: ok=4 failed=0 cancelled=0
import asyncio
import functools
import hashlib


def digest(data: bytes, rounds: int) -> str:
    for _ in range(rounds):
        data = hashlib.sha256(data).digest()
    return data.hex()[:16]


async def main() -> None:
    loop = asyncio.get_running_loop()
    first = await loop.run_in_executor(None, digest, b"taskviz", 1000)
    print("digest:", first)
    both = await asyncio.gather(
        loop.run_in_executor(None, digest, b"a", 10),
        loop.run_in_executor(None, functools.partial(digest, b"b", rounds=10)),
    )
    print("two more:", both)


asyncio.run(main())
