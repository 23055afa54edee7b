"""Memory over a long run: a steady server on a stage, the stage process's resident memory each minute.

    .venv/bin/python bench/bench_long_run.py [--seconds 600] [--rate 1000]

``bench/programs/steady_server.py`` serves ``--rate`` requests a second for ``--seconds``
on a stage process, as ``taskviz run FILE`` runs it for the app. Its stream is read as
fast as it comes and written to a file, as ``--save`` does, so only the stage is
measured: the process the program itself runs in. Printed: the stage's resident memory
each ``--every`` seconds, and how fast it grew after the first ``--warm`` seconds (the
target: flat, since the stage keeps only what it has not sent; see ``stage/retention.py``).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from taskviz.stage_link import StageLink, StageProcess

STEADY_SERVER = Path(__file__).resolve().parent / "programs" / "steady_server.py"


def resident_mb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=600.0)
    parser.add_argument("--rate", type=int, default=1000)
    parser.add_argument("--every", type=float, default=60.0)
    parser.add_argument("--warm", type=float, default=60.0)
    options = parser.parse_args()
    if not sys.platform.startswith("linux"):
        sys.exit("bench_long_run reads /proc: Linux only")
    with tempfile.TemporaryDirectory() as folder:
        saved = os.path.join(folder, "long.taskviz")
        process = StageProcess()
        link = StageLink(process, str(STEADY_SERVER), "steady_server", args=(str(options.rate), str(options.seconds)),
                         save=saved)
        started = time.monotonic()
        samples: list[tuple[float, float]] = []
        print(f"steady_server: {options.rate} requests/s for {options.seconds:g} s on a stage (python {sys.version.split()[0]})")
        while not link.ended:
            time.sleep(min(1.0, options.every))
            link._inbox.clear()  # the viewer's side is not measured: only the stage's memory
            elapsed = time.monotonic() - started
            if elapsed >= (len(samples) + 1) * options.every:
                mb = resident_mb(process.process.pid)
                if mb is not None:
                    samples.append((elapsed, mb))
                    print(f"  {elapsed:6.0f} s  stage resident {mb:6.1f} MB", flush=True)
        size = os.path.getsize(saved)
    warm = [(t, mb) for t, mb in samples if t >= options.warm]
    if len(warm) >= 2:
        (t0, m0), (t1, m1) = warm[0], warm[-1]
        print(f"after {options.warm:g} s: {m0:.1f} -> {m1:.1f} MB in {t1 - t0:.0f} s "
              f"({(m1 - m0) / (t1 - t0) * 60:+.2f} MB a minute); the stream held {size / 1e6:.0f} MB")
    else:
        print(f"too short to tell a trend; the stream held {size / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
