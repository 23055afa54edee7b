"""Deadlock: two locks taken in opposite order

Two transfers run at once between the same two accounts. Each locks the account it
takes money from, then the account it pays into: `alice_to_bob` takes `alice_lock`
then `bob_lock`, `bob_to_alice` takes `bob_lock` then `alice_lock`.

What to watch for: at 0.1 s each transfer holds its first lock and waits on
`Lock.acquire` for its second, which the other one holds. Each waits for the other, so
neither can ever go on: nothing is busy, nothing fails, the loop sits idle. Only the
1 s timeout around them ends it, by cancelling both, and no money moved. taskviz names
the cycle in its findings (`deadlock`). The cure: take locks in one order everywhere
(sort them), or hold one at a time.

Point: two tasks taking the same two locks in opposite orders wait for each other forever.
Headline: outcomes
"""

import asyncio

TAGS = ("pitfalls",)

alice_lock = asyncio.Lock()
bob_lock = asyncio.Lock()
balances = {"alice": 100, "bob": 100}


async def transfer(payer: str, payer_lock: asyncio.Lock, payee: str, payee_lock: asyncio.Lock, amount: int) -> None:
    async with payer_lock:
        await asyncio.sleep(0.1)  # checking the payer's balance: the other transfer starts meanwhile
        async with payee_lock:  # waits for ever: the other transfer holds it, and waits for ours
            balances[payer] -= amount
            balances[payee] += amount


async def main() -> dict[str, int]:
    first = asyncio.create_task(transfer("alice", alice_lock, "bob", bob_lock, 10), name="alice_to_bob")
    second = asyncio.create_task(transfer("bob", bob_lock, "alice", alice_lock, 20), name="bob_to_alice")
    try:
        async with asyncio.timeout(1):
            await asyncio.gather(first, second)
    except TimeoutError:
        print("neither transfer finished: the timeout cancelled both after 1 s")
    print(f"balances: {balances}")
    return balances


if __name__ == "__main__":
    asyncio.run(main())
