"""The app as a person uses it: keys in, what the widgets show out (Pilot, headless)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from rich.console import Console

from taskviz.app import TaskvizApp
from taskviz.app.widgets import EventLog, SourceView, StatusBar, SummaryBar, TaskDetails, TimelineView
from taskviz.catalog import find
from taskviz.wire.record import Outcome
from taskviz.finished import Finished
from taskviz.runner import run_headless
from taskviz.model.timeline import State

QUICK = '''"""Quick fetches: 2.5 s of waiting in 1.5 s

What to watch for: two fetches overlap.
"""
import asyncio
import os

TAGS = ("basics",)


async def fetch(delay):
    await asyncio.sleep(delay)
    return delay


async def main():
    print("stage pid", os.getpid())
    a = asyncio.create_task(fetch(1.0))
    b = asyncio.create_task(fetch(1.5))
    return await asyncio.gather(a, b)
'''

STUCK = '''"""Stuck"""
import asyncio


async def forever():
    try:
        await asyncio.sleep(3600)
    finally:
        print("cleanup ran")


async def main():
    task = asyncio.create_task(forever())
    await asyncio.sleep(0.1)
    try:
        await task
    except asyncio.CancelledError:
        return "child was cancelled"
'''


def text_of(widget: object, width: int = 120) -> str:
    console = Console(width=width, record=True, file=open("/dev/null", "w"))
    console.print(widget.content)  # type: ignore[attr-defined]
    return console.export_text()


def line_of(view: TimelineView, y: int) -> str:
    return view.render_line(y).text


def row_text(view: TimelineView, tid: int) -> str:
    row = view._rows.index(tid)
    return line_of(view, view.pinned + row - view.scroll_offset.y)


@pytest.fixture
def quick(tmp_path: Path) -> Path:
    path = tmp_path / "quick.py"
    path.write_text(QUICK)
    return path


def recorded(name: str, until: int | None = -1) -> tuple[TaskvizApp, Finished]:
    """The app showing a virtual-clock recording of ``name``: whole by default, or up to row ``until``."""
    finished = run_headless(find(name), virtual_time=True)
    return TaskvizApp(name, recording=finished, until=len(finished.record) if until == -1 else until), finished


async def wait_until(pilot, condition, explain=lambda: "", timeout: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    for _ in range(int(timeout / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"condition never became true {explain()}")


async def test_a_live_run_on_its_stage_ends_with_its_point_in_numbers(tmp_path: Path) -> None:
    # fetches of 3 and 3.5 s: on a machine running three suites at once, the stage's start and
    # the first rows took more than the 1.5 s of the quick program
    path = tmp_path / "quick.py"
    path.write_text(QUICK.replace("2.5 s of waiting in 1.5 s", "6.5 s of waiting in 3.5 s")
                    .replace("fetch(1.0)", "fetch(3.0)").replace("fetch(1.5)", "fetch(3.5)"))
    app = TaskvizApp(str(path), autorun=True)
    async with app.run_test(size=(160, 40)) as pilot:
        session = app.session
        await wait_until(pilot, lambda: session.model is not None and len(session.model.tracks) == 3)
        assert session.live, "mid-run: the fetches take 3.5 s"
        view = app.main.timeline
        model = session.model
        assert [model.tracks[t].info.coro.split(".")[-1] for t in view._rows] == ["main", "fetch", "fetch"]
        mid = text_of(app.main.query_one(SummaryBar))
        assert "● running" in mid and "tasks alive" in mid
        await wait_until(pilot, lambda: session.finished, timeout=10)
        await pilot.pause(0.1)
        summary = text_of(app.main.query_one(SummaryBar))
        assert "✓ finished" in summary
        gain = session.gain()
        assert gain is not None and gain.waiting_ns == pytest.approx(6.5e9, rel=0.05)
        assert f"6.5 s of waiting in {gain.wall_ns / 1e9:.1f} s" in summary
        assert 3.49e9 <= gain.wall_ns <= 3.9e9
        # only the program's tasks, and the program ran in a process of its own
        assert len(model.tracks) == 3
        assert "✓" in row_text(view, 1) and "─" in row_text(view, 1), "a sleep drawn in its own look"
        log = app.main.query_one(EventLog)
        await wait_until(pilot, lambda: any("stage pid" in line for line in log.lines),
                         lambda: f"outputs {session.link.builder.outputs}, log {log.lines}")
        assert not any(f"stage pid {os.getpid()}" in line for line in log.lines)


async def test_states_at_given_moments_and_the_loop_lane() -> None:
    finished = run_headless(find("basic"), virtual_time=True)
    origin = finished.run.started_ns
    until = next(i for i, t in enumerate(finished.record.times) if t - origin > 2.5e9)
    app = TaskvizApp("basic", recording=finished, until=until)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        model = app.session.model
        assert [model.tracks[t].state for t in range(3)] == [State.AWAITING, State.DONE, State.AWAITING]
        view = app.main.timeline
        assert line_of(view, 0).startswith(" 2.00 s"), "the axis header says where the record stops"
        users, products = row_text(view, 1), row_text(view, 2)
        assert users.index("✓") <= len(products.rstrip()), "Users finished, Products still awaiting up to now"
        assert "event loop" in line_of(view, 1)
        summary = text_of(app.main.query_one(SummaryBar))
        assert "basic — Two fetches at once" in summary


async def test_selection_shows_details_source_line_and_filters_the_log() -> None:
    app, finished = recorded("basic")
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause()
        view = app.main.timeline
        view.focus()
        await pilot.press("down", "down")
        assert view.selected == 1
        details = text_of(app.main.query_one(TaskDetails))
        assert "fetch_data" in details and "main" in details
        assert "returned 'Data: Users'" in details
        assert "awaiting 2.00 s" in details
        source = app.main.query_one(SourceView)
        assert source.line == int(finished.record.strings[finished.model.tracks[1].location].rsplit(":", 1)[1])
        await pilot.press("e")
        log = app.main.query_one(EventLog)
        assert log.filter_task == 1
        assert log.lines and all("fetch_data(2, 'Users') " in line for line in log.lines)
        assert any("awaiting sleep 2s at scenarios/basic.py:" in line for line in log.lines)
        await pilot.press("e")
        assert any(" main " in line for line in log.lines)
        await pilot.click(TimelineView, offset=(5, 2 + 2 + 1))
        assert view.selected == 2


async def test_zoom_pan_fit_and_follow() -> None:
    app, _ = recorded("workers")
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        view = app.main.timeline
        view.focus()
        await pilot.press("0")
        fit = view.ns_per_cell
        assert fit * view.chart_width >= 3e9 > fit * (view.chart_width - 2)
        assert not view.follow
        await pilot.press("plus")
        assert view.ns_per_cell == fit // 2
        await pilot.press("right")
        assert view.view_start_ns > 0
        before = line_of(view, 0)
        await pilot.press("minus", "minus")
        assert view.ns_per_cell == fit // 2 * 4
        assert line_of(view, 0) != before
        await pilot.press("f")
        assert view.follow and view.view_start_ns == 0


async def test_cancel_the_selected_task(tmp_path: Path) -> None:
    path = tmp_path / "stuck.py"
    path.write_text(STUCK)
    app = TaskvizApp(str(path), autorun=True)
    async with app.run_test(size=(160, 40)) as pilot:
        view = app.main.timeline
        await wait_until(pilot, lambda: len(view._rows) == 2)
        await pilot.press("down", "down")
        assert view.selected == 1
        await pilot.press("c")
        await wait_until(pilot, lambda: app.session.finished)
        model = app.session.model
        assert model.tracks[1].state is State.CANCELLED
        assert model.tracks[0].info.result == "'child was cancelled'"
        await pilot.pause(0.1)
        assert "⊘" in row_text(view, 1)
        log = app.main.query_one(EventLog)
        await wait_until(pilot, lambda: any("cleanup ran" in line for line in log.lines), lambda: "prints reach the log")


async def test_quit_stops_the_running_program_and_leaves_nothing_behind(tmp_path: Path) -> None:
    path = tmp_path / "stuck.py"
    path.write_text(STUCK.replace("await asyncio.sleep(0.1)", "await asyncio.sleep(3600)"))
    app = TaskvizApp(str(path), autorun=True)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: app.session.model is not None and len(app.session.model.tracks) == 2)
        link = app.session.link
        assert link is not None
        await pilot.press("q")
        await pilot.pause(0.1)
    assert link.process.process.poll() is not None, "the stage process is gone"
    link.pump()
    assert any("cleanup ran" in output["text"] for output in link.builder.outputs), "cancelled politely: finally ran"


async def test_a_failing_scenario_is_shown_not_crashing(tmp_path: Path) -> None:
    broken = tmp_path / "broken.py"
    broken.write_text('"""Breaks"""\nimport asyncio\n\nasync def main():\n    await asyncio.sleep(0.05)\n    raise ValueError("no luck")\n')
    bad_import = tmp_path / "bad_import.py"
    bad_import.write_text('"""Bad import"""\nimport asyncio\nimport not_a_module\n')
    app = TaskvizApp(str(broken), autorun=True)
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_until(pilot, lambda: app.session.finished)
        await pilot.pause(0.1)
        summary = text_of(app.main.query_one(SummaryBar))
        assert "main() raised ValueError: no luck" in summary
        assert "✗" in row_text(app.main.timeline, 0)
        app.run_scenario(find(str(bad_import)))
        await wait_until(pilot, lambda: app.session.finished)
        await pilot.pause(0.1)
        summary = text_of(app.main.query_one(SummaryBar))
        assert "the program raised ModuleNotFoundError: No module named 'not_a_module'" in summary
        assert app.is_running


async def test_running_again_starts_a_fresh_record(quick: Path, tmp_path: Path) -> None:
    stuck = tmp_path / "stuck.py"
    stuck.write_text(STUCK.replace("await asyncio.sleep(0.1)", "await asyncio.sleep(3600)"))
    app = TaskvizApp(str(stuck), autorun=True)
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_until(pilot, lambda: app.session.model is not None and len(app.session.model.tracks) == 2)
        first = app.session.link
        app.run_scenario(find(str(quick)))
        second = app.session.link
        assert second is not first and second.record is not first.record
        await wait_until(pilot, lambda: app.session.finished and (first.pump() or first.ended), timeout=15)
        assert first.record.tasks[0].outcome is Outcome.CANCELLED
        assert second.record.tasks[0].outcome is Outcome.OK
        assert first.process.process.poll() is not None


async def test_help_notes_theme_and_status() -> None:
    app = TaskvizApp("basic")
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("question_mark")
        assert type(app.screen).__name__ == "HelpScreen"
        await pilot.press("escape")
        await pilot.press("w")
        assert type(app.screen).__name__ == "NotesScreen"
        await pilot.press("escape")
        dark = app.current_theme.dark
        await pilot.press("t")
        assert app.current_theme.dark is not dark
        assert "frame lag" in text_of(app.main.query_one(StatusBar))
        assert app.main.timeline.render_line(0).text.strip() == "Pick a scenario and press Enter"
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.session.model is not None and len(app.session.model.tracks) == 3)
        assert app.session.scenario is not None and app.session.scenario.name == "basic"
        assert app.session.live or app.session.finished  # a run of 3 s: a loaded machine may see it end already


async def test_a_scenario_calling_sys_exit_does_not_stop_the_app(tmp_path: Path) -> None:
    path = tmp_path / "exits.py"
    path.write_text('"""Exits"""\nimport asyncio, sys\n\nasync def main():\n    await asyncio.sleep(0.05)\n    sys.exit(3)\n')
    app = TaskvizApp(str(path), autorun=True)
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_until(pilot, lambda: app.session.finished)
        await pilot.pause(0.1)
        assert app.is_running
        assert app.session.exit_status() == 3
        assert "the program exited with status 3" in text_of(app.main.query_one(SummaryBar))


async def test_a_recording_replays_in_real_time() -> None:
    app, finished = recorded("cancel", until=None)
    async with app.run_test(size=(120, 30)) as pilot:
        session = app.session
        await wait_until(pilot, lambda: session.model is not None and session.model.consumed > 0)
        assert session.model.consumed < len(finished.record), "a 1.5 s replay: not at its end at once"
        await wait_until(pilot, lambda: session.finished, timeout=8)
        assert session.model.consumed == len(finished.record)
        await pilot.pause(0.1)
        assert "✓ finished in 1.50 s" in text_of(app.main.query_one(SummaryBar))


async def test_narrow_screens_hide_the_list_and_log_until_asked() -> None:
    app, _ = recorded("basic")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        scenarios, log = app.main.query_one("#scenarios"), app.main.query_one(EventLog)
        assert not scenarios.display and not log.display
        assert app.main.focused is app.main.timeline
        await pilot.press("l")
        assert log.display and log.lines
        await pilot.press("s")
        assert scenarios.display and app.main.focused is scenarios


async def test_json_from_the_app_is_the_summary_headless_writes(quick: Path, tmp_path: Path) -> None:
    out = tmp_path / "run.json"
    app = TaskvizApp(str(quick), autorun=True, json_path=str(out))
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: app.session.finished)
        await wait_until(pilot, out.exists)
        await pilot.press("q")
    data = json.loads(out.read_text())
    assert data["scenario"] == "quick" and 1.49 <= data["wall_s"] <= 1.9
    assert [task["coro"] for task in data["tasks"]] == ["main", "fetch", "fetch"]
    assert [task["outcome"] for task in data["tasks"]] == ["ok", "ok", "ok"]


async def test_what_the_program_writes_is_shown_never_executed(tmp_path: Path) -> None:
    path = tmp_path / "escapes.py"
    path.write_text('"""Escapes"""\nimport asyncio, os\n\nasync def main():\n'
                    '    print("\\x1b]0;HACKED\\x07title \\x1b[?1000l mouse")\n'
                    '    os.write(2, b"raw \\x1b[2J on fd 2\\n")\n'
                    '    await asyncio.sleep(0.05)\n')
    app = TaskvizApp(str(path), autorun=True)
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_until(pilot, lambda: app.session.finished)
        log = app.main.query_one(EventLog)
        await wait_until(pilot, lambda: any("raw" in line for line in log.lines))
        printed = [line for line in log.lines if "HACKED" in line or "raw" in line]
        assert any("␛]0;HACKED␇title ␛[?1000l mouse" in line for line in printed)
        assert any("raw ␛[2J on fd 2" in line for line in printed), "file-descriptor writes are captured too"
        assert not any("\x1b" in line for line in log.lines)


async def test_no_stage_process_outlives_the_app_however_it_ends() -> None:
    """Not only ``q``: an app that ends any other way (here, the test's end) stops its stages too."""
    app = TaskvizApp("basic")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: app.session._pool._ready is not None)
        warm = app.session._pool._ready
    assert warm is not None and warm.process.poll() is not None, "the waiting stage has exited"
