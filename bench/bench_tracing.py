"""What instrumentation costs: the same programs untraced and traced, side by side.

    .venv/bin/python bench/bench_tracing.py [--repeat N] [--scale F]

(a) 100,000 tasks, each awaiting asyncio.sleep(0) ten times: the bare-step path.
(b) a producer and a consumer passing 200,000 items through an asyncio.Queue(maxsize=1):
    every put and get suspends, so each step also records what it awaits and where.

Runs alternate untraced/traced so that drift on the machine hits both alike; medians are
compared. Targets: traced/untraced <= 1.5 and <= 64 bytes per recorded event.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import time
import tracemalloc
from collections.abc import Callable, Coroutine
from typing import Any

from taskviz.wire.record import EventRecord
from taskviz.stage.tracing import Run

Program = Callable[[], Coroutine[Any, Any, Any]]


def many_sleepers(tasks: int) -> Program:
    async def sleeper() -> None:
        for _ in range(10):
            await asyncio.sleep(0)

    async def main() -> None:
        await asyncio.gather(*(sleeper() for _ in range(tasks)))

    return main


def queue_pipeline(items: int) -> Program:
    async def producer(queue: asyncio.Queue[int]) -> None:
        for i in range(items):
            await queue.put(i)

    async def consumer(queue: asyncio.Queue[int]) -> int:
        total = 0
        for _ in range(items):
            total += await queue.get()
        return total

    async def main() -> None:
        queue: asyncio.Queue[int] = asyncio.Queue(maxsize=1)
        await asyncio.gather(producer(queue), consumer(queue))

    return main


def untraced(program: Program) -> tuple[float, EventRecord | None]:
    start = time.perf_counter()
    asyncio.run(program())
    return time.perf_counter() - start, None


def traced(program: Program) -> tuple[float, EventRecord | None]:
    async def drive() -> EventRecord:
        run = Run.start(program())
        await run.wait()
        return run.record

    start = time.perf_counter()
    record = asyncio.run(drive())
    return time.perf_counter() - start, record


def footprint(program: Program) -> tuple[int, int]:
    """Bytes the finished record holds in all (columns, task table, strings), and its events.

    Measured with tracemalloc in a run of its own, since tracing allocations slows the run.
    """
    gc.collect()
    tracemalloc.start()
    _, record = traced(program)
    gc.collect()
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert record is not None
    return held, record.event_count()


def bench(name: str, program: Program, repeat: int) -> None:
    plain: list[float] = []
    instrumented: list[float] = []
    record: EventRecord | None = None
    for _ in range(repeat):
        gc.collect()
        plain.append(untraced(program)[0])
        gc.collect()
        seconds, record = traced(program)
        instrumented.append(seconds)
    assert record is not None
    steps = sum(1 for index in range(len(record)) if record.is_step(index))
    base, with_tracing = statistics.median(plain), statistics.median(instrumented)
    added_ns = (with_tracing - base) / steps * 1e9
    held, events = footprint(program)
    recorded = record.event_count()
    print(f"\n{name}")
    print(f"  untraced   median {base * 1000:9.1f} ms   ({', '.join(f'{s * 1000:.0f}' for s in plain)})")
    print(f"  traced     median {with_tracing * 1000:9.1f} ms   ({', '.join(f'{s * 1000:.0f}' for s in instrumented)})")
    print(f"  ratio      {with_tracing / base:.2f}x   (target <= 1.5)")
    print(f"  per step   {added_ns:,.0f} ns added over {steps:,} task steps ({recorded:,} events in {len(record):,} rows)")
    print(f"  memory     {record.bytes_per_event():.1f} bytes/event in the event columns, "
          f"{held / events:.1f} bytes/event with the task table   (target <= 64)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--scale", type=float, default=1.0, help="shrink the workloads for a quick look")
    args = parser.parse_args()
    bench(f"(a) {int(100_000 * args.scale):,} tasks x 10 sleep(0)", many_sleepers(int(100_000 * args.scale)), args.repeat)
    bench(f"(b) Queue(maxsize=1), {int(200_000 * args.scale):,} items", queue_pipeline(int(200_000 * args.scale)), args.repeat)


if __name__ == "__main__":
    main()
