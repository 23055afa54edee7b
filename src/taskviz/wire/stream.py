"""The stream: how a stage sends its growing record to a viewer, and what a recording is.

A scenario runs in a child process, the *stage*, which streams its EventRecord to the
viewer as the record grows. The same bytes written to a file are a recording, so a live
run and a saved one are read by the same code, and a run cut short (a crash, a kill, a
full disk) still opens up to its last complete chunk.

Format (every integer little-endian)::

    header   MAGIC = b"TASKVIZ\\x00", then "<HH": format major, minor
    chunk*   "<BI": chunk type, payload length
             payload
             "<I": zlib.crc32 of the type byte followed by the payload

Chunk types (``ChunkType``); JSON payloads are UTF-8:

    META=1     JSON object, free-form: scenario name, source, Python version...
    STRINGS=2  JSON {"first": id of the first string, "strings": [...],
               "joins": [string ids added to join_labels]}
    TASKS=3    JSON list of task objects, every TaskInfo field (outcome an int or null);
               an id below the tasks held replaces that task, the next id appends
    ROWS=4     "<QI": first row index, n; then n int64 each of starts, times, codes, args
               (``array('Q').tobytes()`` on a little-endian host, every value >= 0); first is the number
               of rows already sent
    STALLS=5   JSON list of [start_ns, "file:line"]
    OUTPUT=6   JSON {"t": ns, "stream": "stdout" | "stderr" | "note", "text": str}
    STATUS=7   JSON object, free-form: the stage's clock, paused, speed...
    END=8      JSON object, free-form: wall time, exit status, error...
    REPLY=9    JSON object, free-form: answers to the viewer's commands
    WAITS=10   JSON {"objects": [WaitObject objects: id, kind, name, tasks, size (1.2)], "targets": [[row, object id]...],
               "holds": [[ns, lock object id, holder task id + 1, 0 when released]...]} (1.1): what
               tasks wait on, for the wait-for graph; an object id below those held replaces it
    ALERTS=11  JSON list of [ns, kind, task id or -1, "file:line", text] (1.1): what the stage
               noticed besides steps (asyncio's exception handler, warnings, a stuck step's call)
    LEVELS=12  "<QI": first triple index, n; then n triples of int64 (clock ns, object id, a queue's
               size or a semaphore's free slots) (1.2): how full the program's queues and semaphores
               were over time; an object's WAITS entry (with its "size") comes first

Within one major version a reader skips chunk types and JSON keys it does not know, so
a minor version may add both; a different major version is refused. Everything a row
refers to (its task, its label and location strings) is sent before the row, so a
viewer folding chunks in order can draw every row it holds.
"""

from __future__ import annotations

import json
import os
import stat
import struct
import sys
import threading
import zlib
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import MISSING, dataclass, field, fields
from enum import IntEnum
from typing import Any, NamedTuple, TypeVar

from .record import (COLUMN, FORGOTTEN, KIND_BITS, KIND_MASK, LOCATION_MASK, Alert, EventRecord, Kind, Outcome, TaskInfo,
                     WaitObject)

MAGIC = b"TASKVIZ\x00"
FORMAT_MAJOR = 1
FORMAT_MINOR = 2  # 1.1: WAITS and ALERTS; 1.2: LEVELS, an object's "size"
MAX_CHUNK = 256 << 20  # a longer payload is corruption, not data: never buffer for it

_VERSION = struct.Struct("<HH")
_CHUNK_HEAD = struct.Struct("<BI")
_CRC = struct.Struct("<I")
_ROWS_HEAD = struct.Struct("<QI")
_LEVEL_BYTES = 3 * 8
HEADER_SIZE = len(MAGIC) + _VERSION.size
_ROW_BYTES = 4 * 8
# Batches keep every chunk far below MAX_CHUNK however much piled up between flushes.
_ROWS_PER_CHUNK = 1 << 18
_ITEMS_PER_CHUNK = 500  # strings, tasks or stalls a chunk: a viewer folds chunks whole, so each stays a few ms
_BIG_ENDIAN = sys.byteorder == "big"
_READ_BLOCK = 1 << 20

_T = TypeVar("_T")


class ChunkType(IntEnum):
    """What a chunk's payload is (see the module docstring); values are fixed within a major version."""

    META = 1
    STRINGS = 2
    TASKS = 3
    ROWS = 4
    STALLS = 5
    OUTPUT = 6
    STATUS = 7
    END = 8
    REPLY = 9
    WAITS = 10
    ALERTS = 11
    LEVELS = 12


_KNOWN_TYPES = frozenset(ChunkType)


class StreamError(Exception):
    """A stream or recording that cannot be read; the message is one line for a person."""


class Chunk(NamedTuple):
    type: int
    payload: bytes
    offset: int  # where the chunk starts in the stream, for error messages


# -- writing ------------------------------------------------------------------------------


