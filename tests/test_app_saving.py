"""Saving in the app: ctrl+s asks where (the offered path, an edited one, Escape, a folder that is not there,
a file already there, and the dialog as an SVG snapshot); a ``--save`` recording that fails is said.

Update the snapshot after a deliberate change with ``pytest tests/test_app_saving.py --snapshot-update``
and look at the report before committing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import recorded
from textual.app import App
from textual.widgets import Input, Static

import taskviz.app
from taskviz.app import TaskvizApp
from taskviz.app.replay import replay_app_for
from taskviz.app.screens import MainScreen, SaveDialog
from taskviz.app.widgets import StatusBar
from taskviz.wire.stream import read_file


@pytest.fixture(scope="module")
def basic_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return recorded("basic", tmp_path_factory.mktemp("recordings"))


def app_for(path: Path) -> TaskvizApp:
    return replay_app_for(read_file(path), str(path), at_s=1.0)


async def open_dialog(pilot) -> SaveDialog:  # type: ignore[no-untyped-def]
    """The replay is on screen, then ctrl+s: the dialog, its path field focused."""
    app = pilot.app
    while app.session.model is None:
        await pilot.pause()
    app.main.query_one(StatusBar).show = lambda **_: None
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert isinstance(app.screen, SaveDialog)
    assert isinstance(app.focused, Input)
    return app.screen


async def closed(pilot) -> None:  # type: ignore[no-untyped-def]
    """The dialog is gone (the save, which runs in a thread, is done)."""
    for _ in range(200):
        if isinstance(pilot.app.screen, MainScreen):
            return
        await pilot.pause(0.05)
    raise AssertionError("the dialog stayed open")


def saved_messages(app: TaskvizApp) -> list[str]:
    return [n.message for n in app._notifications if n.title == "Saved"]


async def test_enter_saves_to_the_offered_path_in_the_current_directory(basic_file: Path, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = app_for(basic_file)
    async with app.run_test(size=(120, 36)) as pilot:
        dialog = await open_dialog(pilot)
        offered = dialog.query_one(Input).value
        assert str(dialog.query_one("#save-title", Static).content) == "Save the run shown to:", "a replay is whole"
        assert offered.startswith("basic-") and offered.endswith(".taskviz") and "/" not in offered
        await pilot.press("enter")
        await closed(pilot)
        assert saved_messages(app) == [f"Saved the run to {tmp_path / offered}"]
    again, original = read_file(tmp_path / offered), read_file(basic_file)
    assert not again.truncated and list(again.record.times) == list(original.record.times)
    assert again.meta["source"] == original.meta["source"]


async def test_an_edited_path_is_where_the_run_goes(basic_file: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "talks").mkdir()
    app = app_for(basic_file)
    async with app.run_test(size=(120, 36)) as pilot:
        dialog = await open_dialog(pilot)
        dialog.query_one(Input).value = ""
        await pilot.press(*"talks/demo.taskviz", "enter")
        await closed(pilot)
        assert saved_messages(app) == [f"Saved the run to {tmp_path / 'talks' / 'demo.taskviz'}"]
    assert [p.name for p in tmp_path.rglob("*.taskviz")] == ["demo.taskviz"]
    assert list(read_file(tmp_path / "talks" / "demo.taskviz").record.times) == list(read_file(basic_file).record.times)


async def test_escape_saves_nothing(basic_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = app_for(basic_file)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_dialog(pilot)
        await pilot.press("q", "escape")  # q is typed into the path, it does not quit
        await closed(pilot)
        await pilot.pause(0.2)
        assert app.is_running and saved_messages(app) == []
    assert list(tmp_path.iterdir()) == []


async def test_a_folder_that_is_not_there_is_said_in_the_dialog_and_nothing_is_saved(
        basic_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = app_for(basic_file)
    async with app.run_test(size=(120, 36)) as pilot:
        dialog = await open_dialog(pilot)
        dialog.query_one(Input).value = str(tmp_path / "nowhere" / "run.taskviz")
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert app.screen is dialog, "the dialog stays open to fix the path"
        assert dialog.problem_line == f"there is no folder {tmp_path / 'nowhere'}"
        await pilot.press("backspace")  # editing clears the line
        assert dialog.problem_line == ""
        await pilot.press("escape")
        await closed(pilot)
        assert saved_messages(app) == []
    assert list(tmp_path.rglob("*")) == []


async def test_a_file_that_cannot_be_written_is_said_in_the_dialog(basic_file: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    def full(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("taskviz.app.saving.write_file", full)
    app = app_for(basic_file)
    async with app.run_test(size=(120, 36)) as pilot:
        dialog = await open_dialog(pilot)
        dialog.query_one(Input).value = "run.taskviz"
        await pilot.press("enter")
        for _ in range(100):
            if dialog.problem_line:
                break
            await pilot.pause(0.05)
        assert app.screen is dialog
        assert dialog.problem_line == f"cannot save {tmp_path / 'run.taskviz'}: No space left on device"
    assert list(tmp_path.iterdir()) == []


async def test_an_existing_file_is_replaced_only_after_a_second_enter(basic_file: Path, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    kept = tmp_path / "kept.taskviz"
    kept.write_text("a talk's backup")
    app = app_for(basic_file)
    async with app.run_test(size=(120, 36)) as pilot:
        dialog = await open_dialog(pilot)
        dialog.query_one(Input).value = "kept.taskviz"
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert app.screen is dialog and dialog.problem_line == "kept.taskviz exists: Enter again replaces it"
        assert kept.read_text() == "a talk's backup"
        await pilot.press("enter")
        await closed(pilot)
    assert list(read_file(kept).record.times) == list(read_file(basic_file).record.times)


async def test_nothing_to_save_before_a_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = TaskvizApp("basic")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert any("Nothing to save" in n.message for n in app._notifications)


class DialogHost(App[None]):
    """The dialog alone, styled as in the app: what lies under it in the app (a source panel
    that scrolls after a refresh) is drawn differently from run to run and Python to Python."""

    CSS_PATH = Path(taskviz.app.__file__).parent / "taskviz.tcss"

    def on_mount(self) -> None:
        async def never(_: Path) -> str | None:
            raise AssertionError("nothing is saved in a snapshot")

        self.push_screen(SaveDialog("basic-20250101-120000.taskviz", never, folder=Path("/home/presenter/talks"),
                                    so_far=True))


def test_the_dialog_snapshot(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(DialogHost(), terminal_size=(100, 16))


NAPS = '''"""Naps"""
import asyncio


async def nap(delay):
    await asyncio.sleep(delay)
    print("slept", delay)


async def main():
    await asyncio.gather(*(nap(0.05 * n) for n in range(1, 9)))
'''


async def until_finished(pilot) -> None:  # type: ignore[no-untyped-def]
    """Let the app run its program until the run ends (20 s at most)."""
    for _ in range(400):
        if pilot.app.session.finished:
            return
        await pilot.pause(0.05)


async def test_a_recording_that_fails_is_said_once_and_the_run_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                        full_disk: list[int]) -> None:
    """``run --save`` in the app: the disk fills after the first chunk (ENOSPC from the second write on)."""
    writes = full_disk
    program, path = tmp_path / "naps.py", tmp_path / "naps.taskviz"
    program.write_text(NAPS)
    app = TaskvizApp(str(program), autorun=True, save_path=str(path))
    async with app.run_test(size=(160, 40)) as pilot:
        await until_finished(pilot)
        assert app.session.finished and app.session.outcome() is None, "the run went on to its end"
        await pilot.pause(0.2)
        assert len(writes) > 1, "the stream came in more than one read"
        failed = [n for n in app._notifications if n.severity == "error"]
        assert len(failed) == 1, "said once, not once a frame"
        assert failed[0].message == f"saving the run to {path} stopped after {writes[0]:,} bytes: No space left on device"
        assert failed[0].timeout >= 600, "it stays until dismissed"
        status = str(app.main.query_one(StatusBar).content)
        assert status.startswith(f"✗ saving the run to {path} stopped"), status
        assert app.session.recording is not None and app.session.recording.error == failed[0].message
    assert path.stat().st_size == writes[0], "what came before the failure is kept"


async def test_a_recording_that_works_says_nothing(tmp_path: Path) -> None:
    program, path = tmp_path / "naps.py", tmp_path / "naps.taskviz"
    program.write_text(NAPS)
    app = TaskvizApp(str(program), autorun=True, save_path=str(path))
    async with app.run_test(size=(160, 40)) as pilot:
        await until_finished(pilot)
        assert app.session.finished
        assert [n for n in app._notifications if n.severity == "error"] == []
        assert not str(app.main.query_one(StatusBar).content).startswith("✗")
    assert read_file(path).end is not None
