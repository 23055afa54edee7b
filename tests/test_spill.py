"""The spill: every live run keeps its whole stream on disk, so saving a run whose record has
forgotten its start (a long run, kept to bounded memory) still saves all of it; a short run
saves its record as before; a spill that failed says so only when it matters; nothing is left behind."""

from __future__ import annotations

import os
import stat
import tempfile
import time
from pathlib import Path

import pytest

from taskviz.app.saving import write_run
from taskviz.app.session import Session
from taskviz.app.tape import Tape, from_recording
from taskviz.catalog import find
from taskviz.recording.opened import open_recording
from taskviz.recording.tee import StreamTee, spill_folder
from taskviz.wire.record import FORGOTTEN, EventRecord, Kind, TaskInfo
from taskviz.wire.stream import read_file, write_file

FANOUT = '''"""Fan-out"""
import asyncio


async def work(n):
    for _ in range(3):
        await asyncio.sleep(0.01)
    return n


async def main():
    print("begun", flush=True)
    await asyncio.gather(*(work(n) for n in range(12)))
    await asyncio.sleep(float(__import__("os").environ.get("LINGER", "0")))
'''


def spill_files() -> set[str]:
    """The spills this process holds open (their names are gone, their descriptors are not)."""
    found = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if "taskviz-spill-" in target:
            found.add(target)
    return found


def start(session: Session, tmp_path: Path, linger: float = 0.0) -> None:
    program = tmp_path / "fanout.py"
    program.write_text(FANOUT.replace('"0"', f'"{linger}"'))
    session.start(find(str(program)))


def fold_until(session: Session, done, timeout: float = 30) -> None:  # type: ignore[no-untyped-def]
    """Fold the stream, as the app's frames do, until ``done()`` (30 s at most)."""
    deadline = time.monotonic() + timeout
    while not done() and time.monotonic() < deadline:
        session.tick()
        time.sleep(0.01)
    assert done()


def forget_all(record: EventRecord) -> None:
    """What the retention policy will do, at its most: every row and finished task is forgotten."""
    record.forget(record.rows_written, record.updated_base + len(record.updated), record.target_base + len(record.targets),
                  record.hold_base + len(record.holds), record.level_base + len(record.levels))
    for tid, info in enumerate(record.tasks):
        if info.outcome is not None:
            record.tasks[tid] = FORGOTTEN


def test_a_finished_run_that_forgot_saves_every_task_and_row(tmp_path: Path) -> None:
    session = Session()
    try:
        start(session, tmp_path)
        fold_until(session, lambda: session.finished)
        link = session.link
        assert link is not None and len(spill_files()) == 1, "the run keeps its stream on disk"
        record = link.record
        rows, coros = record.rows_written, [info.coro for info in record.tasks]
        assert len(coros) == 13 and rows > 13 * 4
        short = session.saveable()
        assert short is not None and short.copy is None, "nothing forgotten yet: saved from the record, as before"
        write_run(tmp_path / "short.taskviz", short)
        forget_all(record)
        assert record.row_base == rows and len(record) == 0
        saved = session.saveable()
        assert saved is not None and saved.copy is not None and saved.refused is None
        path = tmp_path / "saved.taskviz"
        write_run(path, saved)
    finally:
        session.close()
    assert spill_files() == set(), "closing the session frees the spill"
    again = read_file(path)
    assert not again.truncated and again.end is not None and again.end["exit"] == 0
    assert len(again.record) == rows and [info.coro for info in again.record.tasks] == coros
    assert [o["text"] for o in again.outputs if o["stream"] == "stdout"] == ["begun\n"]
    opened = open_recording(str(path))  # what `taskviz open FILE --headless` shows
    assert [track.info.coro for track in opened.finished.model.tracks] == coros
    assert opened.finished.model.origin_ns == session.model.origin_ns  # type: ignore[union-attr]
    assert sorted(tmp_path.iterdir()) == [tmp_path / "fanout.py", path, tmp_path / "short.taskviz"], "no .part left"
    short_again = read_file(tmp_path / "short.taskviz")
    assert short_again.meta["origin_ns"] == opened.finished.model.origin_ns, "written from the record: the viewer adds the start"
    assert len(short_again.record) == rows and [info.coro for info in short_again.record.tasks] == coros


def test_a_running_run_that_forgot_saves_as_a_run_cut_short(tmp_path: Path) -> None:
    session = Session()
    try:
        start(session, tmp_path, linger=30)
        link = session.link
        assert link is not None
        fold_until(session, lambda: sum(info.outcome is not None for info in link.record.tasks) == 12)
        rows = link.record.rows_written
        origin = session.model.origin_ns  # type: ignore[union-attr]
        forget_all(link.record)
        saved = session.saveable()
        assert saved is not None and saved.copy is not None and saved.end is None
        path = tmp_path / "so-far.taskviz"
        write_run(path, saved)
        assert session.live, "saving a copy leaves the run running"
    finally:
        session.close()
    opened = open_recording(str(path))
    assert opened.recording.truncated and opened.recording.end is None and "has no end" in opened.recording.note
    assert len(opened.recording.record) >= rows
    assert [track.info.coro for track in opened.finished.model.tracks][:13] == ["main"] + ["work"] * 12
    assert opened.finished.model.origin_ns == origin, "the start comes from the stage's STATUS chunks"


