# Exit: sys.exit("message"): status 1 and the message on stderr, no traceback.
# expect: ok=0 failed=1 cancelled=0
import asyncio
import sys


async def main() -> None:
    await asyncio.sleep(0.01)
    print("about to give up")
    sys.exit("fatal: the configuration file is missing")


asyncio.run(main())
