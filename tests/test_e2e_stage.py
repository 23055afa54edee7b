"""The stage, as a person meets it in a real terminal (tmux): whatever the program does, the
app keeps drawing and every key works; a file runs as itself; time can be paused, stepped
and slowed."""

from __future__ import annotations

import re
import time
from pathlib import Path

from taskviz.wire.record import Outcome
from taskviz.wire.stream import read_file
from tmux import TASKVIZ, needs_tmux, terminal

pytestmark = needs_tmux

RUNAWAY = '''"""Runaway"""
import asyncio, os, sys


async def main():
    with open(os.environ["PID_FILE"], "w") as out:
        out.write(str(os.getpid()))
    await asyncio.sleep(0.1)
    n = 0
    while True:  # never yields: the loop is stuck here for good
        n += 1
'''

ASKS = '''"""Asks"""
import asyncio


async def main():
    await asyncio.sleep(0.1)
    name = input("your name? ")
    print("hello", name)
'''


_UNITS = {"s": 1.0, "ms": 1e-3, "µs": 1e-6}
# The app gives a stage at most 0.7 s to go (test_stage measures it); the rest is tmux's
# polling and the app's own exit, on a machine loaded by two whole suites at once.
QUIT_S = 5.0


def seconds_after(label: str, shown: str) -> float:
    """The duration shown right after ``label`` (``1.23 s``, ``86.5 ms``), in seconds."""
    match = re.search(label + r"\s+(\d+(?:\.\d+)?) (s|ms|µs)\b", shown)
    assert match is not None, f"no {label!r} on the screen:\n{shown}"
    return float(match[1]) * _UNITS[match[2]]


def quit_within(term, limit: float) -> float:  # type: ignore[no-untyped-def]
    started = time.monotonic()
    term.keys("q")
    term.wait_for("EXITED-0", timeout=10)
    took = time.monotonic() - started
    assert took <= limit, f"quitting took {took:.2f} s"
    return took


def test_a_runaway_loop_never_freezes_the_app_and_q_quits_at_once(tmp_path: Path) -> None:
    program = tmp_path / "runaway.py"
    program.write_text(RUNAWAY)
    pid_file = tmp_path / "pid"
    with terminal(f"PID_FILE={pid_file} {TASKVIZ} run {program}") as term:
        first = term.wait_for("loop held", timeout=15)
        held = seconds_after("loop held", first)
        later = term.wait_until(lambda shown: seconds_after("loop held", shown) >= held + 0.5,
                                "the block growing", timeout=5)
        assert re.search(r"by main at runaway\.py:1[01]", later), "the line it is stuck on"
        quit_within(term, QUIT_S)
    pid = int(pid_file.read_text())
    time.sleep(0.2)
    assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text(), "no orphan left"


def test_input_gets_an_answer_not_the_keyboard(tmp_path: Path) -> None:
    program = tmp_path / "asks.py"
    program.write_text(ASKS)
    with terminal(f"{TASKVIZ} run {program}", width=160, height=40) as term:
        shown = term.wait_for("EOFError", "✗", timeout=15)
        assert "child.py" not in shown and "wrapper.py" not in shown, "the traceback is the program's own"
        term.keys("?")
        term.wait_for("Runs an asyncio program", timeout=5)
        term.keys("Escape")
        term.wait_until(lambda shown: "Runs an asyncio program" not in shown, "the help closing", timeout=5)
        quit_within(term, QUIT_S)


def test_a_block_is_seen_growing_while_it_happens() -> None:
    with terminal(f"{TASKVIZ} run blocking", width=160, height=40) as term:
        first = term.wait_for("loop held", timeout=15)
        held = seconds_after("loop held", first)
        later = term.wait_until(lambda shown: "loop held" in shown and seconds_after("loop held", shown) >= held + 0.4,
                                "the block growing", timeout=5)
        assert re.search(r"by blocking_download at blocking\.py:\d+", later)
        quit_within(term, QUIT_S)  # mid-run: test_e2e_tmux sees blocking run to its end


