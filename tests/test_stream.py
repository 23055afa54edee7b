"""The stream format: records survive the trip, however the bytes arrive or break."""

from __future__ import annotations

import dataclasses
import json
import random
import struct
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from taskviz.wire.record import KIND_BITS, KIND_MASK, LOCATION_MASK, EventRecord, Kind, Outcome, TaskInfo
from taskviz.wire.stream import (
    HEADER_SIZE,
    MAGIC,
    Chunk,
    ChunkType,
    RecordBuilder,
    StreamError,
    StreamReader,
    StreamWriter,
    encode_chunk,
    read_file,
    write_file,
)


# -- helpers ----------------------------------------------------------------------------


def snapshot(record: EventRecord) -> dict[str, Any]:
    """Everything a viewer reads from a record, in comparable form."""
    return {
        "starts": record.starts.tolist(),
        "times": record.times.tolist(),
        "codes": record.codes.tolist(),
        "args": record.args.tolist(),
        "strings": list(record.strings),
        "tasks": [dataclasses.asdict(info) for info in record.tasks],
        "join_labels": set(record.join_labels),
        "stalls": dict(record.stalls),
    }


def new_task(record: EventRecord, t: int, coro: str, parent: int | None = None, kind: str = "task") -> int:
    tid = len(record.tasks)
    record.tasks.append(TaskInfo(tid, parent, coro, f"demo.py:{10 + tid}", kind=kind, args=f"{tid}, 'x'"))
    record.append(t, tid, Kind.CREATED, 0 if parent is None else parent + 1)
    return tid


def await_on(record: EventRecord, t0: int, t1: int, tid: int, label: str, line: int, join: bool = False) -> None:
    sid = record.intern(label)
    if join:
        record.join_labels.add(sid)
    record.append(t1, tid, Kind.AWAITING, sid << 32 | record.intern(f"demo.py:{line}"), start_ns=t0)


def finish(record: EventRecord, t: int, tid: int, outcome: Outcome, name: str) -> None:
    """Like the tracer: the DONE row first, then the TaskInfo learns how it ended, then touch."""
    record.append(t, tid, Kind.DONE, int(outcome), start_ns=t - 5)
    info = record.tasks[tid]
    info.name = name
    info.outcome = outcome
    if outcome is Outcome.OK:
        info.result = "42"
    else:
        info.exception = "ValueError: boom \udcff"  # a lone surrogate, as from undecodable output
    record.touch(tid)


def first_half(record: EventRecord) -> None:
    main = new_task(record, 0, "main")
    a = new_task(record, 10, "fetch", parent=main)
    b = new_task(record, 11, "fetch", parent=main)
    await_on(record, 1, 20, main, "gather (2)", 5, join=True)
    await_on(record, 21, 30, a, "sleep 1s", 7)
    record.append(35, b, Kind.YIELDED, record.intern("demo.py:8"), start_ns=31)
    record.append(40, b, Kind.WOKEN, 0)
    record.stalls[31] = "demo.py:8"


def second_half(record: EventRecord) -> None:
    main, a, b = 0, 1, 2
    job = new_task(record, 50, "blocking_io", parent=a, kind="thread")
    record.append(51, job, Kind.STARTED, 0)
    finish(record, 60, job, Outcome.OK, "ThreadPoolExecutor-0_0")
    finish(record, 70, a, Outcome.OK, "Task-2")
    finish(record, 75, b, Outcome.FAILED, "Task-3")
    await_on(record, 76, 80, main, "task Task-2", 6, join=True)
    record.join_labels.add(record.intern("sleep 1s"))  # an old string becoming a join label
    record.stalls[76] = "demo.py:6"
    finish(record, 90, main, Outcome.CANCELLED, "Task-1")


def full_record() -> EventRecord:
    record = EventRecord()
    first_half(record)
    second_half(record)
    return record


def recording_bytes(end: dict[str, Any] | None = None) -> bytes:
    out = bytearray()
    record = EventRecord()
    writer = StreamWriter(out.extend, record)
    writer.header({"scenario": "demo", "python": "3.11"})
    first_half(record)
    writer.flush()
    writer.output(45, "stdout", "half way\n")
    second_half(record)
    writer.flush()
    writer.status({"now_ns": 95, "paused": False})
    writer.end(end if end is not None else {"wall_ns": 95, "status": 0})
    return bytes(out)


def chunks_of(data: bytes) -> list[Chunk]:
    return StreamReader().feed(data)


