# -*- coding: latin-1 -*-
# Source: a latin-1 file (coding declaration) with a non-ASCII latin-1 byte in a printed string.
# expect: ok=2 failed=0 cancelled=0
import asyncio


async def word() -> str:
    await asyncio.sleep(0.01)
    return "café crème brûlée, © 1999, ½ price"


async def main() -> None:
    text = await asyncio.create_task(word())
    print(text)
    print(len(text), [hex(ord(c)) for c in text if ord(c) > 127])


asyncio.run(main())
