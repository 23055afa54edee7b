"""The main screen says what it draws and what the scenario is about, at every size:
the legend, the header's point and headline, the footer's keys (Pilot, headless)."""

from __future__ import annotations

import contextlib
import io
from functools import cache
from types import SimpleNamespace

import pytest
from rich.console import Console

from taskviz import palette
from taskviz.app import TaskvizApp
from taskviz.app.widgets import KeyHints, LegendBar, SummaryBar, TaskDetails
from taskviz.catalog import find
from taskviz.finished import Finished
from taskviz.runner import run_headless
from taskviz.textchart import render


@cache
def recording(name: str) -> Finished:
    with contextlib.redirect_stdout(io.StringIO()):
        return run_headless(find(name), virtual_time=True)


def app_for(name: str) -> TaskvizApp:
    finished = recording(name)
    return TaskvizApp(name, recording=finished, until=len(finished.record))


def text_of(widget: object, width: int) -> str:
    console = Console(width=width, record=True, file=io.StringIO())
    console.print(widget.content)  # type: ignore[attr-defined]
    return console.export_text()


async def shown(pilot) -> None:  # type: ignore[no-untyped-def]
    while pilot.app.session.model is None:
        await pilot.pause()
    await pilot.pause()


async def test_the_legend_is_the_headless_one_and_k_hides_it() -> None:
    app = app_for("job_queue")
    async with app.run_test(size=(200, 40)) as pilot:
        await shown(pilot)
        bar = app.main.query_one(LegendBar)
        model = app.session.model
        on_screen = text_of(bar, bar.size.width).strip()
        states = palette.legend_text(palette.legend_segments(bar.size.width, model.wait_kinds())).strip()
        assert on_screen.startswith(states), "the app's legend is the palette's, for the kinds this run had"
        assert "queue" in on_screen and "network" not in on_screen, "it names the waits the run had, only those"
        assert "blocked" in on_screen, "and the loop lane's looks where there is room"
        chart = render(model, title="t", wall_ns=app.session.wall_ns, gain=None, width=200)
        assert states in chart, "the headless timeline prints the very same legend"
        await pilot.press("k")
        assert not bar.display
        await pilot.press("k")
        assert bar.display


def test_the_legend_names_threads_once_a_run_has_an_executor_job_looking_only_at_new_tasks() -> None:
    """Asked every frame: the tracks looked at once are not looked at again, and another model starts afresh."""
    bar = LegendBar()
    looked: list[int] = []

    class Track:
        def __init__(self, tid: int, thread: bool) -> None:
            self.tid, self._thread = tid, thread

        @property
        def thread(self) -> bool:
            looked.append(self.tid)
            return self._thread

    model = SimpleNamespace(tracks=[Track(0, False), Track(1, False)])
    assert not bar._any_thread(model) and looked == [0, 1]  # type: ignore[arg-type]
    model.tracks += [Track(2, False), Track(3, True)]
    assert bar._any_thread(model) and looked == [0, 1, 2, 3]  # type: ignore[arg-type]
    model.tracks.append(Track(4, False))
    assert bar._any_thread(model) and looked == [0, 1, 2, 3], "once seen, always"  # type: ignore[arg-type]
    assert not bar._any_thread(SimpleNamespace(tracks=[Track(5, False)]))  # type: ignore[arg-type]


@pytest.mark.parametrize("width", [80, 100])
async def test_the_footer_keeps_help_and_quit_and_cuts_no_key(width: int) -> None:
    app = app_for("basic")
    async with app.run_test(size=(width, 24)) as pilot:
        await shown(pilot)
        footer = app.main.query_one(KeyHints)
        keys = [key for key in footer.children if key.display]
        actions = [key.action.rpartition(".")[2] for key in keys]
        assert actions[:3] == ["help", "quit", "run"], "the keys a newcomer needs first"
        assert all(key.region.right <= footer.region.right for key in keys), "no key runs past the edge"
        assert len(keys) < len(app.main.active_bindings), "the rest are left out whole (? lists them)"


async def test_the_header_says_the_point_and_measures_only_what_applies() -> None:
    app = app_for("fire_and_forget")
    async with app.run_test(size=(100, 30)) as pilot:
        await shown(pilot)
        header = text_of(app.main.query_one(SummaryBar), 100)
        first, second = header.splitlines()[:2]
        assert "of waiting" not in header, "no speed-up claim where the scenario shows none"
        assert "besides main" in second and "measured from this run" in second
        title_end = first.index("…") if "…" in first else len(first.split("✓")[0].rstrip())
        assert first[title_end + 1 : title_end + 3] == "  ", "a cut title never runs into the status"


async def test_a_failed_task_shows_the_line_that_raised_and_the_way_there() -> None:
    app = app_for("gather_errors")
    async with app.run_test(size=(200, 50)) as pilot:
        await shown(pilot)
        model = app.session.model
        failed = next(track.info for track in model.tracks if track.info.raised_at)
        app.main.timeline.selected = failed.id
        await pilot.pause()
        details = text_of(app.main.query_one(TaskDetails), 120)
        assert f"raised at {failed.raised_at}" in " ".join(details.split())