def encode_chunk(chunk_type: int, payload: bytes) -> bytes:
    """One framed chunk; the CRC covers the type so a flipped type byte is caught too."""
    if not 0 <= chunk_type <= 0xFF:
        raise ValueError(f"chunk type {chunk_type} does not fit a byte")
    if len(payload) > MAX_CHUNK:
        raise ValueError(f"chunk payload of {len(payload):,} bytes is over {MAX_CHUNK:,}")
    crc = zlib.crc32(payload, zlib.crc32(bytes((chunk_type,))))
    return b"".join((_CHUNK_HEAD.pack(chunk_type, len(payload)), payload, _CRC.pack(crc)))


def _json_bytes(value: Any) -> bytes:
    """ASCII JSON: lone surrogates in user text survive as escapes instead of failing to encode.

    ``default=str`` lets free-form dicts carry a Path or an enum without the stage crashing.
    """
    return json.dumps(value, separators=(",", ":"), default=str).encode("ascii")


def _task_dict(info: TaskInfo) -> dict[str, Any]:
    out = {f.name: getattr(info, f.name) for f in fields(TaskInfo)}
    outcome = out["outcome"]
    out["outcome"] = None if outcome is None else int(outcome)
    return out


def _column_bytes(column: array[int], start: int, stop: int) -> bytes:
    part = column[start:stop]
    if _BIG_ENDIAN:
        part.byteswap()
    return part.tobytes()


def _snapshot(copy: Callable[[], _T]) -> _T:
    """``copy()``, retried: another thread may grow a dict or set while it is copied."""
    for _ in range(100):
        try:
            return copy()
        except RuntimeError:
            continue
    return copy()


