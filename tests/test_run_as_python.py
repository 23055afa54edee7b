"""A program runs as ``python`` runs it, and taskviz only watches: the mechanics, case by case.

``tests/programs`` compares whole programs both ways; these tests pin what that corpus
cannot see from outside: what the timeline holds, the descriptions taken after the run,
the command line's own options around a program.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from taskviz.catalog import read
from test_cli import taskviz
from taskviz.runner import run_headless
from taskviz.wire.record import Outcome

ROOT = Path(__file__).resolve().parent.parent


def write(tmp_path: Path, body: str, name: str = "prog.py") -> Path:
    path = tmp_path / name
    path.write_text(body)
    return path


def test_every_loop_is_its_own_run_one_after_another(tmp_path: Path) -> None:
    script = write(tmp_path, """
import asyncio
async def child(n):
    await asyncio.sleep(0.01 * n)
    return n
async def main():
    return await asyncio.gather(child(1), child(2))
print(asyncio.run(main()))
print(asyncio.run(main()))
loop = asyncio.new_event_loop()
loop.run_until_complete(child(3))
loop.close()
""")
    finished = run_headless(read(script), virtual_time=True)
    tasks = finished.record.tasks
    assert [t.coro for t in tasks] == ["main", "child", "child", "main", "child", "child", "child"]
    numbers = [int(t.name.removeprefix("Task-")) for t in tasks]
    # in a fresh process main is Task-1 (tests/programs checks it); here: no task of taskviz's in between
    assert numbers[:3] == list(range(numbers[0], numbers[0] + 3)), numbers
    assert all(t.outcome is Outcome.OK for t in tasks)
    model = finished.model
    first_end = model.tracks[0].finished_ns
    second_start = model.tracks[3].created_ns
    assert first_end is not None and second_start is not None and second_start >= first_end, "runs follow each other"


def test_asyncio_internals_of_asyncio_run_are_not_the_programs_tasks(tmp_path: Path) -> None:
    script = write(tmp_path, "import asyncio\nasync def main():\n    await asyncio.to_thread(sum, [1, 2])\nasyncio.run(main())\n")
    finished = run_headless(read(script))
    assert [t.coro for t in finished.record.tasks] == ["main", "sum"], "no shutdown_asyncgens / shutdown_default_executor rows"


def test_eager_and_threadsafe_tasks_are_traced(tmp_path: Path) -> None:
    script = write(tmp_path, """
import asyncio, sys, threading
async def job(n):
    await asyncio.sleep(0)
    return n
async def main():
    loop = asyncio.get_running_loop()
    if sys.version_info >= (3, 12):
        loop.set_task_factory(asyncio.eager_task_factory)
    await asyncio.gather(*(asyncio.create_task(job(n)) for n in range(3)))
    futures = []
    threading.Thread(target=lambda: futures.append(asyncio.run_coroutine_threadsafe(job(9), loop))).start()
    while not futures:
        await asyncio.sleep(0.001)
    return await asyncio.wrap_future(futures[0])
asyncio.run(main())
""")
    finished = run_headless(read(script))
    jobs = [t for t in finished.record.tasks if t.coro == "job"]
    assert sorted(t.result for t in jobs) == ["0", "1", "2", "9"]


def test_reprs_are_taken_after_the_run_capped_and_safe(tmp_path: Path) -> None:
    script = write(tmp_path, """
import asyncio, time
class Slow:
    def __repr__(self):
        time.sleep(0.3)
        return "Slow()"
class Exits:
    def __repr__(self):
        raise SystemExit(9)
class Nice:
    def __repr__(self):
        return "Nice(1)"
class BadStr(Exception):
    def __str__(self):
        raise ValueError("no str")
async def echo(x):
    await asyncio.sleep(0)
    return x
async def fails():
    raise BadStr("x")
async def main():
    started = time.monotonic()
    await asyncio.gather(*(echo(Slow()) for _ in range(5)), echo(Exits()), echo(Nice()), echo("a" * 500))
    try:
        await asyncio.create_task(fails())
    except BadStr:
        pass
    print(f"{time.monotonic() - started:.2f}")
