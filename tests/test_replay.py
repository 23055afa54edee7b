"""Replaying a recording in the app: the transport keys, scrubbing, ctrl+s and screenshots.

Recordings are made headless on a virtual clock and saved with ``write_file``, so every
time and row on screen is the same on every run.
"""

from __future__ import annotations

import contextlib
import io
from functools import cache
from pathlib import Path

import pytest

from conftest import recorded

from taskviz.app import TaskvizApp
from taskviz.app.player import SPEEDS, Player
from taskviz.app.replay import replay_app_for
from taskviz.app.tape import from_recording
from taskviz.app.widgets import EventLog, StatusBar, SummaryBar, TimelineView, TransportBar
from taskviz.catalog import find
from taskviz.model.timeline import NS, TimelineModel
from taskviz.finished import Finished
from taskviz.runner import run_headless
from taskviz.wire.stream import Recording, read_file


@cache
def finished(name: str) -> Finished:
    with contextlib.redirect_stdout(io.StringIO()):
        return run_headless(find(name), virtual_time=True)


def save(name: str, folder: Path) -> Path:
    """``name`` run headless on a virtual clock, saved as the app saves a run."""
    return recorded(name, folder, f"{name} printed this\n")


@pytest.fixture(scope="module")
def basic_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return save("basic", tmp_path_factory.mktemp("recordings"))


@pytest.fixture(scope="module")
def workers_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return save("workers", tmp_path_factory.mktemp("recordings"))


def app_at(path: Path, at_s: float | None, speed: float = 1.0) -> TaskvizApp:
    return replay_app_for(read_file(path), str(path), at_s=at_s, speed=speed)


async def shown(pilot) -> None:  # type: ignore[no-untyped-def]
    """The replay is on screen; the status line (this machine's frame times) is blanked."""
    app = pilot.app
    while app.session.model is None:
        await pilot.pause()
    bar = app.main.query_one(StatusBar)
    bar.show = lambda **_: None
    bar.update("")
    await pilot.pause()


def times_of(recording: Recording) -> list[int]:
    """Each distinct row time, from the run's start."""
    tape = from_recording(recording)
    return sorted({t - tape.origin_ns for t in recording.record.times})


def text_of(widget: object) -> str:
    from rich.console import Console

    console = Console(width=200, record=True, file=io.StringIO())
    console.print(widget.render() if isinstance(widget, TransportBar) else widget.content)  # type: ignore[attr-defined]
    return console.export_text()


# -- the player alone ---------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_player_plays_pauses_steps_and_jumps_between_moments() -> None:
    clock = FakeClock()
    u = 250_000_000  # a quarter of a second: exact in floating point, as the clock's seconds are
    times = [4 * u, 4 * u, 6 * u, 5 * u, 8 * u, 12 * u]  # row 3 came late, as an executor thread's may
    player = Player(times, 4 * u, 2 * u, clock)
    assert player.end_ns == 8 * u, "the last row's time, past the wall time"
    assert (player.row, player.now_ns) == (0, 0) and not player.playing
    assert [player.row_at(t * u) for t in (0, 1, 2, 3, 4, 8)] == [2, 2, 4, 4, 5, 6]
    player.play()
    clock.now = 0.5
    assert player.now_ns == 2 * u and player.row == 4
    player.set_speed(2.0)
    clock.now = 0.75
    assert player.now_ns == 4 * u, "twice as fast from the change on"
    player.pause()
    clock.now = 10.0
    assert (player.row, player.now_ns, player.playing) == (5, 4 * u, False)
    player.step(-1)
    assert (player.row, player.now_ns) == (4, 2 * u), "the instant of the last row shown"
    player.step(+1)
    player.step(+1)
    assert (player.row, player.now_ns) == (6, 8 * u)
    player.jump(-1)
    assert (player.row, player.now_ns) == (5, 4 * u)
    player.jump(-1)
    assert (player.row, player.now_ns) == (4, 2 * u)
    player.jump(+1)
    assert (player.row, player.now_ns) == (5, 4 * u)
    player.seek(-5)
    assert (player.row, player.now_ns) == (2, 0)
    player.seek(10**15)
    assert (player.row, player.now_ns) == (6, 8 * u) and player.at_end
    player.play()
    assert (player.row, player.now_ns) == (2, 0), "play at the end starts again"
    clock.now += 10.0
    player.advance()
    assert not player.playing and player.at_end, "playing stops at the end"
    assert player.faster(+1) == 4.0 and player.faster(+1) == 4.0 and SPEEDS[0] == 0.1


# -- the transport keys in the app ----------------------------------------------------------


