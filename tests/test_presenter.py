"""Presenter mode (``p``, ``--present``): the timeline alone, tall rows, the point as a
caption, the current line of code under it, and the live keys still working."""

from __future__ import annotations

import contextlib
import io
from functools import cache
from pathlib import Path

import pytest
from conftest import recorded
from rich.console import Console
from textual.widgets import Static

from taskviz import cli
from taskviz.app import TaskvizApp
from taskviz.app.screens.presenter import PresenterScreen
from taskviz.app.widgets import EventLog, ScenarioList, SourceView, TaskDetails, TimelineView
from taskviz.app.widgets.presenter_caption import PresenterCaption
from taskviz.app.widgets.presenter_looks import contrast, legend, looks
from taskviz.app.widgets.presenter_rows import SHORT, TALL, fit_rows
from taskviz.app.widgets.presenter_source import PresenterSource
from taskviz.app.widgets.presenter_timeline import PresenterTimeline
from taskviz.catalog import find
from taskviz.model.timeline import State
from taskviz.model.waits import KIND_SHIFT, WaitKind
from taskviz.finished import Finished
from taskviz.runner import run_headless

SIZE = (100, 30)  # a projector's terminal


@cache
def recording(name: str) -> Finished:
    with contextlib.redirect_stdout(io.StringIO()):
        return run_headless(find(name), virtual_time=True)


def app_at(name: str, fraction: float, present: bool = False) -> TaskvizApp:
    """The app replaying ``name`` paused at ``fraction`` of its run."""
    finished = recording(name)
    limit = finished.run.started_ns + fraction * finished.run.wall_ns
    until = next((i for i, t in enumerate(finished.record.times) if t > limit), len(finished.record))
    return TaskvizApp(name, recording=finished, until=until, present=present)


def lines_of(widget: PresenterTimeline) -> list[str]:
    """What the timeline shows, line by line, as plain text."""
    return [widget.render_line(y).text for y in range(widget.size.height)]


def text_of(widget: Static) -> str:
    console = Console(width=SIZE[0], record=True, file=io.StringIO())
    console.print(widget.content)
    return console.export_text()


async def shown(pilot) -> None:  # type: ignore[no-untyped-def]
    while pilot.app.session.model is None:
        await pilot.pause()
    await pilot.pause()


# -- the keys ----------------------------------------------------------------------------------


async def test_p_switches_to_the_timeline_alone_with_tall_rows_a_caption_and_the_line_of_code() -> None:
    app = app_at("basic", 0.8)
    async with app.run_test(size=SIZE) as pilot:
        await shown(pilot)
        for panel in (TaskDetails, SourceView, TimelineView):  # at 100 columns the list and the log fold away
            assert app.screen.query_one(panel).display
        await pilot.press("p")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PresenterScreen)
        for panel in (ScenarioList, TaskDetails, SourceView, EventLog, TimelineView):
            assert not screen.query(panel), f"{panel.__name__} is not on the presenter's screen"
        timeline = screen.query_one(PresenterTimeline)
        assert timeline.rows.height == TALL and timeline.size.height >= 20
        text = lines_of(timeline)
        users = next(i for i, line in enumerate(text) if "fetch_data(2, 'Users')" in line)
        assert "✓ done" in text[users + 1], "under the name, what the task is doing"
        chart = timeline.label_width + 1
        for line in (users, users + 1):  # the bar is two lines thick: a sleep's band on both
            assert text[line][chart:].count("─") >= 20
        assert text[users + 2].strip() == "", "and a gap before the next row"
        caption = text_of(screen.query_one(PresenterCaption))
        assert find("basic").point[:40] in caption
        assert "basic — Two fetches" in caption and "PAUSED" in caption and "REPLAY" in caption
        source = text_of(screen.query_one(PresenterSource))
        assert "basic.py:" in source
        assert "await asyncio.gather(task1, task2)" in source or "await asyncio.sleep(delay)" in source

        await pilot.press("down", "down")  # select Users: the band shows its line
        assert app.main.timeline.selected == 1
        await pilot.pause()
        source = text_of(screen.query_one(PresenterSource))
        assert "basic.py:23" in source and "await asyncio.sleep(delay)" in source
        assert any("▶" in line and "fetch_data(2, 'Users')" in line for line in lines_of(timeline))

        await pilot.press("p")
        await pilot.pause()
        assert app.screen is app.main and app.main.query_one(SourceView).display
        assert app.main.timeline.selected == 1, "the selection is the same in both modes"


async def test_the_replay_keys_work_in_presenter_mode_and_the_footer_shows_them() -> None:
    app = app_at("basic", 0.5, present=True)
    async with app.run_test(size=SIZE) as pilot:
        await shown(pilot)
        assert isinstance(app.screen, PresenterScreen)
        player = app.session.player
        assert player is not None and not player.playing
        footer = {active.binding.key for active in app.screen.active_bindings.values() if active.binding.show}
        assert {"space", "full_stop", "less_than_sign", "greater_than_sign", "r", "p", "q"} <= footer
        await pilot.press("less_than_sign", "less_than_sign", "less_than_sign")
        slowest = player.speed
        assert slowest < 0.5
        await pilot.press("greater_than_sign")
        assert player.speed > slowest
        await pilot.press("less_than_sign")
        rows = player.row
        await pilot.press("full_stop")
        assert player.row == rows + 1, ". steps one event"
        await pilot.press("space")  # at the slowest speed a second of the run takes ten: it is still playing
        assert player.playing
        await pilot.press("space")
        assert not player.playing


