# Module: sys.argv is [the script as given, *the arguments after --], like `python FILE ARGS`.
# args: alpha "with space" --flag=1 -x -- after-dashes
# expect: ok=1 failed=0 cancelled=0
import asyncio
import sys


async def main() -> None:
    print("argv:", sys.argv)
    print("argc:", len(sys.argv))
    print("orig_argv tail:", sys.orig_argv[-6:])


asyncio.run(main())