def test_a_failed_spill_is_said_only_when_a_forgetting_run_is_saved(tmp_path: Path, full_disk: list[int]) -> None:
    session = Session()
    try:
        start(session, tmp_path)
        fold_until(session, lambda: session.finished)
        assert len(full_disk) > 1, "the stream came in more than one read: the spill failed"
        assert session.save_error is None, "the spill's failure costs nothing yet: not shown"
        kept = tmp_path / "kept.taskviz"
        saved = session.saveable()
        assert saved is not None and saved.copy is None
        write_run(kept, saved)  # the record is whole: saved from it
        assert len(read_file(kept).record) == len(saved.record)
        forget_all(session.link.record)  # type: ignore[union-attr]
        saved = session.saveable()
        assert saved is not None
        path = tmp_path / "lost.taskviz"
        with pytest.raises(OSError) as caught:
            write_run(path, saved)
    finally:
        session.close()
    assert str(caught.value) == (f"the app has let go of this run's first {saved.record.row_base:,} rows to save memory, "
                                 f"and the copy of the run kept in {spill_folder() or tempfile.gettempdir()} stopped after {full_disk[0]:,} bytes: "
                                 "No space left on device")
    assert sorted(tmp_path.iterdir()) == [tmp_path / "fanout.py", kept], "nothing half-saved"


def test_rapid_reruns_and_replays_leave_no_spill_behind(tmp_path: Path) -> None:
    session = Session()
    try:
        for n in range(6):
            start(session, tmp_path, linger=30)
            time.sleep(0.01 * n)
            session.tick()
        assert len(spill_files()) == 1, "only the run shown keeps a spill"
        session.show_recorded(None, empty_tape(tmp_path))
        assert spill_files() == set(), "a replay shown instead: the live run's spill is freed"
        start(session, tmp_path, linger=30)
    finally:
        session.close()
    assert spill_files() == set()


def empty_tape(tmp_path: Path) -> Tape:
    path = tmp_path / "tape.taskviz"
    record = EventRecord()
    write_file(path, {"name": "tape"}, record, end={"exit": 0})
    return from_recording(read_file(path))


def test_a_spill_is_private_and_has_no_name() -> None:
    spill = StreamTee.spill()
    try:
        assert spill.error is None
        spill.write(b"taskviz")
        info = os.fstat(spill._fd)
        assert stat.S_IMODE(info.st_mode) == 0o600 and info.st_nlink == 0
        assert not os.path.exists(spill.path)
    finally:
        spill.discard()
    assert spill_files() == set()


def test_write_file_refuses_a_record_that_forgot_its_start(tmp_path: Path) -> None:
    record = EventRecord()
    record.tasks.append(TaskInfo(0, None, "main", ""))
    record.append(1, 0, Kind.CREATED)
    record.append(2, 0, Kind.CREATED)
    record.forget(1, 0, 0, 0, 0)
    with pytest.raises(ValueError, match="forgotten the run's start"):
        write_file(tmp_path / "x.taskviz", {}, record)


async def test_ctrl_s_in_the_app_saves_a_run_that_forgot_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.widgets import Input

    from taskviz.app import TaskvizApp
    from taskviz.app.screens import MainScreen, SaveDialog
    from test_app import wait_until

    monkeypatch.chdir(tmp_path)
    program = tmp_path / "fanout.py"
    program.write_text(FANOUT)
    app = TaskvizApp(str(program), autorun=True)
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_until(pilot, lambda: app.session.finished, timeout=20)
        link = app.session.link
        assert link is not None and app.session.finished
        rows = link.record.rows_written
        forget_all(link.record)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SaveDialog)
        offered = app.screen.query_one(Input).value
        await pilot.press("enter")
        for _ in range(200):
            if isinstance(app.screen, MainScreen):
                break
            await pilot.pause(0.05)
        assert [n.message for n in app._notifications if n.title == "Saved"] == [f"Saved the run to {tmp_path / offered}"]
    assert len(read_file(tmp_path / offered).record) == rows
    assert spill_files() == set(), "the app's quitting freed the spill"


def test_a_spill_goes_to_the_cache_folder_on_disk_not_to_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """/tmp is memory on many systems, and a long busy run spills tens of MB a minute."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    tee = StreamTee.spill()
    try:
        tee.write(b"x" * 1000)
        assert os.path.dirname(tee.path) == str(tmp_path / "taskviz")
        assert os.listdir(tmp_path / "taskviz") == []  # nameless: gone with the app, however it ends
        assert (tmp_path / "taskviz").stat().st_mode & 0o777 == 0o700
    finally:
        tee.discard()
