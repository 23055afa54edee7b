# Package: `python -m pkg_demo ARGS` from tests/programs: __name__ is "__main__", __package__ is
# "pkg_demo", relative imports work, sys.path[0] is the working folder, sys.argv[0] is this file.
# args: one --two
# expect: ok=2 failed=0 cancelled=0
import asyncio
import os
import sys
from pathlib import Path

from . import GREETING
from ._work import crunch


async def main() -> None:
    print(GREETING)
    print("__name__:", __name__, "__package__:", __package__)
    print("__spec__.name:", __spec__.name if __spec__ else None)
    print("sys.argv[0] is this file:", Path(sys.argv[0]).resolve() == Path(__file__).resolve())
    print("sys.argv[1:]:", sys.argv[1:])
    print("sys.path[0] is the working folder:", Path(sys.path[0]).resolve() == Path(os.getcwd()).resolve())
    print("crunched:", await asyncio.create_task(crunch(6)))


if __name__ == "__main__":
    asyncio.run(main())
