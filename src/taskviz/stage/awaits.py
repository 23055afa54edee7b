"""Where a suspended task stopped, and what it is waiting for.

A task's own frame is only the outermost link: ``await fetch()`` suspends inside
``fetch``, which may suspend inside ``asyncio.sleep``. Following ``cr_await`` down the
chain finds the innermost frame that belongs to the user (the line to show) and the
first library call below it (what is awaited, in words a learner knows).
"""

from __future__ import annotations

import asyncio
import os
import sysconfig
import types
from pathlib import Path
from typing import Any

import taskviz

from ..wire.record import EventRecord

PACKAGE_DIR = str(Path(taskviz.__file__).resolve().parent) + os.sep


def _library_prefixes() -> tuple[str, ...]:
    paths = sysconfig.get_paths()
    roots = {paths[key] for key in ("stdlib", "platstdlib", "purelib", "platlib") if key in paths}
    return tuple(sorted({str(Path(root).resolve()) + os.sep for root in roots} | {PACKAGE_DIR}))


_LIBRARY = _library_prefixes()
_USER_INSIDE_LIBRARY = (PACKAGE_DIR + "scenarios" + os.sep,)


def is_user_file(filename: str) -> bool:
    """User code is what a learner wrote or reads: scenarios and scripts, not libraries."""
    if filename.startswith("<"):
        return False
    path = os.path.realpath(filename)
    if path.startswith(_USER_INSIDE_LIBRARY):
        return True
    return not path.startswith(_LIBRARY)


def display_path(filename: str) -> str:
    """Short, stable path: ``scenarios/basic.py``, ``asyncio/tasks.py``, or relative to cwd."""
    path = Path(os.path.realpath(filename))
    if path.parent.name == "scenarios":
        return f"scenarios/{path.name}"
    real = str(path)
    if real.startswith(_LIBRARY):
        for prefix in _LIBRARY:
            if real.startswith(prefix) and prefix != PACKAGE_DIR:
                return real[len(prefix):]
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# asyncio calls whose suspension a learner should read by name; "join" ones wait on
# other tasks, so their time is not counted as the program's own waiting.
_ASYNCIO_LABELS: dict[str, tuple[str, bool]] = {
    "Queue.get": ("Queue.get", False),
    "Queue.put": ("Queue.put", False),
    "Queue.join": ("Queue.join", False),
    "Lock.acquire": ("Lock.acquire", False),
    "Event.wait": ("Event.wait", False),
    "Condition.wait": ("Condition.wait", False),
    "Condition.wait_for": ("Condition.wait_for", False),
    "Semaphore.acquire": ("Semaphore.acquire", False),
    "Barrier.wait": ("Barrier.wait", False),
    "to_thread": ("to_thread (executor)", False),
    "StreamReader._wait_for_data": ("socket read", False),
    "StreamWriter.drain": ("socket write", False),
    "FlowControlMixin._drain_helper": ("socket write", False),
    "BaseSelectorEventLoop.sock_recv": ("socket read", False),
    "BaseSelectorEventLoop.sock_recv_into": ("socket read", False),
    "BaseSelectorEventLoop.sock_sendall": ("socket write", False),
    "BaseSelectorEventLoop.sock_connect": ("socket connect", False),
    "BaseSelectorEventLoop.sock_accept": ("socket accept", False),
    "BaseEventLoop.create_connection": ("socket connect", False),
    "BaseEventLoop.getaddrinfo": ("getaddrinfo (executor)", False),
    "BaseEventLoop.run_in_executor": ("executor", False),
    "open_connection": ("socket connect", False),
    "wait_for": ("wait_for", True),
    "wait": ("asyncio.wait", True),
    "_wait_for_one": ("as_completed", True),
    "as_completed.<locals>._wait_for_one": ("as_completed", True),
    "TaskGroup.__aexit__": ("TaskGroup", True),
    "TaskGroup._aexit": ("TaskGroup", True),
    "Server.serve_forever": ("serve_forever", False),
    "BaseEventLoop.shutdown_default_executor": ("executor shutdown", False),
}

