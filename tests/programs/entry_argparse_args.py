# Entry point: main() takes its arguments from argparse; the arguments come after `--`.
# args: --count 3 --name demo "two words" last
# expect: ok=4 failed=0 cancelled=0
import argparse
import asyncio


async def worker(name: str, n: int) -> str:
    await asyncio.sleep(0.01 * n)
    return f"{name}-{n}"


async def main(count: int, name: str, rest: list[str]) -> None:
    results = await asyncio.gather(*(worker(name, n) for n in range(count)))
    print("results:", results)
    print("rest:", rest)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="entry_argparse_args")
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("rest", nargs="*")
    args = parser.parse_args()
    print("parsed:", args.count, args.name, args.rest)
    asyncio.run(main(args.count, args.name, args.rest))