async def test_space_plays_and_pauses_a_replay(basic_file: Path) -> None:
    app = app_at(basic_file, 0.5, speed=0.25)  # 10 s to its end: a loaded machine never gets there
    async with app.run_test(size=(140, 40)) as pilot:
        await shown(pilot)
        session = app.session
        assert session.paused and not session.live and session.now_ns() == int(0.5 * NS)
        assert app.main.query_one(TransportBar).display, "a replay has its transport bar"
        await pilot.press("space")
        assert session.live and not session.paused
        await pilot.pause(0.3)
        await pilot.press("space")
        stopped_at = session.now_ns()
        assert session.paused and stopped_at > int(0.5 * NS)
        await pilot.pause(0.2)
        assert session.now_ns() == stopped_at, "paused: time stands still"
        assert "❚❚ paused at" in text_of(app.main.query_one(SummaryBar))


async def test_a_replay_played_to_its_end_stops_there_finished(basic_file: Path) -> None:
    app = app_at(basic_file, 2.0, speed=4.0)
    async with app.run_test(size=(140, 40)) as pilot:
        await shown(pilot)
        await pilot.press("space")
        for _ in range(200):
            if app.session.finished:
                break
            await pilot.pause(0.05)
        assert app.session.finished and not app.session.live
        assert app.session.model.consumed == len(app.session.tape.record)
        assert "✓ finished in 3.00 s" in text_of(app.main.query_one(SummaryBar))


async def test_speed_keys_go_from_a_tenth_to_four_times(basic_file: Path) -> None:
    app = app_at(basic_file, 1.0)
    async with app.run_test(size=(140, 40)) as pilot:
        await shown(pilot)
        await pilot.press("greater_than_sign", "greater_than_sign", "greater_than_sign")
        assert app.session.speed == 4.0
        await pilot.pause()
        assert " 4x " in text_of(app.main.query_one(TransportBar))
        await pilot.press(*["less_than_sign"] * 7)
        assert app.session.speed == 0.1
        assert app.session.paused, "changing the speed does not start playing"


async def test_comma_and_full_stop_step_one_event_while_paused(basic_file: Path) -> None:
    app = app_at(basic_file, 1.0)
    async with app.run_test(size=(140, 40)) as pilot:
        await shown(pilot)
        session = app.session
        start = session.model.consumed
        times = session.tape.record.times
        await pilot.press("full_stop")
        assert session.model.consumed == start + 1 and session.paused
        assert session.now_ns() == times[start] - session.tape.origin_ns, "the instant of the event stepped to"
        await pilot.press("full_stop", "full_stop")
        assert session.model.consumed == start + 3
        await pilot.press("comma")
        assert session.model.consumed == start + 2 and session.paused
        assert f"event {start + 2:,} of {len(times):,}" in " ".join(text_of(app.main.query_one(TransportBar)).split())
        await pilot.press("less_than_sign", "less_than_sign", "less_than_sign", "space")  # 0.1x: 10 s to the end
        assert session.live
        await pilot.press("full_stop")
        assert session.paused, "a step while playing pauses first"


async def test_brackets_jump_to_the_moments_tasks_changed_state(workers_file: Path) -> None:
    recording = read_file(workers_file)
    moments = times_of(recording)
    app = app_at(workers_file, 0.0)
    async with app.run_test(size=(140, 40)) as pilot:
        await shown(pilot)
        session = app.session
        seen = [session.now_ns()]
        for _ in range(len(moments)):
            await pilot.press("right_square_bracket")
            seen.append(session.now_ns())
        assert seen[: len(moments)] == moments, "every moment, in order, none skipped"
        assert session.finished
        await pilot.press("left_square_bracket")
        before_end = [t for t in moments if t < seen[-1]]
        assert session.now_ns() == before_end[-1], "back to the last moment before the end"
        assert session.model.consumed == Player(recording.record.times, session.tape.origin_ns, 0).row_at(session.now_ns())


async def test_home_and_end_go_to_the_start_and_the_end_even_on_the_timeline(basic_file: Path) -> None:
    app = app_at(basic_file, 1.5)
    async with app.run_test(size=(140, 40)) as pilot:
        await shown(pilot)
        session, timeline = app.session, app.main.timeline
        assert app.focused is timeline, "the timeline binds Home and End too: the replay's must win"
        await pilot.press("end")
        assert session.finished and session.model.consumed == len(session.tape.record)
        assert timeline.selected is None
        await pilot.press("home")
        assert session.now_ns() == 0 and not session.finished
        assert session.model.consumed == sum(1 for t in session.tape.record.times if t <= session.tape.origin_ns)