# aiohttp's internals, named for what they wait on (aiohttp is the tutorial's HTTP library).
_AIOHTTP_LABELS: dict[str, tuple[str, bool]] = {
    "DataQueue.read": ("socket read", False),
    "StreamReader._wait": ("socket read", False),
    "StreamReader.read": ("socket read", False),
    "StreamReader.readany": ("socket read", False),
    "StreamReader.readline": ("socket read", False),
    "FlowControlDataQueue.read": ("socket read", False),
    "RequestHandler.start": ("waiting for a request", False),
    "WebSocketResponse.receive": ("websocket receive", False),
    "ClientWebSocketResponse.receive": ("websocket receive", False),
    "TCPConnector._create_connection": ("socket connect", False),
}

_ASYNCIO_DIR = str(Path(asyncio.__file__).resolve().parent) + os.sep
_AIOHTTP_DIR = f"{os.sep}aiohttp{os.sep}"
_SITE_USER, _SITE_OURS, _SITE_LIBRARY = "user", "ours", "library"
_COROUTINE = types.CoroutineType
_GENERATOR = types.GeneratorType
_SLEEP_CODE = asyncio.sleep.__code__


NAMED_JOINS = 1_000  # joins on a task are labelled with its name for this many distinct tasks


def _quantised(delay: Any) -> str:
    """A sleep's delay in two significant figures: ``sleep(random.random())`` must not intern a
    new label at every call (171,000 strings in one run), and 0.30000000000000004 reads as 0.3."""
    if type(delay) not in (int, float):
        return "?"  # float() of the program's own number type would run its code inside the step
    return f"{delay:.2g}" if abs(delay) < 100 else f"{delay:.0f}"


Suspension = tuple[int, int, "float | None"]
"""(label string id, location string id, loop time a sleep ends or None): a plain tuple,
since a NamedTuple costs a quarter of a microsecond at every suspension."""


