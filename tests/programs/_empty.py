"""The smallest asyncio program, doing nothing: not a program of the corpus but its yardstick.

Its runs under python and under taskviz time their fixed start-up (the interpreter, asyncio,
taskviz's own imports, its JSON and timeline), which test_programs takes off each program's
wall time before comparing the two.
"""
import asyncio


async def main() -> None:
    pass


asyncio.run(main())