async def test_clicking_and_dragging_scrub_the_replay(basic_file: Path) -> None:
    app = app_at(basic_file, 0.0)
    async with app.run_test(size=(140, 40)) as pilot:
        await shown(pilot)
        session = app.session
        bar = app.main.query_one(TransportBar)
        first, width = bar._track
        assert width > 20
        await pilot.click(TransportBar, offset=(first + width - 1, 0))
        assert session.finished, "the track's last cell is the end"
        await pilot.mouse_down(TransportBar, offset=(first + width // 2, 0))
        middle = session.now_ns()
        assert abs(middle - 1.5 * NS) < 0.1 * NS
        await pilot.hover(TransportBar, offset=(first, 0))
        await pilot.mouse_up(TransportBar, offset=(first, 0))
        assert session.now_ns() == 0, "dragged back to the start"
        timeline = app.main.timeline
        x = timeline.gutter.left + timeline.label_width + 1 + timeline.chart_width // 2
        await pilot.click(TimelineView, offset=(x, timeline.gutter.top))
        expected = timeline.view_start_ns + (timeline.chart_width // 2) * timeline.ns_per_cell
        assert abs(session.now_ns() - expected) <= timeline.ns_per_cell, "a click on the time axis goes to its instant"
        assert session.paused


# -- the screen at an instant is the same whichever way it was reached --------------------------


def model_cells(model: TimelineModel, now: int) -> list[bytes]:
    return [bytes(model.cells(tid, 0, 10_000_000, 400, now)) for tid in range(len(model.tracks))]


async def screen_at(path: Path, t_ns: int, route: str) -> tuple[str, list[bytes], int]:
    """The whole screen as SVG, the model's cells and rows, at ``t_ns`` reached by ``route``."""
    app = app_at(path, 0.0 if route != "straight" else t_ns / NS)
    async with app.run_test(size=(140, 40)) as pilot:
        await shown(pilot)
        main = app.main
        if route == "back":  # from the end, scrubbed back: the model is rebuilt
            await pilot.press("end")
            main.seek(t_ns)
        elif route == "forward":  # from the start, by steps and a scrub forward
            await pilot.press("full_stop", "full_stop", "right_square_bracket")
            main.seek(t_ns)
        elif route == "played":  # played through to its end at 4x, then scrubbed back to it
            # To the end, not "just past it": how far past a real-time player gets before a
            # pause lands depends on the machine's load, and so would what the panels last showed.
            await pilot.press("greater_than_sign", "greater_than_sign", "greater_than_sign", "space")
            while app.session.player.playing:
                await pilot.pause(0.02)
            assert app.session.finished
            main.seek(t_ns)
            await pilot.press("less_than_sign", "less_than_sign")
        await pilot.pause()
        await pilot.pause()
        model = app.session.model
        return app.export_screenshot(), model_cells(model, app.session.now_ns()), model.consumed


@pytest.mark.parametrize("at_s", [1.5])
async def test_scrubbing_to_an_instant_shows_the_same_screen_whichever_way(workers_file: Path, at_s: float) -> None:
    t_ns = int(at_s * NS)
    straight = await screen_at(workers_file, t_ns, "straight")
    for route in ("back", "forward", "played"):
        other = await screen_at(workers_file, t_ns, route)
        assert other[2] == straight[2], f"{route}: the same rows"
        assert other[1] == straight[1], f"{route}: the same model"
        assert other[0] == straight[0], f"{route}: the same screen"


async def test_the_log_after_a_scrub_back_holds_only_what_happened_by_then(basic_file: Path) -> None:
    app = app_at(basic_file, None)
    async with app.run_test(size=(140, 40)) as pilot:
        await shown(pilot)
        await pilot.press("end")
        log = app.main.query_one(EventLog)
        assert any("done" in line for line in log.lines)
        await pilot.press("home")
        await pilot.pause()
        assert not any("done" in line for line in log.lines), "Home: nothing has finished yet"
        assert any("basic printed this" in line for line in log.lines), "the program's output comes back too"


# -- badges, the virtual-time replay, help -----------------------------------------------------


async def test_the_header_says_replay_and_virtual_time(basic_file: Path) -> None:
    app = app_at(basic_file, 1.0)
    async with app.run_test(size=(140, 40)) as pilot:
        await shown(pilot)
        header = text_of(app.main.query_one(SummaryBar))
        assert "REPLAY" in header and "VIRTUAL TIME" in header


async def test_the_virtual_time_replay_has_the_same_transport() -> None:
    run = finished("basic")
    app = TaskvizApp("basic", recording=run, until=3)
    async with app.run_test(size=(140, 40)) as pilot:
        await shown(pilot)
        assert app.main.query_one(TransportBar).display
        assert app.session.model.consumed == 3
        await pilot.press("full_stop", "end")
        assert app.session.finished
        await pilot.press("home")
        assert app.session.now_ns() == 0


async def test_a_live_run_keeps_its_own_keys(tmp_path: Path) -> None:
    app = TaskvizApp("basic")
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        assert not app.main.query_one(TransportBar).display, "no transport bar before any replay"
        bindings = {b.binding.action for b in app.active_bindings.values()}
        assert "pause" in bindings and "play" not in bindings and "seek_start" not in bindings
        timeline = app.main.timeline
        timeline.focus()
        await pilot.press("end")  # no run: the timeline's own Home / End (nothing to select) and no error
        assert app.session.player is None


def test_the_help_lists_the_replay_keys() -> None:
    from taskviz.app.screens.help import HELP

    for key in ("space", "ctrl+s", "[ ]", ", .", "Home", "< >"):
        assert key in HELP, key


# -- saving: ctrl+s, screenshots ---------------------------------------------------------------


async def test_ctrl_s_saves_the_replayed_run_and_says_where(basic_file: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = app_at(basic_file, 1.0)
    async with app.run_test(size=(140, 40)) as pilot:
        await shown(pilot)
        await pilot.press("ctrl+s")  # the dialog offers <scenario>-<time>.taskviz here
        await pilot.pause()
        await pilot.press("enter")
        for _ in range(200):
            if list(tmp_path.glob("*.taskviz")):
                break
            await pilot.pause(0.05)
        saved = list(tmp_path.glob("basic-*.taskviz"))
        assert len(saved) == 1 and len(saved[0].stem) == len("basic-20250101-120000")
        await pilot.pause()
        assert any(str(saved[0]) in n.message for n in app._notifications), "the app says where it wrote it"
    again, original = read_file(saved[0]), read_file(basic_file)
    assert not again.truncated
    assert list(again.record.times) == list(original.record.times)
    assert again.meta["source"] == original.meta["source"] and again.outputs == original.outputs
    assert from_recording(again).origin_ns == from_recording(original).origin_ns


LIVE = '''"""Two quick sleeps"""
import asyncio


async def nap(delay):
    await asyncio.sleep(delay)
    print("slept", delay)


async def main():
    await asyncio.gather(nap(0.1), nap(0.2))
'''


async def test_ctrl_s_saves_a_live_run_that_opens_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    program = tmp_path / "naps.py"
    program.write_text(LIVE)
    monkeypatch.chdir(tmp_path)
    app = TaskvizApp(str(program), autorun=True)
    async with app.run_test(size=(140, 40)) as pilot:
        for _ in range(400):
            if app.session.finished:
                break
            await pilot.pause(0.05)
        assert app.session.finished
        await pilot.press("ctrl+s")  # the dialog offers <scenario>-<time>.taskviz here
        await pilot.pause()
        await pilot.press("enter")
        for _ in range(200):
            if list(tmp_path.glob("naps-*.taskviz")):
                break
            await pilot.pause(0.05)
        live = app.session.model
    recording = read_file(next(tmp_path.glob("naps-*.taskviz")))
    assert not recording.truncated and recording.meta["name"] == "naps" and "nap(0.1)" in recording.meta["source"]
    assert "".join(o["text"] for o in recording.outputs if o["stream"] == "stdout") == "slept 0.1\nslept 0.2\n"
    tape = from_recording(recording)
    assert tape.origin_ns == live.origin_ns
    again = TimelineModel(tape.record, tape.origin_ns)
    again.update()
    assert [(list(t.times), list(t.states), t.info.coro) for t in again.tracks] == [
        (list(t.times), list(t.states), t.info.coro) for t in live.tracks]


async def test_the_palette_screenshot_goes_to_a_folder_that_exists(basic_file: Path, tmp_path: Path) -> None:
    app = replay_app_for(read_file(basic_file), str(basic_file), at_s=1.0, screenshot_dir=str(tmp_path))
    async with app.run_test(size=(140, 40)) as pilot:
        await shown(pilot)
        titles = {command.title: command for command in app.get_system_commands(app.screen)}
        assert list(titles).count("Screenshot") == 1 and str(tmp_path) in titles["Screenshot"].help
        titles["Screenshot"].callback()
        for _ in range(200):
            if list(tmp_path.glob("*.svg")):
                break
            await pilot.pause(0.05)
        shots = list(tmp_path.glob("basic-*.svg"))
        assert len(shots) == 1 and "REPLAY" in shots[0].read_text(encoding="utf-8")
        assert any(str(shots[0]) in n.message for n in app._notifications)