class AwaitDescriber:
    """Turns a suspended coroutine chain into record string ids, caching what repeats."""

    def __init__(self, record: EventRecord) -> None:
        self._record = record
        # Keyed by id(code): hashing a code object hashes its bytecode, on every lookup.
        # Each value keeps its code object alive, so an id is never reused while cached.
        self._user_code: dict[int, tuple[bool, types.CodeType]] = {}
        self._locations: dict[tuple[types.CodeType, int], int] = {}
        self._code_labels: dict[int, tuple[int, bool, types.CodeType]] = {}
        self._locations_by_offset: dict[tuple[int, int], tuple[int, types.CodeType]] = {}
        self._creation_sites: dict[int, str] = {}
        self._keep: list[types.CodeType] = []  # code objects whose ids key _creation_sites
        self._joined_names: set[str] = set()

    def is_user_code(self, code: types.CodeType) -> bool:
        known = self._user_code.get(id(code))
        if known is None:
            known = self._user_code[id(code)] = (is_user_file(code.co_filename), code)
        return known[0]

    def creation_site(self, frame: types.FrameType | None) -> int:
        """String id of the innermost user line in a creator's stack, 0 if taskviz itself created it."""
        known_sites = self._creation_sites
        while frame is not None:
            code = frame.f_code
            kind = known_sites.get(id(code))
            if kind is None:
                if self.is_user_code(code):
                    kind = _SITE_USER
                elif code.co_filename.startswith(PACKAGE_DIR):
                    kind = _SITE_OURS
                else:
                    kind = _SITE_LIBRARY
                known_sites[id(code)] = kind
                self._keep.append(code)
            if kind is _SITE_USER:
                return self.location_at(frame)
            if kind is _SITE_OURS:
                return 0
            frame = frame.f_back
        return 0

    def location_of(self, code: types.CodeType, line: int | None) -> int:
        key = (code, line or code.co_firstlineno)
        sid = self._locations.get(key)
        if sid is None:
            text = f"{display_path(code.co_filename)}:{key[1]}"
            sid = self._locations[key] = self._record.intern(text)
        return sid

    def describe(self, coro: Any, awaited: Any) -> Suspension:
        """Label and line for a task whose step just yielded ``awaited``.

        Runs at every suspension, so the walk touches only cached facts about code
        objects: whether each is user code, and what label its library frames carry.
        """
        user_code = self._user_code
        code_labels = self._code_labels
        user: types.FrameType | None = None
        outer: types.FrameType | None = None
        first_lib: types.FrameType | None = None  # the library call the user made
        known: types.FrameType | None = None  # the first library frame with a label a learner knows
        link = coro
        while True:
            kind = type(link)
            if kind is _COROUTINE:
                frame, link = link.cr_frame, link.cr_await
            elif kind is _GENERATOR:
                frame, link = link.gi_frame, link.gi_yieldfrom
            else:
                break
            if frame is None:
                break
            if outer is None:
                outer = frame
            code = frame.f_code
            mine = user_code.get(id(code))
            if mine is None:
                mine = self.is_user_code(code)
            else:
                mine = mine[0]
            if mine:
                user, first_lib, known = frame, None, None
                continue
            if first_lib is None:
                first_lib = frame
            label = code_labels.get(id(code))
            if label is None:
                label = self._code_label(code)
            if label[1] and known is None:
                known = frame  # the outermost call a learner knows: Queue.join, not the Event.wait inside
        shown = user if user is not None else outer
        location = 0 if shown is None else self.location_at(shown)
        if known is not None:
            code = known.f_code
            if code is _SLEEP_CODE:
                local = known.f_locals
                handle = local.get("h")
                deadline = handle.when() if handle is not None else None
                return self._record.intern(f"sleep {_quantised(local.get('delay', 0))}s"), location, deadline
            return code_labels[id(code)][0], location, None
        if first_lib is not None:
            return code_labels[id(first_lib.f_code)][0], location, None
        return self._future_label(awaited), location, None

    def location_at(self, frame: types.FrameType) -> int:
        """The string id of the line ``frame`` is at, cached per code offset."""
        code = frame.f_code
        key = (id(code), frame.f_lasti)
        cached = self._locations_by_offset.get(key)
        if cached is None:
            cached = self._locations_by_offset[key] = (self.location_of(code, frame.f_lineno), code)
        return cached[0]

    def _code_label(self, code: types.CodeType) -> tuple[int, bool, types.CodeType]:
        """(label id, whether the label is a known one, code), cached per code object."""
        cached = self._code_labels.get(id(code))
        if cached is None:
            record = self._record
            qualname = code.co_qualname
            in_asyncio = code.co_filename.startswith(_ASYNCIO_DIR)
            if in_asyncio:
                known = _ASYNCIO_LABELS.get(qualname)
            else:
                known = _AIOHTTP_LABELS.get(qualname) if _AIOHTTP_DIR in code.co_filename else None
            if code is _SLEEP_CODE:
                known = ("sleep", False)
            if known is not None:
                text, join = known
            else:
                text, join = f"{Path(code.co_filename).stem}: {qualname}", False
            sid = record.intern(text)
            if join:
                record.join_labels.add(sid)
            cached = self._code_labels[id(code)] = (sid, known is not None, code)
        return cached

    def _future_label(self, awaited: Any) -> int:
        record = self._record
        if isinstance(awaited, asyncio.Task):
            # named while there are few; a server joining 60,000 tasks must not intern 60,000 labels
            name = awaited.get_name() if len(self._joined_names) < NAMED_JOINS else None
            if name is not None:
                self._joined_names.add(name)
            sid = record.intern(f"task {name}" if name is not None else "a task")
            record.join_labels.add(sid)
            return sid
        kind = type(awaited).__name__
        if kind == "_GatheringFuture":
            sid = record.intern(f"gather ({len(getattr(awaited, '_children', ()))})")
            record.join_labels.add(sid)
            return sid
        callbacks = getattr(awaited, "_callbacks", None) or ()
        if any(getattr(cb[0] if isinstance(cb, tuple) else cb, "__name__", "") == "_call_check_cancel" for cb in callbacks):
            return record.intern("executor")
        if awaited is None:
            return record.intern("yield")
        return record.intern("future")