def build(chunks: list[Chunk], max_rows: int | None = None) -> RecordBuilder:
    builder = RecordBuilder()
    for chunk in chunks:
        builder.add(chunk)
    while True:
        applied = builder.fold(max_rows)
        if max_rows is not None:
            assert applied <= max_rows
        if not applied:
            break
    assert builder.backlog_rows == 0
    return builder


def assert_rows_resolvable(record: EventRecord, start: int) -> None:
    """What a viewer relies on: every row's task and strings are already known."""
    for index in range(start, len(record)):
        code, arg = record.codes[index], record.args[index]
        assert code >> KIND_BITS < len(record.tasks), f"row {index} names an unknown task"
        if code & KIND_MASK in (Kind.AWAITING, Kind.YIELDED):
            assert arg >> 32 < len(record.strings), f"row {index} names an unknown label"
            assert arg & LOCATION_MASK < len(record.strings), f"row {index} names an unknown location"
    assert all(sid < len(record.strings) for sid in record.join_labels)


# -- round trips --------------------------------------------------------------------------


def test_round_trip_keeps_everything(tmp_path: Path) -> None:
    path = tmp_path / "run.taskviz"
    path.write_bytes(recording_bytes())
    opened = read_file(path)
    expected = full_record()
    assert snapshot(opened.record) == snapshot(expected)
    # Tasks were first sent nameless and unfinished: the touched versions replaced them.
    assert [info.name for info in opened.record.tasks] == ["Task-1", "Task-2", "Task-3", "ThreadPoolExecutor-0_0"]
    assert opened.record.tasks[2].outcome is Outcome.FAILED
    assert opened.record.tasks[2].exception == "ValueError: boom \udcff"
    assert opened.record.label(opened.record.args[3]) == "gather (2)"
    assert opened.meta == {"scenario": "demo", "python": "3.11"}
    assert opened.outputs == [{"t": 45, "stream": "stdout", "text": "half way\n"}]
    assert opened.status == {"now_ns": 95, "paused": False}
    assert opened.end == {"wall_ns": 95, "status": 0}
    assert (opened.truncated, opened.note) == (False, "")


def test_write_file_then_read_file(tmp_path: Path) -> None:
    path = tmp_path / "saved.taskviz"
    record = full_record()
    outputs = [{"t": 1, "stream": "stdout", "text": "a"}, {"t": 2, "stream": "note", "text": "b"}]
    write_file(path, {"scenario": "demo"}, record, outputs, end={"wall_ns": 90})
    opened = read_file(path)
    assert snapshot(opened.record) == snapshot(record)
    assert opened.outputs == outputs
    assert opened.end == {"wall_ns": 90}
    assert not opened.truncated
    write_file(path, {"scenario": "demo"}, record)
    unfinished = read_file(path)
    assert unfinished.truncated and "has no end" in unfinished.note
    assert snapshot(unfinished.record) == snapshot(record)


def test_status_and_replies_reach_the_builder() -> None:
    out = bytearray()
    writer = StreamWriter(out.extend, EventRecord())
    writer.header({})
    writer.status({"now_ns": 1})
    writer.reply({"id": 1, "ok": True})
    writer.status({"now_ns": 2, "paused": True})
    builder = build(chunks_of(bytes(out)))
    assert builder.status == {"now_ns": 2, "paused": True}
    assert builder.replies == [{"id": 1, "ok": True}]
    assert builder.end is None


def test_writer_sends_only_what_is_new() -> None:
    out = bytearray()
    record = EventRecord()
    writer = StreamWriter(out.extend, record)
    writer.header({})
    first_half(record)
    assert writer.flush() == len(record)
    size = len(out)
    assert writer.flush() == 0
    assert len(out) == size
    record.touch(1)
    writer.flush()
    resent = [c for c in chunks_of(bytes(out)) if c.offset >= size]
    assert [c.type for c in resent] == [ChunkType.TASKS]
    assert [task["id"] for task in json.loads(resent[0].payload)] == [1]


# -- incremental reading ------------------------------------------------------------------


def test_one_byte_at_a_time_gives_the_same_chunks() -> None:
    data = recording_bytes()
    whole = chunks_of(data)
    reader = StreamReader()
    pieces: list[Chunk] = []
    for index in range(len(data)):
        pieces += reader.feed(data[index : index + 1])
        assert reader.pending == index + 1 - reader.offset
    assert pieces == whole
    assert reader.pending == 0
    assert snapshot(build(pieces).record) == snapshot(full_record())