asyncio.run(main())
""")
    started = time.monotonic()
    result = taskviz("run", str(script), "--headless", "--json", str(tmp_path / "out.json"))
    assert result.returncode == 0, result.stderr
    assert float(result.stdout.splitlines()[0]) < 0.2, "no repr ran inside the program's steps"
    assert time.monotonic() - started < 15
    tasks = json.loads((tmp_path / "out.json").read_text())["tasks"]
    results = [t.get("result") for t in tasks if t["coro"] == "echo"]
    assert results[:5] == ["<repr took over 50 ms>"] * 5, "a slow repr is cut short, and its type not asked again"
    assert results[5] == "<repr failed: SystemExit: 9>"
    assert results[6] == "Nice(1)", "a repr that behaves is shown, after the run"
    assert results[7].startswith("'aaa") and results[7].endswith("…") and len(results[7]) <= 60, "long reprs are capped"
    failed = next(t for t in tasks if t["coro"] == "fails")
    assert failed["outcome"] == "failed" and failed["exception"] == "BadStr: <str failed: ValueError: no str>"


def test_a_failed_task_points_at_the_line_that_raised(tmp_path: Path) -> None:
    script = write(tmp_path, """import asyncio

def check(n):
    if n > 1:
        raise ValueError(f"too big: {n}")

async def worker(n):
    await asyncio.sleep(0)
    check(n)

async def main():
    await asyncio.gather(worker(1), worker(2), return_exceptions=True)

asyncio.run(main())
""")
    finished = run_headless(read(script))
    failed = [t for t in finished.record.tasks if t.outcome is Outcome.FAILED]
    assert len(failed) == 1 and failed[0].exception == "ValueError: too big: 2"
    assert failed[0].raised_at.endswith("prog.py:5"), "the raise in check(), not the await in worker()"
    assert failed[0].raised_via.endswith("prog.py:9"), "reached through worker()'s call of check(); asyncio's frames left out"
    assert "asyncio" not in failed[0].raised_via and " → " not in failed[0].raised_via


def test_program_arguments_after_double_dash_and_run_as_module(tmp_path: Path) -> None:
    package = tmp_path / "demo"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "__main__.py").write_text(
        "import asyncio, sys\nasync def main():\n    print(__name__, sys.argv[1:], sys.path[0])\nasyncio.run(main())\n")
    result = taskviz("run", "-m", "demo", "--headless", "--json", "-", "--", "--headless", "x", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[0] == f"__main__ ['--headless', 'x'] {tmp_path}", "the program's own argv, not taskviz's"
    assert json.loads(result.stdout)["tasks"][0]["coro"] == "main"
    missing = taskviz("run", "-m", "no_such_module_here", "--headless", cwd=tmp_path)
    assert missing.returncode == 2 and missing.stderr.startswith("taskviz: no module named 'no_such_module_here'")


def test_json_on_stdout_stays_clean_of_everything_the_program_writes(tmp_path: Path) -> None:
    script = write(tmp_path, """
import asyncio, os, subprocess, sys
async def main():
    print("print")
    os.write(1, b"fd one\\n")
    subprocess.run([sys.executable, "-c", "print('child')"])