class StreamWriter:
    """Sends a record as it grows: each flush sends what is new since the last one.

    ``flush`` runs on a thread other than the one appending to the record, without
    stopping it. That is safe because the appender extends starts, times, codes and args
    in that order and interns strings and adds tasks before any row naming them: reading
    ``len(record.args)`` first fixes a set of complete rows whose strings and tasks are
    all in place by the time the tables are read afterwards.

    A stage forgets what has been sent (``stage/retention.py``), on the loop's thread: it
    holds ``record_lock``, as a flush does while it reads the record, and :meth:`sent` tells
    it how far every table has gone out.
    """

    def __init__(self, write: Callable[[bytes], object], record: EventRecord) -> None:
        self.record = record
        self._write = write
        self._lock = threading.Lock()  # one write per chunk or flush: threads never interleave bytes
        self.record_lock = threading.Lock()  # held while the record is read: nothing is forgotten meanwhile
        self._started = False
        self._rows = 0
        self._strings = 1  # string 0 is "" in every record, so never sent
        self._tasks = 0
        self._updated = 0
        self._joins: set[int] = set()
        self._stalls: dict[int, str] = {}
        self._waits = _WaitsSent()

    @property
    def rows_sent(self) -> int:
        return self._rows

    def sent(self) -> Sent:
        """How far each table has been sent: everything before is the viewer's now."""
        waits = self._waits
        return Sent(self._rows, self._updated, self._tasks, waits.targets, waits.holds, waits.levels)

    def header(self, meta: Mapping[str, Any]) -> None:
        """Start the stream: magic, format version and the run's description."""
        with self._lock:
            if self._started:
                raise RuntimeError("StreamWriter.header() was already sent: a second one would corrupt the stream")
            self._write(MAGIC + _VERSION.pack(FORMAT_MAJOR, FORMAT_MINOR) + encode_chunk(ChunkType.META, _json_bytes(dict(meta))))
            self._started = True

    def chunk(self, chunk_type: int, payload: bytes) -> None:
        """Send one chunk as it is (the typed methods below are built on it)."""
        self._send(encode_chunk(chunk_type, payload))

    def output(self, t_ns: int, stream: str, text: str) -> None:
        self.chunk(ChunkType.OUTPUT, _json_bytes({"t": t_ns, "stream": stream, "text": text}))

    def status(self, status: Mapping[str, Any]) -> None:
        self.chunk(ChunkType.STATUS, _json_bytes(dict(status)))

    def end(self, end: Mapping[str, Any]) -> None:
        self.chunk(ChunkType.END, _json_bytes(dict(end)))

    def reply(self, reply: Mapping[str, Any]) -> None:
        self.chunk(ChunkType.REPLY, _json_bytes(dict(reply)))

    def flush(self) -> int:
        """Send everything new since the last flush in one write; return the rows sent."""
        with self._lock:
            self._check_started()
            out = bytearray()
            with self.record_lock:
                sent = self._collect(out)
            if out:
                self._write(bytes(out))
            return sent

    def _send(self, data: bytes) -> None:
        with self._lock:
            self._check_started()
            self._write(data)

    def _check_started(self) -> None:
        if not self._started:
            raise RuntimeError("StreamWriter.header() must be sent before any chunk")

    def _collect(self, out: bytearray) -> int:
        record = self.record
        committed = record.row_base + len(record.args)  # first: args is the column the appender extends last
        waits = self._waits.ends(record)  # before the tasks: what they name was added before them
        updated_end = record.updated_base + len(record.updated)  # before the tasks are read: a touch follows its change
        task_end = len(record.tasks)
        string_end = len(record.strings)
        joins = _snapshot(lambda: set(record.join_labels))
        stalls = _snapshot(lambda: list(record.stalls.items()))
        self._add_strings(out, string_end, joins)
        self._add_tasks(out, task_end, updated_end)
        self._add_stalls(out, stalls)
        sent = self._add_rows(out, committed)
        self._waits.add(out, record, waits, committed, task_end)
        return sent

    def _add_strings(self, out: bytearray, string_end: int, joins: set[int]) -> None:
        # A join label whose string is newer than this snapshot waits for the next flush.
        new_joins = sorted(sid for sid in joins - self._joins if sid < string_end)
        strings = self.record.strings[self._strings : string_end]
        if not strings and not new_joins:
            return
        for begin in range(0, max(1, len(strings)), _ITEMS_PER_CHUNK):
            batch = strings[begin : begin + _ITEMS_PER_CHUNK]
            last = begin + _ITEMS_PER_CHUNK >= len(strings)
            body = {"first": self._strings + begin, "strings": batch, "joins": new_joins if last else []}
            out += encode_chunk(ChunkType.STRINGS, _json_bytes(body))
        self._strings = string_end
        self._joins.update(new_joins)

    def _add_tasks(self, out: bytearray, task_end: int, updated_end: int) -> None:
        record = self.record
        tasks, base = record.tasks, record.updated_base
        changed = {tid for tid in record.updated[self._updated - base : updated_end - base]
                   if 0 <= tid < self._tasks and tasks[tid] is not FORGOTTEN}
        ids = sorted(changed) + list(range(self._tasks, task_end))
        for begin in range(0, len(ids), _ITEMS_PER_CHUNK):
            batch = [_task_dict(tasks[tid]) for tid in ids[begin : begin + _ITEMS_PER_CHUNK]]
            out += encode_chunk(ChunkType.TASKS, _json_bytes(batch))
        self._updated = updated_end
        self._tasks = max(self._tasks, task_end)

    def _add_stalls(self, out: bytearray, stalls: list[tuple[int, str]]) -> None:
        new = [(start, line) for start, line in stalls if self._stalls.get(start) != line]
        for begin in range(0, len(new), _ITEMS_PER_CHUNK):
            out += encode_chunk(ChunkType.STALLS, _json_bytes(new[begin : begin + _ITEMS_PER_CHUNK]))
        self._stalls.update(new)

    def _add_rows(self, out: bytearray, committed: int) -> int:
        record, first = self.record, self._rows
        base = record.row_base
        for start in range(first, committed, _ROWS_PER_CHUNK):
            stop = min(committed, start + _ROWS_PER_CHUNK)
            out += encode_chunk(
                ChunkType.ROWS,
                b"".join(
                    [_ROWS_HEAD.pack(start, stop - start)]
                    + [_column_bytes(column, start - base, stop - base)
                       for column in (record.starts, record.times, record.codes, record.args)]
                ),
            )
        self._rows = max(first, committed)
        return self._rows - first


class Sent(NamedTuple):
    """How far a StreamWriter has sent each growing table, counted from the run's first entry."""

    rows: int
    updated: int
    tasks: int
    targets: int
    holds: int
    levels: int


class _WaitEnds(NamedTuple):
    """How far each wait-for table had grown when a flush began (see ``_WaitsSent.ends``)."""

    targets: int
    holds: int
    levels: int
    alerts: int
    objects_updated: int
    objects: int