def test_folding_three_rows_at_a_time_gives_the_same_record() -> None:
    chunks = chunks_of(recording_bytes())
    total = sum(1 for _ in full_record().codes)
    builder = RecordBuilder()
    for chunk in chunks:
        builder.add(chunk)
    assert builder.backlog_rows == total
    folds = []
    while builder.backlog_rows and len(folds) < 10 * total:
        folds.append(builder.fold(max_rows=3))  # a call that applies a chunk of tasks may fold no row
        assert builder.backlog_rows == total - len(builder.record)
        assert_rows_resolvable(builder.record, 0)
    builder.fold()
    assert max(folds) == 3 and sum(folds) == total
    assert snapshot(builder.record) == snapshot(build(chunks).record)
    assert builder.end == {"wall_ns": 95, "status": 0}


def test_folded_only_once_the_end_is_applied_not_when_the_rows_are() -> None:
    """A burst of task chunks counts as work: a budgeted fold can stop with no rows left but
    the END still queued. A viewer that took "no rows left" for "over" reported a run that
    ended well as a stage that died without a word."""
    builder = RecordBuilder()
    for chunk in chunks_of(recording_bytes()):
        builder.add(chunk)
    seen_unfolded_without_rows = False
    while not builder.folded:
        builder.fold(max_rows=1)
        if builder.backlog_rows == 0 and not builder.folded:
            seen_unfolded_without_rows = True
            assert builder.end is None
    assert seen_unfolded_without_rows, "the case this guards: rows done, END not yet applied"
    assert builder.end == {"wall_ns": 95, "status": 0}


# -- a writer on another thread -------------------------------------------------------------


def append_like_tracer(record: EventRecord, rows: int) -> None:
    """The tracer's order: strings and tasks first, then the row, column by column, args last."""
    starts, times, codes, args = record.starts.append, record.times.append, record.codes.append, record.args.append
    live = [new_task(record, 0, "main")]
    t = 1
    while len(record) < rows:
        t += 3
        step = len(record)
        if step % 40 == 0:
            live.append(new_task(record, t, f"worker_{step}", parent=live[0]))
            continue
        tid = live[step % len(live)]
        if step % 97 == 0 and tid != live[0]:
            live.remove(tid)
            finish(record, t, tid, Outcome.OK, f"Task-{tid}")
            continue
        label = record.intern(f"sleep {step // 4}")
        if step % 4 == 0:  # a new string that is at once a join label
            record.join_labels.add(label)
        location = record.intern(f"demo.py:{step % 300}")
        starts(t - 2)
        times(t)
        codes(tid << KIND_BITS | Kind.AWAITING)
        args(label << 32 | location)
        if step % 1000 == 0:
            record.stalls[t - 2] = f"demo.py:{step % 300}"


class YieldingList(list):  # type: ignore[type-arg]
    """A table that, once the flusher has read its length, lets the appender run.

    That widens whatever window a wrong read order in the writer leaves open, from a few
    bytecodes (rarely hit) to a thread switch (hit on most runs).
    """

    def __len__(self) -> int:
        length = super().__len__()
        if threading.current_thread() is not threading.main_thread():
            time.sleep(0)
        return length


def test_flushing_from_another_thread_while_rows_are_appended() -> None:
    record = EventRecord(strings=YieldingList([""]), tasks=YieldingList())
    pieces: list[bytes] = []
    writer = StreamWriter(pieces.append, record)
    writer.header({"scenario": "busy"})
    done = threading.Event()

    def flush_until_done() -> None:
        while not done.is_set():
            writer.flush()

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # switch threads often, to catch the appender mid-row
    flusher = threading.Thread(target=flush_until_done)
    try:
        flusher.start()
        append_like_tracer(record, 50_000)
    finally:
        done.set()
        flusher.join()
        sys.setswitchinterval(interval)
    writer.flush()
    assert len(pieces) > 3, "the flusher never ran while rows were appended"

    reader = StreamReader()
    builder = RecordBuilder()
    for piece in pieces:
        for chunk in reader.feed(piece):
            builder.add(chunk)
        before = len(builder.record)
        builder.fold()
        assert_rows_resolvable(builder.record, before)
    assert reader.pending == 0
    assert snapshot(builder.record) == snapshot(record)


# -- broken files ---------------------------------------------------------------------------


