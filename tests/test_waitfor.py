"""The wait-for data (issue 14): what the stage records of locks, joins and queues, how it
travels in a recording (format 1.1, files of 1.0 still read), and the graph the model makes of it."""

from __future__ import annotations

import asyncio
import contextlib
import io
import warnings
from pathlib import Path

import pytest

from taskviz.catalog import find
from taskviz.model import wait_cycles
from taskviz.model.waitfor import WaitFor
from taskviz.recording.opened import open_recording
from taskviz.runner import run_headless, run_main
from taskviz.wire.record import Alert, EventRecord, Kind, TaskInfo
from taskviz.wire.stream import MAGIC, ChunkType, StreamError, StreamReader, StreamWriter, encode_chunk, read_file


def test_a_recording_carries_the_waits_and_gives_the_same_findings(tmp_path: Path) -> None:
    path = tmp_path / "deadlock.taskviz"
    with contextlib.redirect_stdout(io.StringIO()):
        live = run_headless(find("deadlock"), virtual_time=True, until_s=60, save=str(path))
    opened = open_recording(str(path)).finished
    for table in ("objects", "alerts"):
        assert getattr(opened.record, table) == getattr(live.record, table)
    assert list(opened.record.targets) == list(live.record.targets) and list(opened.record.holds) == list(live.record.holds)
    assert [f.to_json() for f in opened.findings] == [f.to_json() for f in live.findings] and live.findings


def test_the_deadlock_graph_at_an_instant() -> None:
    with contextlib.redirect_stdout(io.StringIO()):
        finished = run_main(__import__("taskviz.catalog").catalog.load_main(find("deadlock")), virtual_time=True)
    graph = WaitFor(finished.model)
    names = {track.info.id: track.info.name for track in finished.model.tracks}
    edges = {names[edge.task]: (edge.object.kind, edge.object.name, [names[t] for t in edge.to])
             for edge in graph.edges_at(500_000_000)}
    assert edges["alice_to_bob"] == ("lock", "bob_lock", ["bob_to_alice"])
    assert edges["bob_to_alice"] == ("lock", "alice_lock", ["alice_to_bob"])
    assert edges[names[0]] == ("gather", "", ["alice_to_bob", "bob_to_alice"])
    assert graph.edges_at(50_000_000)[0].object.kind == "gather", "before 0.1 s only main waits on something known"
    assert graph.edges_at(1_500_000_000) == [], "after the timeout nobody waits"


def test_an_uncontended_lock_leaves_nothing_and_asyncio_is_put_back() -> None:
    original = asyncio.Lock.acquire, asyncio.Lock.release, warnings._showwarnmsg  # type: ignore[attr-defined]

    async def main() -> None:
        lock = asyncio.Lock()
        for _ in range(3):
            async with lock:
                await asyncio.sleep(0.01)

    finished = run_main(main, virtual_time=True)
    assert finished.record.objects == [] and not finished.record.holds and not finished.record.targets
    assert (asyncio.Lock.acquire, asyncio.Lock.release, warnings._showwarnmsg) == original  # type: ignore[attr-defined]


def test_a_queue_is_looked_up_once_per_task_and_line_and_every_wait_is_on_it() -> None:
    async def main() -> None:
        jobs: asyncio.Queue[int] = asyncio.Queue(maxsize=1)

        async def producer() -> None:
            for n in range(5):
                await jobs.put(n)

        async def consumer() -> None:
            for _ in range(5):
                await jobs.get()
                await asyncio.sleep(0.01)

        await asyncio.gather(producer(), consumer())

    finished = run_main(main, virtual_time=True)
    record = finished.record
    queues = [found for found in record.objects if found.kind == "queue"]
    assert [found.name for found in queues] == ["jobs"]
    assert len(list(record.target_pairs())) <= 3, "the gather, and each task's first wait at its line"
    waits = [w for w in WaitFor(finished.model).waits if w.object == queues[0].id]
    assert len(waits) >= 4 and all(w.end_ns is not None for w in waits)