LONG = '''"""Long"""
import asyncio

async def nap():
    await asyncio.sleep(3600)


async def main():
    await asyncio.gather(nap(), nap())
'''


async def test_a_live_run_pauses_steps_slows_and_runs_again_in_presenter_mode(tmp_path: Path) -> None:
    script = tmp_path / "long.py"
    script.write_text(LONG)
    app = TaskvizApp(str(script), autorun=True, present=True)
    async with app.run_test(size=SIZE) as pilot:
        session = app.session
        for _ in range(200):
            if session.model is not None and len(session.model.tracks) == 3:
                break
            await pilot.pause(0.05)
        await pilot.pause(0.1)  # drawn after the main screen's next frame
        assert isinstance(app.screen, PresenterScreen)
        first = session.link
        timeline = app.screen.query_one(PresenterTimeline)
        assert timeline.model is session.model and timeline.live_cursor, "the run goes on: the now column is drawn"
        assert any("nap" in line for line in lines_of(timeline))
        await pilot.press("space")
        for _ in range(100):  # the stage answers the pause over its control pipe: on a loaded machine, not at once
            if session.paused:
                break
            await pilot.pause(0.05)
        assert session.paused
        await pilot.press("less_than_sign")
        assert session.speed == 0.5
        steps = len(session.model.step_starts)
        await pilot.press("full_stop")  # a step wakes both naps: the program runs to its end
        for _ in range(100):
            if len(session.model.step_starts) > steps:
                break
            await pilot.pause(0.05)
        assert len(session.model.step_starts) > steps, ". ran a step"
        await pilot.press("r")
        assert session.link is not first, "r: a fresh run"
        assert isinstance(app.screen, PresenterScreen), "still presenting"


# -- the command line ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def basic_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return recorded("basic", tmp_path_factory.mktemp("recordings"))


@pytest.mark.parametrize("argv", [
    ("run", "basic", "--virtual-time", "--present"),
    ("FILE", "--present"),
    ("--present", "open", "FILE"),
], ids=["run", "file", "open"])
def test_present_on_the_command_line_asks_the_app_for_presenter_mode(monkeypatch: pytest.MonkeyPatch, basic_file: Path,
                                                              argv: tuple[str, ...]) -> None:
    made: list[TaskvizApp] = []
    # the app as cli.main made it, not run: the Pilot tests show what present=True starts in
    monkeypatch.setattr(TaskvizApp, "run", lambda app: made.append(app))
    assert cli.main([str(basic_file) if arg == "FILE" else arg for arg in argv]) == 0
    assert [app.present for app in made] == [True]


def test_present_and_headless_do_not_go_together(capsys: pytest.CaptureFixture[str], basic_file: Path) -> None:
    assert cli.main(["run", "basic", "--headless", "--present"]) == 2
    assert cli.main(["open", str(basic_file), "--headless", "--present"]) == 2
    assert capsys.readouterr().err.count("--present") == 2


# -- the looks and the geometry, alone -----------------------------------------------------------


@pytest.mark.parametrize("background", ["#121212", "#e0e0e0", "#ffffff", "#000000"])
def test_every_look_reads_on_dark_and_light_backgrounds(background: str) -> None:
    table = looks(background, False)
    for state in (State.RUNNING, State.READY, State.PENDING, State.DONE, State.FAILED, State.CANCELLED):
        style = table[state].first
        assert contrast(style.color.get_truecolor().hex, style.bgcolor.get_truecolor().hex) >= 3, state
    glyphs = set()
    for kind in WaitKind:
        style = table[State.AWAITING | kind << KIND_SHIFT]
        band, glyph = style.first.bgcolor.get_truecolor().hex, style.first.color.get_truecolor().hex
        assert contrast(glyph, band) >= 4.5, kind
        assert band != background, "a wait is a band, not a thin line"
        glyphs.add(style.glyph)
    assert len(glyphs) == len(WaitKind), "kinds of wait differ by glyph"
    words = "".join(segment.text for segment in legend(140, set(WaitKind), background))
    assert "running" in words and "sleep" in words and "cancelled" in words


def test_rows_are_tall_when_they_fit_short_when_not_and_scroll_to_the_selection() -> None:
    assert fit_rows(5, 20, -1, 0).height == TALL
    rows = fit_rows(8, 20, -1, 0)
    assert (rows.height, rows.shown, rows.note) == (SHORT, 8, "")
    rows = fit_rows(30, 20, 25, 0)
    assert rows.height == SHORT and rows.first <= 25 < rows.first + rows.shown
    assert rows.shown * SHORT < 20 and "↑" in rows.note and "↓" in rows.note


async def test_rows_that_do_not_fit_say_how_many_are_off_screen() -> None:
    app = app_at("server", 1.0, present=True)
    async with app.run_test(size=SIZE) as pilot:
        await shown(pilot)
        timeline = app.screen.query_one(PresenterTimeline)
        rows = timeline.rows
        assert rows.height == SHORT and rows.shown < len(app.session.model.tracks)
        text = lines_of(timeline)
        assert text[2 + rows.shown * SHORT].strip().startswith("↓"), "the line after the last row says what is below"
        assert "running" in text[-1] and "done" in text[-1], "and the legend stays on the last line"