def test_cut_at_every_offset(tmp_path: Path) -> None:
    """Every offset of the header and of the first chunks, and of a few bytes either side of every
    chunk boundary; in between every fifth (each cut reads the file again: all of them cost seconds)."""
    data = recording_bytes()
    full = snapshot(build(chunks_of(data)).record)
    boundaries = {chunk.offset for chunk in chunks_of(data)}
    near = {cut + d for cut in boundaries for d in range(-3, 4)}
    first_chunks = sorted(boundaries)[2] if len(boundaries) > 2 else len(data)
    cuts = [cut for cut in range(len(data)) if cut <= first_chunks or cut in near or cut % 5 == 0]
    assert len(cuts) < len(data) and near & set(cuts) == {c for c in near if 0 <= c < len(data)}
    path = tmp_path / "cut.taskviz"
    for cut in cuts:
        path.write_bytes(data[:cut])
        if cut < HEADER_SIZE:
            with pytest.raises(StreamError, match=f"^{path}: "):
                read_file(path)
            continue
        opened = read_file(path)
        assert opened.truncated
        if cut in boundaries:
            assert opened.note == f"{path}: has no end: the run was cut short; showing what was recorded"
        else:
            assert opened.note == f"{path}: ends mid-chunk at byte {cut}: the run was cut short; showing what was recorded"
        got = snapshot(opened.record)
        rows = len(opened.record)
        for column in ("starts", "times", "codes", "args"):
            assert got[column] == full[column][:rows]
        assert got["strings"] == full["strings"][: len(got["strings"])]
        assert_rows_resolvable(opened.record, 0)


def test_files_that_are_not_recordings(tmp_path: Path) -> None:
    def message(path: Path) -> str:
        with pytest.raises(StreamError) as caught:
            read_file(path)
        return str(caught.value)

    missing = tmp_path / "missing.taskviz"
    assert message(missing) == f"{missing}: no such file"
    assert message(tmp_path) == f"{tmp_path}: is a folder, not a taskviz recording"
    empty = tmp_path / "empty.taskviz"
    empty.write_bytes(b"")
    assert message(empty) == f"{empty}: empty file, not a taskviz recording"
    foreign = tmp_path / "notes.txt"
    foreign.write_text("just some notes\n")
    assert message(foreign) == f"{foreign}: not a taskviz recording"


def test_bad_crc_names_the_chunk(tmp_path: Path) -> None:
    data = bytearray(recording_bytes())
    third = chunks_of(bytes(data))[2]
    data[third.offset + 7] ^= 0x40
    path = tmp_path / "flipped.taskviz"
    path.write_bytes(bytes(data))
    with pytest.raises(StreamError) as caught:
        read_file(path)
    assert str(caught.value) == f"{path}: corrupt at byte {third.offset}"


def test_rows_naming_unknown_tasks_are_refused() -> None:
    record = EventRecord()
    record.append(5, 3, Kind.WOKEN)  # task 3 was never added
    out = bytearray()
    writer = StreamWriter(out.extend, record)
    writer.header({})
    writer.flush()
    builder = RecordBuilder(source="stage")
    for chunk in chunks_of(bytes(out)):
        builder.add(chunk)
    with pytest.raises(StreamError, match=r"^stage: corrupt at byte \d+ \(a row refers to a task"):
        builder.fold()


def test_newer_major_is_refused(tmp_path: Path) -> None:
    data = recording_bytes()
    path = tmp_path / "future.taskviz"
    path.write_bytes(MAGIC + struct.pack("<HH", 2, 0) + data[HEADER_SIZE:])
    with pytest.raises(StreamError) as caught:
        read_file(path)
    assert str(caught.value) == f"{path}: made by a newer taskviz (format 2.0; this one reads 1.x)"
    newer_minor = MAGIC + struct.pack("<HH", 1, 7) + data[HEADER_SIZE:]
    path.write_bytes(newer_minor)
    assert snapshot(read_file(path).record) == snapshot(full_record())


def test_unknown_chunk_types_are_skipped(tmp_path: Path) -> None:
    data = recording_bytes()
    second = chunks_of(data)[1].offset
    extended = data[:second] + encode_chunk(200, b"\x00something new\xff") + data[second:]
    assert all(chunk.type != 200 for chunk in chunks_of(extended))
    path = tmp_path / "extended.taskviz"
    path.write_bytes(extended)
    opened = read_file(path)
    assert snapshot(opened.record) == snapshot(full_record())
    assert not opened.truncated


# -- fuzz -------------------------------------------------------------------------------------


