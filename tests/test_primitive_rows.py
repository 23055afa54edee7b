"""Synchronisation primitives as rows of their own (issue 14): a queue's fill level, a semaphore's
free slots and a lock's holder, recorded by the stage, carried in a recording (format 1.2, older
files still open), and drawn in the headless timeline and the app (``o`` hides them)."""

from __future__ import annotations

import asyncio
import contextlib
import io
from functools import cache
from pathlib import Path

import pytest

from taskviz.app import TaskvizApp
from taskviz.catalog import find, load_main
from taskviz.model.primitives import UNKNOWN, primitives_for
from taskviz.recording.opened import open_recording
from taskviz.finished import Finished
from taskviz.runner import run_main
from taskviz.textchart import render
from taskviz.wire.stream import MAGIC, ChunkType, StreamReader, encode_chunk, read_file

from conftest import recorded


@cache
def scenario(name: str) -> Finished:
    with contextlib.redirect_stdout(io.StringIO()):
        return run_main(load_main(find(name)), virtual_time=True)


def _levels(finished: Finished, kind: str) -> tuple[int, list[int]]:
    """The one object of ``kind``'s size and its recorded levels, in order."""
    found = [o for o in finished.record.objects if o.kind == kind]
    assert len(found) == 1, finished.record.objects
    return found[0].size, [value for _, oid, value in finished.record.level_triples() if oid == found[0].id]


def test_the_job_queue_fills_to_its_maxsize_and_drains() -> None:
    finished = scenario("job_queue")
    size, levels = _levels(finished, "queue")
    assert size == 3 and len(levels) == 20, "ten puts and ten gets"
    assert max(levels) == 3 and min(levels) == 0 and levels[-1] == 0, "full while producers outpace consumers, empty at the end"
    primitives = primitives_for(finished.model)
    (oid,) = primitives.shown()
    assert primitives.label(oid) == "queue (Queue 3)"
    cells = primitives.cells(oid, 0, 100_000_000, 25)
    assert cells[0] == UNKNOWN and 3 in cells and cells[-1] in (0, UNKNOWN)


def test_the_semaphore_never_goes_below_zero_and_is_free_again_at_the_end() -> None:
    finished = scenario("semaphore")
    size, levels = _levels(finished, "semaphore")
    assert size == 3 and min(levels) == 0 and max(levels) <= 3 and levels[-1] == 3
    assert primitives_for(finished.model).label(finished.record.objects[1].id) == "limit (Semaphore 3)"


def test_a_queue_made_before_the_run_is_recorded_from_its_first_use_and_asyncio_is_put_back() -> None:
    original = (asyncio.Queue.put_nowait, asyncio.Queue.get_nowait, asyncio.Semaphore.acquire,
                asyncio.Semaphore.release)
    before: asyncio.Queue[int] = asyncio.Queue()

    async def main() -> None:
        before.put_nowait(1)  # made outside the run: recorded from its first use inside it
        spare = asyncio.Queue(maxsize=2)
        with pytest.raises(asyncio.QueueEmpty):
            spare.get_nowait()  # asyncio's own exception, and nothing recorded for it
        spare.put_nowait(5)
        assert spare.get_nowait() == 5 and before.qsize() == 1

    finished = run_main(main, virtual_time=True)
    assert [(o.name, o.size) for o in finished.record.objects] == [("before", 0), ("spare", 2)]
    assert [value for _, _, value in finished.record.level_triples()] == [1, 1, 0]
    assert (asyncio.Queue.put_nowait, asyncio.Queue.get_nowait, asyncio.Semaphore.acquire,
            asyncio.Semaphore.release) == original


def test_the_rows_are_in_the_text_timeline() -> None:
    finished = scenario("deadlock")
    text = render(finished.model, title="deadlock", wall_ns=finished.run.wall_ns, gain=finished.gain, width=100)
    rows = {line[:28].strip(): line[29:] for line in text.splitlines()}
    assert rows["bob_lock (Lock)"].startswith("bob_to_alice█") and rows["alice_lock (Lock)"].startswith("alice_to_bob█")
    queue = render(scenario("job_queue").model, title="q", wall_ns=2_000_000_000, gain=scenario("job_queue").gain)
    line = next(line for line in queue.splitlines() if line.startswith("queue (Queue 3)"))
    assert "█" in line and "▅" in line, "full (3 of 3) and two thirds"


def test_a_recording_carries_the_levels_and_one_without_them_still_opens(tmp_path: Path) -> None:
    path = recorded("job_queue", tmp_path)
    live = scenario("job_queue")
    opened = read_file(path).record
    assert [o.size for o in opened.objects if o.kind == "queue"] == [3]
    assert [v for _, _, v in opened.level_triples()] == [v for _, _, v in live.record.level_triples()]
    data = path.read_bytes()
    chunks = StreamReader().feed(data)
    old = data[: len(MAGIC) + 4] + b"".join(encode_chunk(c.type, c.payload) for c in chunks if c.type != ChunkType.LEVELS)
    (tmp_path / "old.taskviz").write_bytes(old)
    finished = open_recording(str(tmp_path / "old.taskviz")).finished
    assert not finished.record.levels and primitives_for(finished.model).shown() == []


def test_corrupt_levels_are_refused(tmp_path: Path) -> None:
    from taskviz.wire.stream import StreamError

    path = recorded("job_queue", tmp_path)
    bad = path.read_bytes() + encode_chunk(ChunkType.LEVELS, b"\x00" * 12 + b"\x01" * 24)
    path.write_bytes(bad)
    with pytest.raises(StreamError, match="corrupt"):
        read_file(path)


async def test_the_app_shows_a_row_per_object_under_the_loop_and_o_hides_them(tmp_path: Path) -> None:
    finished = open_recording(str(recorded("job_queue", tmp_path))).finished
    app = TaskvizApp("job_queue", recording=finished, until=len(finished.record))
    async with app.run_test(size=(140, 36)) as pilot:
        while app.session.model is None:
            await pilot.pause()
        await pilot.pause()
        view = app.main.timeline
        assert view.pinned == 3
        row = view.render_line(2).text
        assert row.startswith("queue (Queue 3)") and "█" in row
        first_task = view.render_line(3).text
        assert "main" in first_task
        view.focus()
        await pilot.press("o")
        await pilot.pause()
        assert view.pinned == 2 and "main" in view.render_line(2).text
        await pilot.press("o")
        await pilot.pause()
        assert view.render_line(2).text.startswith("queue (Queue 3)")
