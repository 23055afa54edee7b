# Module: __name__ is "__main__", __file__ names this file, sys.path[0] is this file's folder,
# __spec__ is None, sys.modules["__main__"] is this module, the docstring is __doc__.
# expect: ok=1 failed=0 cancelled=0
"""Module identity: this file is __main__, as under `python FILE`."""
import asyncio
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


async def main() -> None:
    print("__name__:", __name__)
    print("__file__ name:", Path(__file__).name)
    print("__file__ is absolute:", os.path.isabs(__file__))
    print("sys.path[0]:", sys.path[0])
    print("sys.path[0] is this folder:", Path(sys.path[0]).resolve() == HERE)
    print("__spec__:", __spec__)
    print("__package__:", __package__)
    print("__doc__:", __doc__)
    main_module = sys.modules["__main__"]
    print("sys.modules['__main__'] is this module:", main_module.__dict__ is globals())
    print("main() reachable as __main__.main:", getattr(main_module, "main", None) is main)
    print("__builtins__ is the builtins module:", __builtins__ is __import__("builtins"))
    print("cwd is this folder:", Path.cwd().resolve() == HERE)


if __name__ == "__main__":
    asyncio.run(main())
else:
    print(f"imported as {__name__!r}, not run as __main__")