def random_json(rng: random.Random, depth: int = 0) -> Any:
    """JSON shaped a little like the real thing, so decoding gets past the first check."""
    keys = ["first", "strings", "joins", "id", "parent", "coro", "created_at", "outcome", "name", "t", "stream", "text"]
    pick = rng.randrange(9 if depth < 3 else 5)
    if pick == 0:
        return rng.choice([0, 1, -1, 2**40, True, None])
    if pick == 1:
        return rng.choice(["", "x", "\udcff", "demo.py:1"])
    if pick == 2:
        return rng.random()
    if pick == 3:
        return rng.randrange(-3, 50)
    if pick == 4:
        return None
    if pick in (5, 6):
        return [random_json(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {rng.choice(keys): random_json(rng, depth + 1) for _ in range(rng.randrange(6))}


def random_chunk(rng: random.Random, rows_held: int) -> bytes:
    chunk_type = rng.choice([*ChunkType, 0, 77])
    if chunk_type == ChunkType.ROWS:
        n = rng.randrange(4)
        first = rng.choice([rows_held, 0, rng.randrange(100)])
        values = [rng.randrange(-(2**63), 2**63) if rng.random() < 0.3 else rng.randrange(64) for _ in range(4 * n)]
        body = struct.pack(f"<{4 * n}q", *values)
        payload = struct.pack("<QI", first, n + rng.choice([0, 0, 1])) + body
    elif rng.random() < 0.2:
        payload = rng.randbytes(rng.randrange(20))
    else:
        payload = json.dumps(random_json(rng)).encode()
    return encode_chunk(int(chunk_type), payload)


def plausible_chunk(rng: random.Random, record: EventRecord) -> bytes:
    """A chunk that fits what ``record`` holds, but for one field that may be wrong."""
    rows, strings, tasks = len(record), len(record.strings), len(record.tasks)

    def maybe(good: Any) -> Any:
        return random_json(rng) if rng.random() < 0.25 else good

    chunk_type = rng.choice([ChunkType.STRINGS, ChunkType.TASKS, ChunkType.ROWS, ChunkType.STALLS, ChunkType.OUTPUT])
    if chunk_type == ChunkType.ROWS:
        n = rng.randrange(1, 4)
        codes = [rng.randrange(tasks + 1) << KIND_BITS | rng.randrange(7) for _ in range(n)]
        args = [rng.choice([0, 1, tasks, -1, 2 << 32 | 3, strings << 32, strings, rng.randrange(2**63)]) for _ in range(n)]
        return encode_chunk(chunk_type, struct.pack(f"<QI{4 * n}q", rows, n, *range(n), *range(n), *codes, *args))
    if chunk_type == ChunkType.STRINGS:
        body: Any = {"first": maybe(strings), "strings": [maybe("new"), "newer"], "joins": [maybe(rng.randrange(strings + 3))]}
    elif chunk_type == ChunkType.TASKS:
        task = dataclasses.asdict(TaskInfo(rng.choice([1, tasks, tasks + 1]), 0, "coro", "demo.py:1"))
        task[rng.choice(list(task))] = random_json(rng)
        body = [task]
    elif chunk_type == ChunkType.STALLS:
        body = [[maybe(1234), maybe("demo.py:3")]]
    else:
        body = {"t": maybe(5), "stream": maybe("stdout"), "text": maybe("hi")}
    return encode_chunk(chunk_type, json.dumps(body).encode())


def mutate(rng: random.Random, data: bytes) -> bytes:
    pick = rng.randrange(6)
    if pick == 0:  # flip a few bits anywhere
        out = bytearray(data)
        for _ in range(rng.randrange(1, 4)):
            out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
        return bytes(out)
    if pick == 1:  # garbage after a valid header
        return data[:HEADER_SIZE] + rng.randbytes(rng.randrange(200))
    if pick == 2:  # pure garbage
        return rng.randbytes(rng.randrange(40))
    if pick == 3:  # well-framed chunks saying strange things
        strange = b"".join(random_chunk(rng, 3) for _ in range(rng.randrange(1, 5)))
        return data[: chunks_of(data)[rng.randrange(1, 4)].offset] + strange
    if pick == 4:  # well-framed chunks, nearly right for the record so far
        return data[: chunks_of(data)[-1].offset] + plausible_chunk(rng, full_record())
    cut = rng.randrange(len(data))  # cut short, then damaged
    out = bytearray(data[:cut])
    if out:
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def test_fuzz_only_stream_errors(tmp_path: Path) -> None:
    rng = random.Random(20240601)
    data = recording_bytes()
    path = tmp_path / "fuzz.taskviz"
    outcomes = {"read": 0, "refused": 0}
    for _ in range(500):
        path.write_bytes(mutate(rng, data))
        try:
            opened = read_file(path)
        except StreamError as exc:
            message = str(exc)
            assert message.startswith(f"{path}: ") and "\n" not in message
            outcomes["refused"] += 1
        else:
            assert_rows_resolvable(opened.record, 0)
            outcomes["read"] += 1
    assert outcomes["read"] > 20 and outcomes["refused"] > 100, outcomes
