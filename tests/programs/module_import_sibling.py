# Module: `import _helper_for_import`, a module living next to the script (found via sys.path[0]).
# expect: ok=3 failed=0 cancelled=0
import asyncio

import _helper_for_import


async def main() -> None:
    print("helper module name:", _helper_for_import.__name__)
    print("helper sees __main__ as:", _helper_for_import.main_module_name())
    print(await _helper_for_import.greet("world"))
    print(await asyncio.gather(_helper_for_import.double(2), _helper_for_import.double(21)))


if __name__ == "__main__":
    asyncio.run(main())
