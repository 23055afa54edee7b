# Entry point: no coroutine and no task at all, only callbacks: call_soon / call_later with
# loop.run_forever() ended by loop.stop().
# expect: ok=0 failed=0 cancelled=0
import asyncio

loop = asyncio.new_event_loop()
ticks = []


def tick(n: int) -> None:
    ticks.append(n)
    print(f"tick {n}")
    if n < 3:
        loop.call_later(0.01, tick, n + 1)
    else:
        loop.call_soon(loop.stop)


def hello() -> None:
    print("hello from call_soon")


loop.call_soon(hello)
loop.call_soon(tick, 1)
try:
    loop.run_forever()
finally:
    loop.close()
print("loop closed after", len(ticks), "ticks; running loop tasks:", asyncio.all_tasks(loop))
