"""The event log reads in time order, though the record does not always come in it: an
executor job's end reaches the record only when the loop gets to it, and prints through a
pipe after the events around them."""

from __future__ import annotations

import contextlib
import io

import pytest

from taskviz.app import TaskvizApp
from taskviz.app.tape import Tape
from taskviz.app.widgets import EventLog
from taskviz.app.widgets.event_log import HOLD_S
from taskviz.catalog import find
from taskviz.model.timeline import NS, TimelineModel
from taskviz.finished import Finished
from taskviz.runner import run_headless

# Real time on purpose: on a virtual clock a job's end and the loop's next row share their
# instants. The job ends (20 ms in) long before the loop lets go of the blocking step (300 ms).
LATE_JOB = '''"""An executor job that ends while a step blocks the loop"""
import asyncio
import time


def job():
    time.sleep(0.02)
    return "job done"


async def main():
    work = asyncio.create_task(asyncio.to_thread(job))
    await asyncio.sleep(0.01)
    time.sleep(0.3)
    return await work
'''


@pytest.fixture(scope="module")
def late_job(tmp_path_factory: pytest.TempPathFactory) -> Finished:
    path = tmp_path_factory.mktemp("log") / "late_job.py"
    path.write_text(LATE_JOB)
    for _ in range(3):  # a machine running three suites may start the job's thread only after the block
        with contextlib.redirect_stdout(io.StringIO()):
            finished = run_headless(find(str(path)), virtual_time=False)
        if _job_ends_after_a_later_event(finished):
            break
    return finished


def _job_ends_after_a_later_event(finished: Finished) -> bool:
    events = list(finished.record.events(0, len(finished.record)))
    done = next(i for i, e in enumerate(events) if e.kind.name == "DONE" and finished.record.tasks[e.task].kind == "thread")
    return events[done].time_ns < events[done - 1].time_ns


def seconds_of(line: str) -> float | None:
    """The instant a log line starts with; None for a print (its time column is blank)."""
    head = line[:9].strip()
    return float(head.rstrip("s")) if head else None


def reaching_row(tape: Tape, t: int) -> int:
    """The first row that takes the events read to instant ``t``."""
    model = TimelineModel(tape.record, tape.origin_ns)
    for row in range(1, len(tape.record) + 1):
        model.update(until=row)
        if model.end_ns >= t - tape.origin_ns:
            return row
    raise AssertionError("no row reaches it")


async def log_lines(tape: Tape, path: str, later: dict[str, object]) -> tuple[list[str], list[str]]:
    """The log of the whole run read at once, and read a row at a time as a live run comes in,
    where the output ``later`` comes too, made after the last event."""
    app = TaskvizApp(path, recording=tape, until=len(tape.record))
    async with app.run_test(size=(160, 40)) as pilot:
        while app.session.model is None:
            await pilot.pause()
        await pilot.pause()
        log = app.main.query_one(EventLog)
        whole = list(log.lines)
        app.main._timer.pause()  # the screen's frames would fold the model shown; this test folds its own
        model = TimelineModel(tape.record, tape.origin_ns)
        log.show(model)
        (output,) = tape.outputs
        reached = reaching_row(tape, output["t"])
        for row in range(1, len(tape.record) + 1):
            model.update(until=row)
            if row == reached - 1:  # a print often comes a frame before the rows of the step that made it
                log.add_output([output])
            log.catch_up()
        log.add_output([later])
        await pilot.pause(HOLD_S + 0.2)  # the print past the last event waits for events that never come
        return whole, list(log.lines)


async def test_an_executor_job_and_a_print_take_their_place_in_time(late_job: Finished) -> None:
    record, origin = late_job.record, late_job.run.started_ns
    events = list(record.events(0, len(record)))
    done = next(i for i, e in enumerate(events) if e.kind.name == "DONE" and record.tasks[e.task].kind == "thread")
    assert events[done].time_ns < events[done - 1].time_ns, "the record has the job's end after a later event"
    printed = events[done].time_ns + 1000  # a print just after the job ended, read from its pipe later
    tape = Tape(record, origin, late_job.run.wall_ns, {"name": "late_job"},
                [{"t": printed, "stream": "stdout", "text": "the job has ended\n"}])
    later = {"t": origin + late_job.run.wall_ns + NS, "stream": "stderr", "text": "said after the end\n"}

    whole, row_by_row = await log_lines(tape, str(late_job.scenario.path), later)
    assert row_by_row[-1] == "           │ !said after the end", "a print no event reaches is written all the same"
    assert row_by_row[:-1] == whole, "lines that came late were merged in where they belong"
    lines = whole
    times = [t for t in map(seconds_of, lines) if t is not None]
    assert len(times) == len(events) and times == sorted(times), "\n".join(lines)
    ended = next(i for i, line in enumerate(lines) if "thread job" in line and "done" in line)
    assert lines[ended + 1].endswith("│ the job has ended"), "the print comes right after the event before it"
    assert "main" in lines[-1] and seconds_of(lines[-1]) >= 0.3, "not after the events that followed it"


async def test_a_full_log_shows_its_latest_lines() -> None:
    """Past MAX_LINES the oldest lines go: what is drawn at the end must be the newest lines, not
    the ones there before (Textual's Log repaints new lines where they were before the drop)."""
    from textual.app import App, ComposeResult

    from taskviz.app.widgets.event_log import MAX_LINES

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield EventLog()

    app = Host()
    async with app.run_test(size=(60, 12)) as pilot:
        log = app.query_one(EventLog)
        batch = 100
        for first in range(0, MAX_LINES + 3 * batch, batch):
            log._add([(t, f"event {t}") for t in range(first, first + batch)])
            await pilot.pause()
        last = MAX_LINES + 3 * batch - 1
        assert log.lines[-1] == f"event {last}"
        shown = app.export_screenshot()
        assert f"event&#160;{last}" in shown, "the last line is on screen"
        assert f"event&#160;{last - batch}" not in shown, "the lines before the drop are not"
