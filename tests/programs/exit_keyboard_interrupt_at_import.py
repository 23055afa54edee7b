# Exit: KeyboardInterrupt raised at import, before asyncio.run: python prints the traceback and
# ends itself with SIGINT (a parent sees "killed by signal 2"; a shell shows 130).
# expect: ok=0 failed=0 cancelled=0
import asyncio


async def main() -> None:
    print("never printed")


print("importing, then a KeyboardInterrupt", flush=True)
raise KeyboardInterrupt
asyncio.run(main())
