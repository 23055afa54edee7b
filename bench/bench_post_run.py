"""What a headless run costs once the program has ended: the model, the findings, the text timeline, the JSON.

    .venv/bin/python bench/bench_post_run.py [REQUESTS] [--repeat N]

The server-like program (``bench/programs/server_like.py``, 60,000 short request tasks
through a queue and a lock by default) runs traced once per repeat, in this process, as
``taskviz run FILE --headless --json OUT`` runs it; then each step a user waits for after
the program's last line is timed on its own: building the model, working out the
findings, rendering the text timeline (40 rows, as the command does) and writing the JSON
(to memory). Printed: the median of each, per task, and their sum against the program's
own run. These are the steps that make the whole command's time (``bench_programs.py``)
more than the run's.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import gc
import io
import os
import statistics
import sys
import time
from pathlib import Path

from taskviz.catalog import find
from taskviz.model.summary import write_summary
from taskviz.model.timeline import TimelineModel
from taskviz.report import print_timeline
from taskviz.finished import Finished
from taskviz.runner import run_headless

SERVER_LIKE = Path(__file__).resolve().parent / "programs" / "server_like.py"
PHASES = ("model", "findings", "text", "json")


def one_run(requests: int) -> tuple[dict[str, float], int, float]:
    """(seconds per phase, tasks, the run's own wall seconds) for one traced run."""
    scenario = find(str(SERVER_LIKE))
    scenario = dataclasses.replace(scenario, args=(str(requests),))
    with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):
        finished = run_headless(scenario)
    gc.collect()
    gc.disable()  # as the command does once the program is over
    try:
        times: dict[str, float] = {}
        started = time.perf_counter()
        model = TimelineModel(finished.record, finished.run.started_ns)
        model.update()
        times["model"] = time.perf_counter() - started
        finished = Finished(finished.scenario, finished.run, model, exit_code=finished.exit_code)
        started = time.perf_counter()
        found = finished.findings
        times["findings"] = time.perf_counter() - started
        started = time.perf_counter()
        print_timeline(finished, scenario.name, io.StringIO(), rows=40, width=100)
        times["text"] = time.perf_counter() - started
        started = time.perf_counter()
        write_summary(io.StringIO(), scenario=scenario.name, model=model, wall_ns=finished.run.wall_ns, exit=0,
                      findings=[finding.to_json() for finding in found])
        times["json"] = time.perf_counter() - started
    finally:
        gc.enable()
    return times, len(finished.record.tasks), finished.run.wall_ns / 1e9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("requests", type=int, nargs="?", default=60_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    runs = [one_run(args.requests) for _ in range(args.repeat)]
    tasks = runs[0][1]
    run_s = statistics.median(wall for _, _, wall in runs)
    print(f"post-run steps, server-like program, {tasks:,} tasks, Python {sys.version.split()[0]}, "
          f"median of {args.repeat}; the run itself {run_s:.2f} s")
    total = 0.0
    for phase in PHASES:
        seconds = statistics.median(times[phase] for times, _, _ in runs)
        total += seconds
        print(f"  {phase:<9} {seconds:6.2f} s  {seconds / tasks * 1e6:6.1f} µs a task")
    print(f"  {'together':<9} {total:6.2f} s  {total / tasks * 1e6:6.1f} µs a task  ({total / run_s:.2f}x the run)")


if __name__ == "__main__":
    main()
