"""What kind of thing a task waits on, read from the label the record gives its wait.

One table for every view: the timeline model stores the kind beside each awaiting
interval, the palette gives each kind its glyph and colour, and the legends (headless
and app) are built from both, so no two places can classify or draw a wait differently.

The labels come from the stage (``stage/awaits.py``): names a learner knows
(``Queue.get``, ``socket read``), ``sleep 0.5s``, joins (``task NAME``, ``gather (3)``,
``TaskGroup``), and, for library calls it has no name for, ``module: qualname``, which
is classified by its module.
"""

from __future__ import annotations

from enum import IntEnum


class WaitKind(IntEnum):
    """Kinds of wait, in the order the legend names them. OTHER is 0 so that an awaiting
    interval with no kind stored is an OTHER one."""

    OTHER = 0
    SLEEP = 1
    NETWORK = 2
    LOCK = 3
    QUEUE = 4
    EVENT = 5
    JOIN = 6
    EXECUTOR = 7


_EXACT: dict[str, WaitKind] = {
    "sleep": WaitKind.SLEEP,
    "socket read": WaitKind.NETWORK,
    "socket write": WaitKind.NETWORK,
    "socket connect": WaitKind.NETWORK,
    "socket accept": WaitKind.NETWORK,
    "getaddrinfo (executor)": WaitKind.NETWORK,  # a DNS lookup: network, though a thread does it
    "websocket receive": WaitKind.NETWORK,
    "waiting for a request": WaitKind.NETWORK,
    "serve_forever": WaitKind.NETWORK,
    "Lock.acquire": WaitKind.LOCK,
    "Semaphore.acquire": WaitKind.LOCK,
    "Condition.wait": WaitKind.LOCK,
    "Condition.wait_for": WaitKind.LOCK,
    "Barrier.wait": WaitKind.LOCK,  # built on a Condition: held back until the others arrive
    "Queue.get": WaitKind.QUEUE,
    "Queue.put": WaitKind.QUEUE,
    "Queue.join": WaitKind.QUEUE,  # waits on the queue's work, not on a named task
    "Event.wait": WaitKind.EVENT,
    "wait_for": WaitKind.JOIN,
    "asyncio.wait": WaitKind.JOIN,
    "as_completed": WaitKind.JOIN,
    "TaskGroup": WaitKind.JOIN,
    "a task": WaitKind.JOIN,
    "to_thread (executor)": WaitKind.EXECUTOR,
    "executor": WaitKind.EXECUTOR,
    "executor shutdown": WaitKind.EXECUTOR,
}

_PREFIXES: tuple[tuple[str, WaitKind], ...] = (
    ("sleep ", WaitKind.SLEEP),  # "sleep 0.5s"
    ("task ", WaitKind.JOIN),  # "task worker-1": awaiting another task
    ("gather (", WaitKind.JOIN),  # "gather (3)"
)

# Library calls without a name of their own are labelled "module: qualname"; the module says
# enough. asyncio's and aiohttp's I/O modules, and asyncio's primitives by the file they live in.
_MODULES: dict[str, WaitKind] = {
    "selector_events": WaitKind.NETWORK,
    "proactor_events": WaitKind.NETWORK,
    "base_events": WaitKind.NETWORK,  # create_server, create_connection, sendfile
    "streams": WaitKind.NETWORK,
    "sslproto": WaitKind.NETWORK,
    "client": WaitKind.NETWORK,
    "client_reqrep": WaitKind.NETWORK,
    "client_proto": WaitKind.NETWORK,
    "client_ws": WaitKind.NETWORK,
    "connector": WaitKind.NETWORK,
    "web_runner": WaitKind.NETWORK,
    "web_protocol": WaitKind.NETWORK,
    "web_ws": WaitKind.NETWORK,
    "http_websocket": WaitKind.NETWORK,
    "base_protocol": WaitKind.NETWORK,
    "locks": WaitKind.LOCK,
    "queues": WaitKind.QUEUE,
    "tasks": WaitKind.JOIN,
    "taskgroups": WaitKind.JOIN,
    "threads": WaitKind.EXECUTOR,
}


def wait_kind(label: str) -> WaitKind:
    """The kind of wait a label names; OTHER for a bare future, a yield, or code we cannot tell."""
    kind = _EXACT.get(label)
    if kind is not None:
        return kind
    for prefix, kind in _PREFIXES:
        if label.startswith(prefix):
            return kind
    module, colon, _ = label.partition(": ")
    if colon:
        return _MODULES.get(module, WaitKind.OTHER)
    return WaitKind.OTHER


# How an awaiting interval keeps its kind in the model at no extra memory: a track's state
# byte holds the State in its low bits and, for AWAITING, the WaitKind above them.
KIND_SHIFT = 4
STATE_MASK = (1 << KIND_SHIFT) - 1
CODES = 1 << (KIND_SHIFT + 3)  # every code a state byte can hold: 8 kinds over 16 states, < 128


def kind_of_code(code: int) -> WaitKind:
    """The wait kind a state byte (or a cell from ``cells(..., kinds=True)``) carries."""
    return WaitKind(code >> KIND_SHIFT)
