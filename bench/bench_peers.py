"""What the alternative costs: the same programs untraced, traced by taskviz and by VizTracer.

    .venv/bin/python bench/bench_peers.py [--repeat N] [--scale F]

Needs the bench extra (`pip install -e '.[bench]'`, which `make bench` does); without
VizTracer it says so in one line and prints taskviz's figures alone. The programs are
bench_tracing.py's: (a) 100,000 tasks x 10 sleep(0), (b) 200,000 items through a
Queue(maxsize=1). VizTracer runs with log_async=True (its asyncio view: one track per task),
started before asyncio.run and stopped after it; its buffer is made big enough for the run,
and saving the trace happens after the timing, where it also tells whether VizTracer had to
drop entries (its ring buffer keeps only the newest `tracer_entries`).

The three runs alternate so that drift on the machine hits all alike, each in a forked child
(POSIX) so that none inherits what an earlier one left; medians are compared, and the ratios
are traced / untraced.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import importlib
import os
import pickle
import statistics
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_tracing import Program, many_sleepers, queue_pipeline, traced, untraced


def import_viztracer() -> ModuleType | None:
    try:
        return importlib.import_module("viztracer")
    except ImportError:
        return None


viztracer = import_viztracer()
T = TypeVar("T")


def in_child(measure: Callable[[], T]) -> T:
    """measure() in a forked child, so that nothing a run leaves behind slows the next.

    VizTracer 1.1.1 with log_async keeps a reference to the current task each time a
    coroutine resumes (it never releases the one current_task() returned), so every task
    it sees stays alive; in one process the leftovers pile up across runs.
    """
    read, write = os.pipe()
    if (pid := os.fork()) == 0:
        status = 1
        try:
            os.close(read)
            with os.fdopen(write, "wb") as pipe:
                pickle.dump(measure(), pipe)
            status = 0
        except BaseException:  # even Ctrl-C: the child must never go on into the parent's loop
            traceback.print_exc()
        finally:
            os._exit(status)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        result = pipe.read()
    if os.waitpid(pid, 0)[1] != 0:
        raise SystemExit("a measured run failed in its child process (see above)")
    value: T = pickle.loads(result)
    return value


def viztraced(program: Program, entries: int, check: bool) -> tuple[float, tuple[int, bool] | None]:
    """Seconds for the run under VizTracer; with check, the events it saved and whether it dropped any."""
    assert viztracer is not None
    tracer = viztracer.VizTracer(tracer_entries=entries, log_async=True, verbose=0, register_global=False)
    start = time.perf_counter()
    tracer.start()
    asyncio.run(program())
    tracer.stop()
    seconds = time.perf_counter() - start
    return seconds, saved_entries(tracer) if check else None


def saved_entries(tracer: Any) -> tuple[int, bool]:
    """Saves the trace (as VizTracer's own save does, in C) and reads back its events and overflow flag."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "trace.json")
        tracer.dump(path)
        events, tail = 0, b""
        with open(path, "rb") as trace:
            while chunk := trace.read(1 << 24):
                events += (tail + chunk).count(b'{"pid":')  # one per event; metadata starts {"ph":
                tail = chunk[-6:]
            trace.seek(max(0, os.path.getsize(path) - 200))
            return events, b'"overflow":true' in trace.read()


def bench(name: str, program: Program, entries: int, repeat: int) -> None:
    plain: list[float] = []
    taskviz: list[float] = []
    viz: list[float] = []
    checked: tuple[int, bool] | None = None
    for run in range(repeat):
        gc.collect()
        plain.append(in_child(lambda: untraced(program)[0]))
        gc.collect()
        taskviz.append(in_child(lambda: traced(program)[0]))
        if viztracer is not None:
            gc.collect()
            # Every run records the same; saving one trace takes ~20 s at scale 1.
            seconds, saved = in_child(partial(viztraced, program, entries, run == repeat - 1))
            viz.append(seconds)
            checked = checked or saved
    base = statistics.median(plain)
    row = f"{name:<38} {base:8.3f} s"
    for seconds in [statistics.median(times) for times in (taskviz, viz) if times]:
        row += f"   {seconds:8.3f} s ({seconds / base:5.2f}x)"
    print(row)
    if checked:
        events, overflow = checked
        print(f"  VizTracer kept {events:,} events in a buffer of {entries:,}: "
              + ("OVERFLOWED, the oldest were dropped" if overflow else "none dropped"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--scale", type=float, default=1.0, help="shrink the workloads for a quick look")
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}, medians of {args.repeat}")
    if viztracer is None:
        print("VizTracer is not installed for this Python (pip install -e '.[bench]'): taskviz's figures alone")
    else:
        print(f"VizTracer {viztracer.__version__}, log_async=True")
    print(f"{'workload':<38} {'untraced':>10}   {'taskviz (ratio)':>19}" + (f"   {'VizTracer (ratio)':>19}" if viztracer else ""))
    tasks, items = int(100_000 * args.scale), int(200_000 * args.scale)
    # VizTracer records ~190 entries per task in (a) and ~80 per item in (b) on 3.11-3.13.
    bench(f"(a) {tasks:,} tasks x 10 sleep(0)", many_sleepers(tasks), 250 * tasks + 100_000, args.repeat)
    bench(f"(b) Queue(maxsize=1), {items:,} items", queue_pipeline(items), 120 * items + 100_000, args.repeat)


if __name__ == "__main__":
    main()
