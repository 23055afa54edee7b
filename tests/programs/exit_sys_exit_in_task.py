# Exit: sys.exit(3) inside a child task ends the whole program with status 3, no traceback.
# expect: ok=1 failed=1 cancelled=1
import asyncio
import sys


async def quitter() -> None:
    await asyncio.sleep(0.01)
    print("quitter calls sys.exit(3)", flush=True)
    sys.exit(3)


async def bystander() -> None:
    await asyncio.sleep(0)
    print("bystander finished")


async def main() -> None:
    await asyncio.create_task(bystander())
    await asyncio.create_task(quitter())
    print("never printed: main after quitter")


asyncio.run(main())
print("never printed: after asyncio.run")