def test_a_file_of_your_own_runs_as_itself_whatever_its_name(tmp_path: Path) -> None:
    mine = tmp_path / "some" / "dir"
    mine.mkdir(parents=True)
    bundled = Path(__file__).parents[1] / "scenarios" / "basic.py"
    (mine / "basic.py").write_text(bundled.read_text().replace("fetch_data", "my_fetch").replace("(2,", "(0.5,").replace("(3,", "(0.7,"))
    with terminal(f"{TASKVIZ} run some/dir/basic.py", cwd=tmp_path, width=160, height=40) as term:
        shown = term.wait_for("my_fetch(", "✓ finished", timeout=15)
        assert "fetch_data(" not in shown and "Your program" in shown
        quit_within(term, QUIT_S)


def test_pause_step_and_slow_down_workers() -> None:
    # at 0.25x from the start: B's wake-up at 1 s is 4 s away, however loaded the machine
    with terminal(f"{TASKVIZ} run workers --speed 0.25", width=160, height=40) as term:
        term.wait_for("● running", "worker('C', 3)", "0.25x", timeout=15)
        term.keys("Space")
        paused = term.wait_for("PAUSED", timeout=5)
        at = seconds_after("PAUSED +at", paused)
        assert at < 1.0 and "Worker B: Finished" not in paused
        time.sleep(0.6)
        assert seconds_after("PAUSED +at", term.screen()) == at, "paused: the clock stands still"
        term.keys(".")  # one step: nothing is ready, so the clock jumps to B's wake-up and B finishes
        stepped = term.wait_until(lambda shown: "Worker B: Finished" in shown and "PAUSED" in shown
                                  and seconds_after("PAUSED +at", shown) >= 0.99, "B's one step, at 1 s", timeout=5)
        assert "Worker A: Finished" not in stepped and seconds_after("PAUSED +at", stepped) < 1.1
        term.keys("Space")
        slow = term.wait_for("0.25x", "● running", timeout=5)
        start, began = seconds_after("running", slow), time.monotonic()
        time.sleep(1.0)
        shown = term.screen()
        advanced = seconds_after("running", shown) - start
        real = time.monotonic() - began
        assert 0.1 * real <= advanced <= 0.45 * real, f"{advanced:.2f} s of run time in {real:.2f} s real at 0.25x"
        term.keys(">", ">")
        term.wait_for("✓ finished in 3.", timeout=20)
        quit_within(term, QUIT_S)


BUSY_FOR_SECONDS = '''"""Busy: tens of thousands of tasks that come and go"""
import asyncio, time

async def handle():
    for _ in range(3):
        await asyncio.sleep(0)

async def main():
    started, made = time.monotonic(), 0
    while made < 16_000 and time.monotonic() - started < 8:  # the app keeps 10,000 finished tasks, and 1 s:
        await asyncio.gather(*(handle() for _ in range(200)))  # paced, so those 10,000 span more than that
        made += 200
        await asyncio.sleep(0.03)
'''


def test_keep_summarises_a_long_runs_history_and_the_recording_keeps_it_all(tmp_path: Path) -> None:
    """``--keep 1``: once the app holds ten thousand finished tasks, it says what it summarised,
    and the run's recording (``--save``) still holds every task, every one of them ended well."""
    program = tmp_path / "busy.py"
    program.write_text(BUSY_FOR_SECONDS)
    saved = tmp_path / "busy.taskviz"
    with terminal(f"{TASKVIZ} run {program} --keep 1 --save {saved}", width=160, height=40) as term:
        shown = term.wait_until(lambda screen: re.search(r"history before [\d.]+ (s|ms) summarised: [\d,]+ tasks", screen) is not None,
                                "the history line", timeout=40)
        summarised = int(re.search(r"summarised: ([\d,]+) tasks", shown).group(1).replace(",", ""))  # type: ignore[union-attr]
        assert summarised >= 1000
        term.wait_for("finished in", timeout=30)
        quit_within(term, QUIT_S)
    record = read_file(saved).record
    assert len(record.tasks) == 1 + 16_000 and all(info.outcome == Outcome.OK for info in record.tasks)
    assert len(record.tasks) > summarised
