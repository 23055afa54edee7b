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

# What the wait-for graph needs of a wait in these asyncio calls: the object awaited (the
# primitive a method's ``self`` is, the TaskGroup, the futures of ``asyncio.wait``, what
# ``wait_for`` awaits), resolved by ``stage/waitfor.py`` only for suspensions in them.
_TARGETS: dict[str, str] = {
    "Lock.acquire": "lock",
    "Queue.get": "queue",
    "Queue.put": "queue",
    "Queue.join": "queue",
    "Event.wait": "event",
    "Condition.wait": "condition",
    "Condition.wait_for": "condition",
    "Semaphore.acquire": "semaphore",
    "Barrier.wait": "barrier",
    "TaskGroup.__aexit__": "taskgroup",
    "TaskGroup._aexit": "taskgroup",
    "wait": "wait",
    "wait_for": "wait_for",
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
_STAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep  # the stage's modules: never a task's creator
_COROUTINE = types.CoroutineType
_GENERATOR = types.GeneratorType
LINK_TYPES = (_COROUTINE, _GENERATOR)  # what an await chain is walked through
_SLEEP_CODE = asyncio.sleep.__code__


NAMED_JOINS = 1_000  # joins on a task are labelled with its name for this many distinct tasks


def deeper_wait(below: Any, site: Site) -> Suspension | None:
    """What a coroutine waits on at a ``Site`` of a chain of calls, if ``below``, its callee, still goes down that chain.

    The same offset in the same code (the caller looked it up), through the same calls,
    ending where a future (or anything not a coroutine) is awaited: then the same label,
    line and kind of object as the walk of ``AwaitDescriber.describe`` found there, at a
    fraction of its cost. (A Site of one call is checked inline, in ``wakeups``.) A
    sleep is never a Site: its deadline is new at every call.
    """
    codes = site[0]
    if type(codes) is not tuple or below.cr_code is not codes[0]:
        return None
    link, held, at = below, below, site[4]
    for depth in range(1, len(codes)):
        link = link.cr_await
        if type(link) is not _COROUTINE or link.cr_code is not codes[depth]:
            return None
        if depth == at:
            held = link
    if type(link.cr_await) in LINK_TYPES:
        return None
    kind = site[3]
    return site[1], site[2], None, None if kind is None else (kind, held)


def _depth_of(coro: Any, link: Any) -> int:
    """How many calls below ``coro``'s first callee ``link`` is, along ``cr_await``."""
    depth, below = 0, coro.cr_await
    while below is not link:
        below = below.cr_await
        depth += 1
    return depth


def _quantised(delay: Any) -> str:
    """A sleep's delay in two significant figures: ``sleep(random.random())`` must not intern a
    new label at every call (171,000 strings in one run), and 0.30000000000000004 reads as 0.3."""
    if type(delay) not in (int, float):
        return "?"  # float() of the program's own number type would run its code inside the step
    try:
        return f"{delay:.2g}" if abs(delay) < 100 else f"{delay:.0f}"
    except (OverflowError, ValueError):  # an int too big for a float, or for str()
        return "?"


Target = tuple[str, Any]
"""What a wait is on, unresolved: a kind from ``_TARGETS`` ("lock", "taskgroup"...) and the
suspended asyncio coroutine whose locals say which object; or "task" / "gather" and the
future awaited itself. ``stage/waitfor.py`` turns it into a WaitObject."""

Suspension = tuple[int, int, "float | None", "Target | None"]
"""(label string id, location string id, loop time a sleep ends or None, what the wait is on
if the wait-for graph needs it): a plain tuple, since a NamedTuple costs a quarter of a
microsecond at every suspension."""

Site = tuple["types.CodeType | tuple[types.CodeType, ...]", int, int, "str | None", int]
"""A wait of the program's own coroutine in library calls, at one offset: (the code of the
one call it made, or the codes of the chain of calls below it, outermost first; label
string id; location string id; the kind of object the wait is on, or None; which call
of the chain holds that object). See ``wakeups`` (one call) and ``deeper_wait``."""

CodeInfo = tuple[bool, int, bool, "dict[int, int]", types.CodeType, "str | None", "dict[int, Site] | None"]
"""What a suspension needs to know of a code object, cached per code: whether it is the
user's, its label's string id, whether the label is one a learner knows, the location
string id at each instruction offset seen so far, the code itself (kept alive, so its
id is never reused while cached), the kind of object a wait in it is on, if wanted, and
for the user's code, the sites it was seen waiting at (see ``describe``)."""

_SLEEP_LABELS_HELD = 4_096  # distinct sleep delays whose label is kept ready: random delays must not grow it


class AwaitDescriber:
    """Turns a suspended coroutine chain into record string ids, caching what repeats."""

    def __init__(self, record: EventRecord) -> None:
        self._record = record
        # Keyed by id(code): hashing a code object hashes its bytecode, on every lookup.
        self._codes: dict[int, CodeInfo] = {}
        self._locations: dict[tuple[types.CodeType, int], int] = {}
        self._sleep_labels: dict[Any, int] = {}
        self._creation_sites: dict[int, str] = {}
        self._keep: list[types.CodeType] = []  # code objects whose ids key _creation_sites
        self._joined_names: set[str] = set()
        self.user_locations: set[int] = set()  # string ids of the program's own lines (see owners)

    def sites_of(self, code: types.CodeType) -> dict[int, Site] | None:
        """The waits seen in ``code``, by offset, if it is the program's (see ``Site``): a new task's wrapper gets them."""
        info = self._codes.get(id(code))
        if info is None:
            info = self._code_info(code)
        return info[6]

    def is_user_code(self, code: types.CodeType) -> bool:
        info = self._codes.get(id(code))
        if info is None:
            info = self._code_info(code)
        return info[0]

    def creation_site(self, frame: types.FrameType | None) -> int:
        """String id of the innermost user line in a creator's stack, 0 if taskviz itself created it.

        The stage's own frames (the hooks that saw the task made) are passed over. Runs
        for every task made, so what each code object is, is worked out once.
        """
        known_sites = self._creation_sites
        while frame is not None:
            code = frame.f_code
            kind = known_sites.get(id(code))
            if kind is None:
                kind = known_sites[id(code)] = self._site_kind(code)
                self._keep.append(code)
            if kind is _SITE_USER:
                return self.location_at(frame)
            if kind is _SITE_OURS:
                return 0
            frame = frame.f_back
        return 0

    def _site_kind(self, code: types.CodeType) -> str:
        if self.is_user_code(code):
            return _SITE_USER
        if code.co_filename.startswith(_STAGE_DIR):
            return _SITE_LIBRARY  # passed over like a library's frames
        if code.co_filename.startswith(PACKAGE_DIR):
            return _SITE_OURS
        return _SITE_LIBRARY

    def location_of(self, code: types.CodeType, line: int | None) -> int:
        key = (code, line or code.co_firstlineno)
        sid = self._locations.get(key)
        if sid is None:
            text = f"{display_path(code.co_filename)}:{key[1]}"
            sid = self._locations[key] = self._record.intern(text)
            if self.is_user_code(code):
                self.user_locations.add(sid)
        return sid

    def describe(self, coro: Any, awaited: Any, traced: Any = None) -> Suspension:
        """Label and line for a task whose step just yielded ``awaited``.

        Runs at every suspension, so the walk reads only ``cr_code`` and ``cr_await`` (no
        frame objects: asking a library coroutine for its frame makes one, and reading
        ``f_code`` raises an audit event) and cached facts about each code object. Only
        the frame whose line is shown, and a sleep's, are looked at.

        A wait of the program's coroutine in library calls (one, as ``Queue.get``, or a
        chain, as ``async with lock``) is kept as a ``Site`` of the program's code, and
        the wrapper of the task, ``traced``, is given that code's sites: a next wait at
        the same offset through the same calls is then known without coming here.
        """
        codes = self._codes
        if type(coro) is _COROUTINE:  # the commonest shape first: the program's coroutine in one library call
            below = coro.cr_await
            if type(below) is _COROUTINE and type(below.cr_await) not in LINK_TYPES:
                mine, called = codes.get(id(coro.cr_code)), codes.get(id(below.cr_code))
                if mine is not None and called is not None and mine[0] and not called[0]:
                    offset = coro.cr_frame.f_lasti
                    location = mine[3].get(offset)
                    if location is not None:
                        if called[4] is _SLEEP_CODE:
                            return self._sleep(below, location)
                        target = called[5] if called[2] else None
                        if traced is not None:
                            mine[6][offset] = (called[4], called[1], location, target, 0)
                            traced._sites = mine[6]
                        return called[1], location, None, None if target is None else (target, below)
        user: Any = None  # the innermost coroutine of the user's: its line is the one shown
        user_info: CodeInfo | None = None
        outer: Any = None
        outer_info: CodeInfo | None = None
        first_lib: CodeInfo | None = None  # the library call the user made
        known: Any = None  # the first library link with a label a learner knows
        known_info: CodeInfo | None = None
        chain: list[types.CodeType] | None = [] if traced is not None else None  # the codes below coro, for a Site
        link = coro
        while True:
            kind = type(link)
            if kind is _COROUTINE:
                code, below = link.cr_code, link.cr_await
            elif kind is _GENERATOR:
                code, below = link.gi_code, link.gi_yieldfrom
                chain = None  # kept as a Site only through coroutines (walked by cr_await)
            else:
                break
            if chain is not None and link is not coro:
                chain.append(code)
            info = codes.get(id(code))
            if info is None:
                info = self._code_info(code)
            if outer is None:
                outer, outer_info = link, info
            if info[0]:
                user, user_info, first_lib, known = link, info, None, None
            else:
                if first_lib is None:
                    first_lib = info
                if known is None and info[2]:
                    known, known_info = link, info  # the outermost call a learner knows: Queue.join, not the Event.wait inside
            link = below
        if user is None:
            user, user_info = outer, outer_info
        location = 0
        if user is not None:  # inlined _location_in: a call costs as much as the rest of this
            frame = user.cr_frame if type(user) is _COROUTINE else user.gi_frame
            if frame is not None:
                location = user_info[3].get(frame.f_lasti)  # type: ignore[index]
                if location is None:
                    location = self._location_in(user, user_info)  # type: ignore[arg-type]
        if known is not None:
            if known_info[4] is _SLEEP_CODE:  # type: ignore[index]
                return self._sleep(known, location)
            target = known_info[5]  # type: ignore[index]
            label, held = known_info[1], known  # type: ignore[index]
        elif first_lib is not None:
            target, label, held = None, first_lib[1], None
        else:
            return self._future_label(awaited, location)
        if chain is not None and len(chain) > 1 and user is coro and user_info[6] is not None and location:  # type: ignore[index]
            sites = user_info[6]  # type: ignore[index]
            sites[frame.f_lasti] = (tuple(chain), label, location, target, 0 if held is None else _depth_of(coro, held))
            traced._sites = sites  # a Site kept for ``deeper_wait``: the program's coroutine is the outer link
        return label, location, None, None if target is None else (target, held)

    def _location_in(self, link: Any, info: CodeInfo) -> int:
        """The string id of the line a suspended coroutine (or generator) is at, cached per offset."""
        frame = link.cr_frame if type(link) is _COROUTINE else link.gi_frame
        if frame is None:
            return 0
        offset = frame.f_lasti
        sid = info[3].get(offset)
        if sid is None:
            sid = info[3][offset] = self.location_of(info[4], frame.f_lineno)
        return sid

    def _sleep(self, link: Any, location: int) -> Suspension:
        """``asyncio.sleep``'s label names its delay, and its timer says when the task is ready."""
        local = link.cr_frame.f_locals
        delay = local.get("delay", 0)
        handle = local.get("h")
        deadline = handle.when() if handle is not None else None
        labels = self._sleep_labels
        sid = labels.get(delay) if type(delay) in (int, float) else None
        if sid is None:
            sid = self._record.intern(f"sleep {_quantised(delay)}s")
            if type(delay) in (int, float) and len(labels) < _SLEEP_LABELS_HELD:
                labels[delay] = sid
        return sid, location, deadline, None

    def location_at(self, frame: types.FrameType) -> int:
        """The string id of the line ``frame`` is at, cached per code offset."""
        code = frame.f_code
        info = self._codes.get(id(code))
        if info is None:
            info = self._code_info(code)
        offset = frame.f_lasti
        sid = info[3].get(offset)
        if sid is None:
            sid = info[3][offset] = self.location_of(code, frame.f_lineno)
        return sid

    def _code_info(self, code: types.CodeType) -> CodeInfo:
        """What a suspension needs to know of ``code`` (see ``CodeInfo``), worked out once."""
        cached = self._codes.get(id(code))
        if cached is not None:
            return cached
        if is_user_file(code.co_filename):
            cached = (True, 0, False, {}, code, None, {})
        else:
            record = self._record
            qualname = code.co_qualname
            target = None
            if code.co_filename.startswith(_ASYNCIO_DIR):
                known = _ASYNCIO_LABELS.get(qualname)
                target = _TARGETS.get(qualname)
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
            cached = (False, sid, known is not None, {}, code, target, None)
        self._codes[id(code)] = cached
        return cached

    def _future_label(self, awaited: Any, location: int) -> Suspension:
        """A future awaited directly: a task or a gather is a join (and a target), else named by what it is."""
        record = self._record
        if isinstance(awaited, asyncio.Task):
            # named while there are few; a server joining 60,000 tasks must not intern 60,000 labels
            name = awaited.get_name() if len(self._joined_names) < NAMED_JOINS else None
            if name is not None:
                self._joined_names.add(name)
            sid = record.intern(f"task {name}" if name is not None else "a task")
            record.join_labels.add(sid)
            return sid, location, None, ("task", awaited)
        kind = type(awaited).__name__
        if kind == "_GatheringFuture":
            sid = record.intern(f"gather ({len(getattr(awaited, '_children', ()))})")
            record.join_labels.add(sid)
            return sid, location, None, ("gather", awaited)
        callbacks = getattr(awaited, "_callbacks", None) or ()
        if any(getattr(cb[0] if isinstance(cb, tuple) else cb, "__name__", "") == "_call_check_cancel" for cb in callbacks):
            return record.intern("executor"), location, None, None
        if awaited is None:
            return record.intern("yield"), location, None, None
        return record.intern("future"), location, None, None
