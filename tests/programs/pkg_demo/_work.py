"""A module of pkg_demo, imported relatively by its __main__."""
import asyncio


async def crunch(n: int) -> int:
    await asyncio.sleep(0.01)
    return sum(range(n + 1))
