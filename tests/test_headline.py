"""Each scenario's headline measures its own point, and nothing reads as a speed-up where there is none."""

from __future__ import annotations

import contextlib
import io

import pytest

from taskviz.catalog import all_scenarios, find, load_main, point_of_source
from taskviz.model.headline import MEASURES, headline
from taskviz.report import print_timeline
from taskviz.finished import Finished
from taskviz.runner import run_main

NOT_A_SPEED_UP = {"fire_and_forget": "outcomes", "deadlock": "outcomes", "taskgroup": "outcomes", "job_queue": "queue",
                  "threads_vs_asyncio": "none", "cancel": "outcomes", "timeout": "outcomes",
                  "gather_errors": "outcomes", "blocking": "blocked", "websocket": "idle", "semaphore": "limit"}


def run(name: str) -> Finished:
    with contextlib.redirect_stdout(io.StringIO()):
        return run_main(load_main(find(name)), virtual_time=True, scenario=find(name))


def headless(finished: Finished) -> str:
    out = io.StringIO()
    print_timeline(finished, finished.scenario.name if finished.scenario else "run", out, rows=40, width=100)
    return out.getvalue()


def test_every_scenario_states_its_point_and_a_known_measure() -> None:
    for scenario in all_scenarios():
        assert scenario.point, f"{scenario.name} says what it shows (Point: ...)"
        assert len(scenario.point) <= 84, f"{scenario.name}'s point fits a 100-column summary line"
        assert scenario.headline in MEASURES, scenario.name
        assert "Headline:" not in scenario.description, "the measure is for taskviz, not the notes"
        assert scenario.point.split()[0] in scenario.description, "the point stays in the notes"
        expected = NOT_A_SPEED_UP.get(scenario.name, "overlap")
        assert scenario.headline == expected, scenario.name


@pytest.mark.parametrize(("name", "expected"), [
    ("basic", "5.0 s of waiting in 3.0 s — 1.7x"),
    ("fire_and_forget", "3 tasks besides main: 1 failed, 2 cancelled, the last cancelled at 2.00 s"),
    ("taskgroup", "3 tasks besides main: 1 failed, 2 cancelled, the last cancelled at 1.00 s"),
    ("cancel", "1 task besides main: 1 cancelled, the last cancelled at 1.50 s"),
])
def test_the_headline_is_measured_from_the_run(name: str, expected: str) -> None:
    finished = run(name)
    assert headline(find(name).headline, finished.model, finished.run.wall_ns) == expected
    text = headless(finished)
    assert f"headline        {expected}" in text
    assert f"point           {find(name).point}" in text
    if name != "basic":
        assert "of waiting in" not in text, "no speed-up claimed where the scenario shows none"


def test_the_queue_headline_says_who_waited_on_the_queue() -> None:
    finished = run("job_queue")
    text = headline("queue", finished.model, finished.run.wall_ns)
    assert text.startswith("waiting on the queue: consumer ") and "main " in text and "producer " in text


def test_no_number_where_none_fits() -> None:
    finished = run("basic")
    assert headline("none", finished.model, finished.run.wall_ns) == ""
    assert headline("a measure from the future", finished.model, finished.run.wall_ns).startswith("5.0 s of waiting")


def test_a_saved_run_finds_its_point_in_its_source() -> None:
    source = find("taskgroup").source
    assert point_of_source(source) == (find("taskgroup").point, "outcomes")
    assert point_of_source("def main(:") == ("", "overlap")
    assert point_of_source('"""Title\n\nno point here\n"""\n') == ("", "overlap")