class _WaitsSent:
    """The WAITS and ALERTS half of a StreamWriter: what of the wait-for tables is sent so far."""

    def __init__(self) -> None:
        self.targets = self.holds = self.levels = self.alerts = self.objects = self.objects_updated = 0

    @staticmethod
    def ends(record: EventRecord) -> _WaitEnds:
        """The tables' lengths, read in the order the loop thread appends to them (an object
        before the targets naming it, a task before an object naming it): each table read
        names only what the ones read after it hold."""
        targets = record.target_base + len(record.targets)
        holds = record.hold_base + len(record.holds)
        levels = record.level_base + len(record.levels)
        return _WaitEnds(targets & ~1, holds - holds % 3, levels - levels % 3, len(record.alerts),
                         len(record.objects_updated), len(record.objects))

    def add(self, out: bytearray, record: EventRecord, ends: _WaitEnds, committed: int, task_end: int) -> None:
        """Chunks for what is new; a target whose row is not sent yet waits for the next flush."""
        targets, base = record.targets, record.target_base
        target_end = self.targets
        while target_end < ends.targets and targets[target_end - base] < committed:
            target_end += 2
        changed = sorted({oid for oid in record.objects_updated[self.objects_updated : ends.objects_updated]
                          if oid < self.objects})
        ids = changed + list(range(self.objects, ends.objects))
        objects = [_object_dict(record.objects[oid], task_end) for oid in ids]
        pairs = [[int(row), int(oid)] for row, oid in zip(targets[self.targets - base : target_end - base : 2],
                                                             targets[self.targets + 1 - base : target_end - base : 2])]
        holds = record.holds[self.holds - record.hold_base : ends.holds - record.hold_base]
        triples = [[int(holds[i]), int(holds[i + 1]), int(holds[i + 2])] for i in range(0, len(holds), 3)]
        for key, items in (("objects", objects), ("targets", pairs), ("holds", triples)):  # objects before what names them
            for begin in range(0, len(items), _ITEMS_PER_CHUNK):
                out += encode_chunk(ChunkType.WAITS, _json_bytes({key: items[begin : begin + _ITEMS_PER_CHUNK]}))
        for start in range(self.levels, ends.levels, 3 * _ROWS_PER_CHUNK):
            stop = min(ends.levels, start + 3 * _ROWS_PER_CHUNK)
            out += encode_chunk(ChunkType.LEVELS, _ROWS_HEAD.pack(start // 3, (stop - start) // 3)
                                + _column_bytes(record.levels, start - record.level_base, stop - record.level_base))
        self.levels = max(self.levels, ends.levels)
        alerts = [[a.time_ns, a.kind, a.task, a.where, a.text] for a in record.alerts[self.alerts : ends.alerts]]
        for begin in range(0, len(alerts), _ITEMS_PER_CHUNK):
            out += encode_chunk(ChunkType.ALERTS, _json_bytes(alerts[begin : begin + _ITEMS_PER_CHUNK]))
        self.targets, self.holds, self.alerts = target_end, ends.holds, ends.alerts
        self.objects_updated, self.objects = ends.objects_updated, max(self.objects, ends.objects)


def _object_dict(found: WaitObject, task_end: int) -> dict[str, Any]:
    """An object as sent: members the viewer does not know yet come with the object's next update."""
    sent = {"id": found.id, "kind": found.kind, "name": found.name, "tasks": [tid for tid in list(found.tasks) if tid < task_end]}
    if found.size:
        sent["size"] = found.size
    return sent


# -- reading: bytes to chunks -------------------------------------------------------------


class StreamReader:
    """Splits bytes, however they arrive, into checked chunks.

    It keeps an incomplete tail for the next ``feed``, so a pipe read of any size (or a
    recording read block by block) works, and ``pending`` tells how much of a chunk was
    left hanging when the bytes stopped. Chunk types it does not know are dropped here.
    """

    def __init__(self, source: str = "stage") -> None:
        self.source = source  # names the stream in error messages: a file name or "stage"
        self.version: tuple[int, int] | None = None  # (major, minor) once the header is read
        self._buf = bytearray()
        self._base = 0  # stream offset of _buf[0]
        self._error: str | None = None

    @property
    def pending(self) -> int:
        """Bytes held that do not make a complete chunk (or header) yet."""
        return len(self._buf)

    @property
    def offset(self) -> int:
        """Bytes consumed as complete chunks (and the header)."""
        return self._base

    def feed(self, data: bytes) -> list[Chunk]:
        """The chunks ``data`` completes; after an error every call raises it again."""
        if self._error is not None:
            raise StreamError(self._error)
        self._buf += data
        try:
            return self._parse()
        except StreamError as exc:
            self._error = str(exc)
            raise

    def _parse(self) -> list[Chunk]:
        buf = self._buf
        pos = 0
        if self.version is None:
            pos = self._parse_header()
            if self.version is None:
                return []
        chunks: list[Chunk] = []
        while len(buf) - pos >= _CHUNK_HEAD.size:
            chunk_type, length = _CHUNK_HEAD.unpack_from(buf, pos)
            if length > MAX_CHUNK:
                raise self._corrupt(pos)
            body = pos + _CHUNK_HEAD.size
            end = body + length
            if len(buf) < end + _CRC.size:
                break
            payload = bytes(buf[body:end])
            if zlib.crc32(payload, zlib.crc32(bytes((chunk_type,)))) != _CRC.unpack_from(buf, end)[0]:
                raise self._corrupt(pos)
            if chunk_type in _KNOWN_TYPES:
                chunks.append(Chunk(ChunkType(chunk_type), payload, self._base + pos))
            pos = end + _CRC.size
        del buf[:pos]
        self._base += pos
        return chunks

    def _parse_header(self) -> int:
        """Check as much of the header as has arrived: a foreign stream fails at once."""
        head = bytes(self._buf[:HEADER_SIZE])
        if not MAGIC.startswith(head[: len(MAGIC)]):
            raise StreamError(f"{self.source}: not a taskviz recording")
        if len(head) < HEADER_SIZE:
            return 0
        major, minor = _VERSION.unpack_from(head, len(MAGIC))
        if major > FORMAT_MAJOR:
            raise StreamError(
                f"{self.source}: made by a newer taskviz (format {major}.{minor}; this one reads {FORMAT_MAJOR}.x)"
            )
        if major < FORMAT_MAJOR:
            raise StreamError(
                f"{self.source}: made by an older taskviz (format {major}.{minor}; this one reads {FORMAT_MAJOR}.x)"
            )
        self.version = (major, minor)
        return HEADER_SIZE

    def _corrupt(self, pos: int) -> StreamError:
        return StreamError(f"{self.source}: corrupt at byte {self._base + pos}")


# -- reading: chunks to a record ----------------------------------------------------------


class _Bad(Exception):
    """A chunk that framed and checksummed fine but says something impossible."""


_TEXT_FIELDS = frozenset({"coro", "created_at", "name", "group", "kind", "args", "library"})
_MAYBE_TEXT_FIELDS = frozenset({"result", "exception"})
_OUTCOMES = frozenset(int(outcome) for outcome in Outcome)
_LABELLED = frozenset({int(Kind.AWAITING), int(Kind.YIELDED)})


def _short(value: object) -> str:
    """A value for an error message: a corrupt file's field may be any size."""
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _is_int(value: object) -> bool:
    """JSON ``true`` decodes to a bool, which is an int subclass but never a valid id."""
    return type(value) is int


def _decode_json(payload: bytes) -> Any:
    try:
        return json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _Bad("not JSON") from None


def _decode_object(payload: bytes) -> dict[str, Any]:
    value = _decode_json(payload)
    if not isinstance(value, dict):
        raise _Bad("not a JSON object")
    return value


_TASK_FIELDS = tuple((f.name, f.default is MISSING) for f in fields(TaskInfo))


def _decode_task(item: object) -> TaskInfo:
    """A TaskInfo from its JSON object; unknown keys are a newer minor version's, ignored."""
    if not isinstance(item, dict):
        raise _Bad("a task is not an object")
    values: dict[str, Any] = {}
    for name, required in _TASK_FIELDS:
        if name in item:
            values[name] = item[name]
        elif required:
            raise _Bad(f"a task lacks its {name}")
    tid, parent, outcome = values["id"], values["parent"], values.get("outcome")
    if not _is_int(tid) or tid < 0:
        raise _Bad("a task's id is not a number")
    if parent is not None and not (_is_int(parent) and 0 <= parent < tid):
        raise _Bad(f"task {tid} has parent {_short(parent)}")
    if outcome is not None:
        if not _is_int(outcome) or outcome not in _OUTCOMES:
            raise _Bad(f"task {tid} has outcome {_short(outcome)}")
        values["outcome"] = Outcome(outcome)
    for name, value in values.items():
        if (name in _TEXT_FIELDS and not isinstance(value, str)) or (
            name in _MAYBE_TEXT_FIELDS and value is not None and not isinstance(value, str)
        ):
            raise _Bad(f"task {tid} has {name} {_short(value)}")
    return TaskInfo(**values)


def _check_rows(codes: array[int], args: array[int], tasks: int, strings: int) -> None:
    """Every row must name a known task, a real kind and (if it has them) known strings."""
    if not codes:
        return
    if min(codes) < 0 or max(codes) >> KIND_BITS >= tasks:
        raise _Bad(f"a row refers to a task beyond the {tasks} known")
    for code, arg in zip(codes, args, strict=True):
        kind = code & KIND_MASK
        if kind in _LABELLED:
            if arg < 0 or arg >> 32 >= strings or arg & LOCATION_MASK >= strings:
                raise _Bad(f"a row refers to a string beyond the {strings} known")
        elif kind == Kind.CREATED:
            if not 0 <= arg <= code >> KIND_BITS:
                raise _Bad(f"a row gives task {code >> KIND_BITS} parent {arg - 1}")
        elif kind == Kind.DONE:
            if arg not in _OUTCOMES:
                raise _Bad(f"a row gives outcome {arg}")
        elif kind > Kind.DONE:
            raise _Bad(f"a row has kind {kind}")


class _RowBatch:
    """A decoded ROWS chunk, applied to the record as far as each fold's budget allows."""

    def __init__(self, payload: bytes, record: EventRecord) -> None:
        if len(payload) < _ROWS_HEAD.size:
            raise _Bad("rows without their header")
        first, n = _ROWS_HEAD.unpack_from(payload)
        if len(payload) != _ROWS_HEAD.size + n * _ROW_BYTES:
            raise _Bad(f"{n} rows in {len(payload)} bytes")
        if first != record.rows_written:
            raise _Bad(f"rows from {first} follow {record.rows_written}")
        columns = []
        for index in range(4):
            column = array(COLUMN)
            begin = _ROWS_HEAD.size + index * n * 8
            column.frombytes(payload[begin : begin + n * 8])
            if _BIG_ENDIAN:
                column.byteswap()
            columns.append(column)
        self.starts, self.times, self.codes, self.args = columns
        _check_rows(self.codes, self.args, len(record.tasks), len(record.strings))
        self.position = 0

    @property
    def remaining(self) -> int:
        return len(self.codes) - self.position

    def apply(self, record: EventRecord, limit: int | None) -> int:
        """Append up to ``limit`` rows, args last, as the stage's own appender does."""
        start = self.position
        stop = len(self.codes) if limit is None else min(len(self.codes), start + limit)
        record.starts.extend(self.starts[start:stop])
        record.times.extend(self.times[start:stop])
        record.codes.extend(self.codes[start:stop])
        record.args.extend(self.args[start:stop])
        self.position = stop
        return stop - start


def _list_of(body: dict[str, Any], key: str) -> list[Any]:
    value = body.get(key, [])
    if not isinstance(value, list):
        raise _Bad(f"{key} are not a list")
    return value


def _ints(item: object, n: int) -> bool:
    return isinstance(item, list) and len(item) == n and all(_is_int(value) for value in item)


def _decode_object_item(item: object, tasks: int) -> WaitObject:
    """A WaitObject from its JSON object; unknown keys are a newer minor version's, ignored."""
    if not isinstance(item, dict):
        raise _Bad("an object is not an object")
    oid, kind, name, members = item.get("id"), item.get("kind"), item.get("name", ""), item.get("tasks", [])
    size = item.get("size", 0)
    if not (_is_int(oid) and oid >= 0 and isinstance(kind, str) and isinstance(name, str) and _is_int(size) and size >= 0):
        raise _Bad(f"object {_short(oid)}")
    if not isinstance(members, list) or not all(_is_int(tid) and 0 <= tid < tasks for tid in members):
        raise _Bad(f"object {oid} joins tasks {_short(members)}")
    return WaitObject(oid, kind, name, members, size)


def _update_in_place(held: TaskInfo, fresh: TaskInfo) -> None:
    """A resent task changes the TaskInfo already held: models keep references to it."""
    for name in TaskInfo.__slots__:  # type: ignore[attr-defined]
        setattr(held, name, getattr(fresh, name))


class RecordBuilder:
    """Folds chunks into an EventRecord, a bounded number of rows at a time.

    A viewer adds chunks as they arrive and folds between frames: ``max_rows`` keeps one
    fold short even when a long backlog arrived at once (a ROWS chunk is applied in
    parts), while the small chunks in between are applied whole and in order.
    """

    def __init__(self, record: EventRecord | None = None, *, source: str = "stage") -> None:
        self.record = record if record is not None else EventRecord()
        self.source = source  # names the stream in error messages
        self.meta: dict[str, Any] = {}
        self.outputs: list[dict[str, Any]] = []
        self.status: dict[str, Any] = {}  # the last STATUS
        self.end: dict[str, Any] | None = None
        self.replies: list[dict[str, Any]] = []
        self._queue: deque[Chunk] = deque()
        self._rows: _RowBatch | None = None
        self._backlog = 0
        self._apply_by_type: dict[int, Callable[[bytes], None]] = {
            ChunkType.META: self._meta,
            ChunkType.STRINGS: self._strings,
            ChunkType.TASKS: self._tasks,
            ChunkType.STALLS: self._stalls,
            ChunkType.OUTPUT: self._output,
            ChunkType.STATUS: self._status,
            ChunkType.END: self._end,
            ChunkType.REPLY: self._reply,
            ChunkType.WAITS: self._waits,
            ChunkType.ALERTS: self._alerts,
            ChunkType.LEVELS: self._levels,
        }

    @property
    def backlog_rows(self) -> int:
        """Rows added but not folded into the record yet."""
        return self._backlog

    @property
    def folded(self) -> bool:
        """Everything added has been applied: rows, and the chunks between them (an END too)."""
        return not self._queue and self._rows is None

    def add(self, chunk: Chunk) -> None:
        self._queue.append(chunk)
        if chunk.type == ChunkType.ROWS:
            self._backlog += max(0, len(chunk.payload) - _ROWS_HEAD.size) // _ROW_BYTES

    def fold(self, max_rows: int | None = None) -> int:
        """Apply queued chunks in order, at most ``max_rows`` rows; return the rows applied.

        A chunk of tasks or strings counts as a row of work per item, so a burst of new
        tasks is spread over calls like rows are.
        """
        applied = work = 0
        while True:
            if self._rows is not None:
                if max_rows is not None and applied >= max_rows:
                    break
                count = self._rows.apply(self.record, None if max_rows is None else max_rows - applied)
                applied += count
                self._backlog -= count
                if not self._rows.remaining:
                    self._rows = None
                continue
            if not self._queue:
                break
            if max_rows is not None and (applied >= max_rows or (work and applied + work >= max_rows)):
                break
            chunk = self._queue.popleft()
            if chunk.type in (ChunkType.TASKS, ChunkType.STRINGS):
                work += _ITEMS_PER_CHUNK
            self._apply(chunk)
        return applied

    def _apply(self, chunk: Chunk) -> None:
        try:
            if chunk.type == ChunkType.ROWS:
                self._rows = _RowBatch(chunk.payload, self.record)
            else:
                apply = self._apply_by_type.get(chunk.type)
                if apply is not None:
                    apply(chunk.payload)
        except _Bad as exc:
            raise StreamError(f"{self.source}: corrupt at byte {chunk.offset} ({exc})") from None

    def _meta(self, payload: bytes) -> None:
        self.meta.update(_decode_object(payload))  # a later META adds to what is known

    def _strings(self, payload: bytes) -> None:
        body = _decode_object(payload)
        first, strings, joins = body.get("first"), body.get("strings", []), body.get("joins", [])
        record = self.record
        if first != len(record.strings):
            raise _Bad(f"strings from {_short(first)} follow {len(record.strings)}")
        if not isinstance(strings, list) or not all(isinstance(text, str) for text in strings):
            raise _Bad("strings are not a list of text")
        if not isinstance(joins, list) or not all(_is_int(sid) for sid in joins):
            raise _Bad("joins are not a list of ids")
        for text in strings:
            if record.intern(text) != len(record.strings) - 1:
                raise _Bad(f"string {_short(text)} sent twice")
        if any(not 0 <= sid < len(record.strings) for sid in joins):
            raise _Bad("a join label beyond the strings known")
        record.join_labels.update(joins)

    def _tasks(self, payload: bytes) -> None:
        items = _decode_json(payload)
        if not isinstance(items, list):
            raise _Bad("tasks are not a list")
        tasks = self.record.tasks
        for item in items:
            info = _decode_task(item)
            if info.id < len(tasks):
                _update_in_place(tasks[info.id], info)
                self.record.touch(info.id)  # a viewer's models see what changed (model/folding.py)
            elif info.id == len(tasks):
                tasks.append(info)
            else:
                raise _Bad(f"task {info.id} follows {len(tasks)}")

    def _stalls(self, payload: bytes) -> None:
        items = _decode_json(payload)
        if not isinstance(items, list):
            raise _Bad("stalls are not a list")
        for item in items:
            if not (isinstance(item, list) and len(item) == 2 and _is_int(item[0]) and isinstance(item[1], str)):
                raise _Bad(f"stall {_short(item)}")
            self.record.stalls[item[0]] = item[1]

    def _waits(self, payload: bytes) -> None:
        body = _decode_object(payload)
        record = self.record
        for item in _list_of(body, "objects"):
            found = _decode_object_item(item, len(record.tasks))
            if found.id < len(record.objects):
                held = record.objects[found.id]
                held.kind, held.name, held.tasks, held.size = found.kind, found.name, found.tasks, found.size
            elif found.id == len(record.objects):
                record.objects.append(found)
            else:
                raise _Bad(f"object {found.id} follows {len(record.objects)}")
        rows, objects, tasks = record.rows_written, len(record.objects), len(record.tasks)
        for item in _list_of(body, "targets"):
            if not (_ints(item, 2) and 0 <= item[0] < rows and 0 <= item[1] < objects):
                raise _Bad(f"target {_short(item)}")
            record.targets.extend(item)
        for item in _list_of(body, "holds"):
            if not (_ints(item, 3) and item[0] >= 0 and 0 <= item[1] < objects and 0 <= item[2] <= tasks):
                raise _Bad(f"hold {_short(item)}")
            record.holds.extend(item)

    def _levels(self, payload: bytes) -> None:
        if len(payload) < _ROWS_HEAD.size:
            raise _Bad("levels without their header")
        first, n = _ROWS_HEAD.unpack_from(payload)
        record = self.record
        if len(payload) != _ROWS_HEAD.size + n * _LEVEL_BYTES or first != (record.level_base + len(record.levels)) // 3:
            raise _Bad(f"{n} levels from {first} in {len(payload)} bytes")
        levels = array(COLUMN)
        levels.frombytes(payload[_ROWS_HEAD.size :])
        if _BIG_ENDIAN:
            levels.byteswap()
        if n and max(levels[1::3]) >= len(record.objects):
            raise _Bad("a level of an object not known")
        record.levels.extend(levels)

    def _alerts(self, payload: bytes) -> None:
        items = _decode_json(payload)
        if not isinstance(items, list):
            raise _Bad("alerts are not a list")
        tasks = len(self.record.tasks)
        for item in items:
            if not (isinstance(item, list) and len(item) == 5 and _is_int(item[0]) and item[0] >= 0
                    and isinstance(item[1], str) and _is_int(item[2]) and -1 <= item[2] < tasks
                    and isinstance(item[3], str) and isinstance(item[4], str)):
                raise _Bad(f"alert {_short(item)}")
            self.record.alerts.append(Alert(*item))

    def _output(self, payload: bytes) -> None:
        body = _decode_object(payload)
        if not (_is_int(body.get("t")) and isinstance(body.get("stream"), str) and isinstance(body.get("text"), str)):
            raise _Bad("output without its time, stream or text")
        self.outputs.append(body)

    def _status(self, payload: bytes) -> None:
        self.status = _decode_object(payload)

    def _end(self, payload: bytes) -> None:
        self.end = _decode_object(payload)

    def _reply(self, payload: bytes) -> None:
        self.replies.append(_decode_object(payload))


# -- files --------------------------------------------------------------------------------


@dataclass
class Recording:
    """A recording opened from a file; ``truncated`` and ``note`` say when it is partial."""

    meta: dict[str, Any]
    record: EventRecord
    outputs: list[dict[str, Any]] = field(default_factory=list)
    status: dict[str, Any] = field(default_factory=dict)
    end: dict[str, Any] | None = None
    truncated: bool = False
    note: str = ""


def _open_recording(path: str | os.PathLike[str], name: str) -> Any:
    """Open a regular file only: a FIFO or a device could block the app or never end."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise StreamError(f"{name}: no such file") from None
    except (OSError, ValueError) as exc:
        raise StreamError(f"{name}: cannot open it ({_reason(exc)})") from None
    if stat.S_ISDIR(mode):
        raise StreamError(f"{name}: is a folder, not a taskviz recording")
    if not stat.S_ISREG(mode):
        raise StreamError(f"{name}: not a regular file, so not a taskviz recording")
    try:
        return open(path, "rb")
    except OSError as exc:
        raise StreamError(f"{name}: cannot open it ({_reason(exc)})") from None


def _reason(exc: BaseException) -> str:
    text = getattr(exc, "strerror", None) or str(exc)
    return text.splitlines()[0] if text else type(exc).__name__


def read_file(path: str | os.PathLike[str]) -> Recording:
    """Open a recording; raises only StreamError, with one line naming the file.

    A file cut short (the run crashed or was killed while recording) opens up to its last
    complete chunk, marked ``truncated``: what was recorded is still worth seeing.
    """
    name = str(path)
    reader = StreamReader(name)
    builder = RecordBuilder(source=name)
    size = 0
    with _open_recording(path, name) as file:
        while True:
            try:
                block = file.read(_READ_BLOCK)
            except OSError as exc:
                raise StreamError(f"{name}: cannot read it ({_reason(exc)})") from None
            if not block:
                break
            size += len(block)
            for chunk in reader.feed(block):
                builder.add(chunk)
            builder.fold()  # as it goes, so payloads are not all held at once
    if size == 0:
        raise StreamError(f"{name}: empty file, not a taskviz recording")
    if reader.version is None:
        raise StreamError(f"{name}: cut short inside its header")
    note = ""
    if reader.pending:
        note = f"{name}: ends mid-chunk at byte {size}: the run was cut short; showing what was recorded"
    elif builder.end is None:
        note = f"{name}: has no end: the run was cut short; showing what was recorded"
    return Recording(builder.meta, builder.record, builder.outputs, builder.status, builder.end, bool(note), note)


def has_forgotten(record: EventRecord) -> bool:
    """Whether ``record`` has dropped anything from its front (``EventRecord.forget``)."""
    if record.row_base or record.target_base or record.hold_base or record.level_base:
        return True
    return any(info is FORGOTTEN for info in record.tasks)


def write_file(
    path: str | os.PathLike[str],
    meta: Mapping[str, Any],
    record: EventRecord,
    outputs: Iterable[Mapping[str, Any]] = (),
    end: Mapping[str, Any] | None = None,
) -> None:
    """Save a run. Without ``end`` the file reads back as cut short, as an unfinished run is.

    A record that has forgotten its start is refused (ValueError): a file holds a run from
    its first row, and one made of what is left would not read back as any run. A viewer
    saves such a run from the stream it kept whole instead (``StageLink.copy_stream``).
    """
    if has_forgotten(record):
        raise ValueError(f"write_file: the record has forgotten the run's start ({record.row_base:,} rows); "
                         "a file holds a run from its first row")
    with open(path, "wb") as file:
        writer = StreamWriter(file.write, record)
        writer.header(meta)
        writer.flush()
        for output in outputs:
            writer.output(output["t"], output["stream"], output["text"])
        if end is not None:
            writer.end(end)
