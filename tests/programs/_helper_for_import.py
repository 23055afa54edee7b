"""A helper module imported by module_import_sibling.py; not a program itself."""
import asyncio
import sys


def main_module_name() -> str:
    main = sys.modules.get("__main__")
    return main.__file__.rsplit("/", 1)[-1] if main is not None and hasattr(main, "__file__") else repr(main)


async def greet(who: str) -> str:
    await asyncio.sleep(0.01)
    return f"hello, {who}, from {__name__}"


async def double(x: int) -> int:
    await asyncio.sleep(0.01)
    return 2 * x