asyncio.run(main())
""")
    result = taskviz("run", str(script), "--headless", "--json", "-")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["exit"] == 0
    for line in ("print", "fd one", "child"):
        assert line in result.stderr


def test_a_relative_json_path_is_taken_before_the_program_changes_directory(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    script = write(tmp_path, f"import asyncio, os\nos.chdir({str(elsewhere)!r})\nasync def main():\n    pass\nasyncio.run(main())\n")
    result = taskviz("run", str(script), "--headless", "--json", "out.json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out.json").is_file() and not (elsewhere / "out.json").exists()


def test_json_that_cannot_be_written(tmp_path: Path) -> None:
    script = write(tmp_path, "import asyncio\nasync def main():\n    pass\nasyncio.run(main())\n")
    no_folder = taskviz("run", str(script), "--headless", "--json", str(tmp_path / "nope" / "out.json"))
    assert no_folder.returncode == 2 and no_folder.stderr.count("\n") == 1 and "no folder" in no_folder.stderr
    # the folder vanishes while the program runs: the summary is kept elsewhere, and we say where
    doomed = tmp_path / "doomed"
    doomed.mkdir()
    script = write(tmp_path, f"import asyncio, shutil\nasync def main():\n    shutil.rmtree({str(doomed)!r})\nasyncio.run(main())\n",
                   "vanish.py")
    result = taskviz("run", str(script), "--headless", "--json", str(doomed / "out.json"))
    assert result.returncode == 1
    assert "main" in result.stdout, "the text timeline was printed"
    kept = result.stderr.strip().rsplit(" ", 1)[-1]
    assert "cannot write" in result.stderr and json.loads(Path(kept).read_text())["tasks"][0]["coro"] == "main"
    Path(kept).unlink()


@pytest.mark.parametrize(("body", "status", "last"), [
    ("import asyncio, sys\nasync def main():\n    await asyncio.create_task(quit_())\n"
     "async def quit_():\n    sys.exit(3)\nasyncio.run(main())\n", 3, None),
    ("import asyncio\nasync def main():\n    asyncio.get_running_loop().stop()\n    await asyncio.sleep(1)\n"
     "asyncio.run(main())\n", 1, "RuntimeError: Event loop stopped before Future completed."),
    ("import asyncio\nraise KeyboardInterrupt\n", -2, "KeyboardInterrupt"),
])
def test_exits_are_the_programs_and_the_timeline_is_still_written(tmp_path: Path, body: str, status: int, last: str | None) -> None:
    script = write(tmp_path, body)
    plain = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=30)
    result = taskviz("run", str(script), "--headless", "--json", str(tmp_path / "out.json"))
    assert plain.returncode == status and result.returncode == status, result.stderr
    if last is not None:
        assert plain.stderr.strip().splitlines()[-1] == result.stderr.strip().splitlines()[-1] == last
    assert "wall time" in result.stdout
    assert json.loads((tmp_path / "out.json").read_text())["exit"] == (130 if status < 0 else status)


def test_virtual_time_stops_a_program_that_never_ends(tmp_path: Path) -> None:
    script = write(tmp_path, "import asyncio\nasync def main():\n    while True:\n        await asyncio.sleep(1)\nasyncio.run(main())\n")
    result = taskviz("run", str(script), "--headless", "--virtual-time", "--until", "5s", timeout=30)
    assert result.returncode == 124
    assert "stopped at 5 s of virtual time (--until)" in result.stdout
    assert re.search(r"^wall time +5\.00? s$", result.stdout, re.M), result.stdout
    usage = taskviz("run", str(script), "--headless", "--until", "5")
    assert usage.returncode == 2 and "--until limits a --virtual-time run" in usage.stderr


def test_one_ctrl_c_stops_a_step_that_never_yields(tmp_path: Path) -> None:
    import signal

    script = write(tmp_path, "import asyncio\nasync def main():\n    print('spinning', flush=True)\n"
                             "    while True:\n        pass\nasyncio.run(main())\n")
    process = subprocess.Popen(
        [sys.executable, "-m", "taskviz", "run", str(script), "--headless"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env={**os.environ, "NO_COLOR": "1"},
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # a background shell's children ignore it
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "spinning"
    time.sleep(0.3)  # the step has held the loop long enough to be seen as stuck
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=20)
    assert process.returncode == -signal.SIGINT
    assert "interrupted" in out and "main" in out, "the run so far is printed"
    assert err.rstrip().endswith("KeyboardInterrupt")


def test_every_scenario_ends_cleanly_on_the_virtual_clock() -> None:
    """A virtual clock cannot see threads: asyncio.run's 300 s wait for executor threads must
    not be jumped (a warning, the --until stop and an InvalidStateError, once)."""
    import concurrent.futures

    from taskviz.catalog import all_scenarios

    def virtual(name: str) -> tuple[str, int, str]:
        result = taskviz("run", name, "--headless", "--virtual-time", timeout=120)
        return name, result.returncode, result.stderr

    names = [s.name for s in all_scenarios() if not s.broken]
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        results = list(pool.map(virtual, names))
    # fire_and_forget's lost exception is logged as under python: its traceback shows the program's frames only
    bad = [(name, code, err[-300:]) for name, code, err in results
           if code != 0 or "src/taskviz/" in err or "RuntimeWarning" in err or "InvalidStateError" in err]
    assert not bad, bad