def _stream(record: EventRecord, drop: frozenset[int] = frozenset()) -> bytes:
    out = bytearray()
    writer = StreamWriter(out.extend, record)
    writer.header({"name": "x"})
    writer.flush()
    if not drop:
        return bytes(out)
    reader = StreamReader()
    chunks = reader.feed(bytes(out))
    head = bytes(out[: len(MAGIC) + 4])
    return head + b"".join(encode_chunk(c.type, c.payload) for c in chunks if c.type not in drop)


def _small_record() -> EventRecord:
    record = EventRecord()
    record.tasks += [TaskInfo(0, None, "main", "a.py:1"), TaskInfo(1, 0, "worker", "a.py:2")]
    record.append(0, 0, Kind.CREATED)
    record.append(1, 1, Kind.CREATED, 1)
    record.append(5, 0, Kind.AWAITING, record.intern("Lock.acquire") << 32 | record.intern("a.py:3"), start_ns=2)
    lock = record.add_object("lock", "guard")
    record.targets.extend((2, lock.id))
    record.holds.extend((1, lock.id, 2))
    record.alerts.append(Alert(4, "warning", 1, "a.py:7", "RuntimeWarning: coroutine 'f' was never awaited"))
    return record


def test_a_stream_without_the_new_chunks_reads_as_before(tmp_path: Path) -> None:
    path = tmp_path / "old.taskviz"
    path.write_bytes(_stream(_small_record(), drop=frozenset({ChunkType.WAITS, ChunkType.ALERTS})))
    opened = read_file(path)
    assert len(opened.record) == 3 and opened.record.objects == [] and opened.record.alerts == []
    path.write_bytes(_stream(_small_record()))
    again = read_file(path).record
    assert [o.name for o in again.objects] == ["guard"] and list(again.hold_triples()) == [(1, 0, 2)]
    assert again.alerts == _small_record().alerts


@pytest.mark.parametrize("body", [b'{"targets": [[9, 0]]}', b'{"targets": [[2, 5]]}', b'{"holds": [[1, 0, 7]]}',
                                  b'{"objects": [{"id": 3, "kind": "lock"}]}', b'{"objects": [{"id": 1, "kind": "lock", "tasks": [9]}]}'])
def test_impossible_waits_are_corruption(tmp_path: Path, body: bytes) -> None:
    path = tmp_path / "bad.taskviz"
    path.write_bytes(_stream(_small_record()) + encode_chunk(ChunkType.WAITS, body))
    with pytest.raises(StreamError, match="corrupt"):
        read_file(path)


def test_the_deadlock_search_grows_with_the_waits_not_their_square(monkeypatch: pytest.MonkeyPatch) -> None:
    """A server's lock queued on by hundreds of tasks: every hand-over looks from its new holder
    only (a cycle it closes goes through it), not from every task still queued. Looking from
    each of them made a 60,000-request run's findings take minutes."""
    tasks = 300

    async def main() -> None:
        lock = asyncio.Lock()

        async def request() -> None:
            async with lock:
                await asyncio.sleep(0.001)

        await asyncio.gather(*(request() for _ in range(tasks)))

    finished = run_main(main, virtual_time=True)
    looks = 0
    search = wait_cycles.cycle_from

    def counted(graph: WaitFor, seed: int, t: int) -> object:
        nonlocal looks
        looks += 1
        return search(graph, seed, t)

    monkeypatch.setattr(wait_cycles, "cycle_from", counted)
    graph = WaitFor(finished.model)
    hand_overs = len(finished.record.holds) // 3
    assert hand_overs >= tasks - 1 and len(graph.waits) >= tasks - 1, "the lock was queued on and handed over"
    assert graph.cycles() == []
    assert looks <= len(graph.waits) + hand_overs, f"{looks} looks for {len(graph.waits)} waits and {hand_overs} hand-overs"
