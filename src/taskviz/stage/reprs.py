"""Describing a program's values for people, without running the program's code inside its steps.

A ``repr`` or ``str`` of a program's object runs the program's code: it may be slow, may
raise, may even raise ``SystemExit``. Inside a step that would change the program's
timing or how it ends. So values of plain built-in types (whose reprs are C code over C
data) are described at once, and anything else is described *later*: when its run ends,
outside every step, each within a size cap and a time cap, any exception it raises shown
as ``<repr failed: ...>``. Until then a row shows ``‹TypeName›``.
"""

from __future__ import annotations

import re

import signal
import threading
import time
import types
from collections.abc import Callable, Iterable, Sequence
from typing import Any

_SCALARS = frozenset({int, float, bool, type(None), str, bytes, complex, range, type(...)})
_CONTAINERS = frozenset({tuple, list, dict, set, frozenset})
_NAMED = frozenset({types.FunctionType, types.BuiltinFunctionType, types.MethodType, types.BuiltinMethodType})
_MAX_ITEMS = 8  # a container longer than this is described by its length: its repr would cost O(n)
_MAX_CHARS = 200  # before any cut for a label
LATER_CAP = 1_000  # values kept for describing later; beyond, the type name stays
REPR_TIME_S = 0.05  # one repr's time, enforced where a timer can interrupt it (the main thread)
BUDGET_S = 0.5  # all of a run's later reprs together


def plain(value: Any, depth: int = 0) -> bool:
    """True when ``repr(value)`` runs no program code and costs little: describe it now."""
    kind = type(value)
    if kind in _SCALARS:
        return kind not in (str, bytes) or len(value) <= 4 * _MAX_CHARS
    if kind in _CONTAINERS:
        if depth >= 2 or len(value) > _MAX_ITEMS:
            return False
        items = value.items() if kind is dict else value
        if kind is dict:
            return all(plain(k, depth + 1) and plain(v, depth + 1) for k, v in items)
        return all(plain(item, depth + 1) for item in items)
    return False


def now(value: Any, limit: int = 60) -> str | None:
    """The description of ``value`` if it can be taken now, else None (it must wait)."""
    kind = type(value)
    if kind in _NAMED:
        return _cut(getattr(value, "__qualname__", kind.__name__), limit)
    if kind in _CONTAINERS and len(value) > _MAX_ITEMS:
        return f"<{kind.__name__} of {len(value):,}>"
    if plain(value):
        try:  # C code over C data, yet it can refuse: an int of 5,000 digits exceeds str()'s limit
            return _cut(repr(value), limit)
        except Exception:
            return None
    return None


def placeholder(value: Any) -> str:
    """What a row shows for a value until it is described: its type, which runs no program code."""
    return f"‹{type(value).__qualname__}›"


def says_nothing(value: Any) -> bool:
    """An object whose repr is object's own (``<Queue at 0x7f…>``): it tells a reader nothing."""
    kind = type(value)
    return kind not in _SCALARS and kind not in _CONTAINERS and kind not in _NAMED and kind.__repr__ is object.__repr__


def careful(value: Any, limit: int = 60) -> str:
    """``repr(value)`` taken now, capped, any exception caught: for use outside steps only."""
    quick = now(value, limit)
    if quick is not None:
        return quick
    try:
        text = repr(value)
    except _TooSlow:
        raise
    except BaseException as exc:  # SystemExit and KeyboardInterrupt from a __repr__ too
        return f"<repr failed: {_plain_exception(exc)}>"
    if not isinstance(text, str):
        return placeholder(value)
    if text.startswith("<") and " object at 0x" in text:
        return type(value).__name__  # the default repr says nothing a person needs
    return _cut(text, limit)


def exception_now(exc: BaseException) -> str | None:
    """``ValueError: no luck`` if the exception's text can be taken now, else None."""
    kind = type(exc)
    if not isinstance(kind.__str__, types.WrapperDescriptorType) or not all(plain(arg) for arg in exc.args):
        return None
    try:
        text = str(exc)
    except Exception:  # its args' str() can refuse (an int of 5,000 digits): describe it later, carefully
        return None
    return f"{kind.__name__}: {text}" if text else kind.__name__


def exception_careful(exc: BaseException) -> str:
    """The exception's text taken now, any failure of its ``__str__`` caught: outside steps only."""
    quick = exception_now(exc)
    if quick is not None:
        return quick
    try:
        text = str(exc)
    except _TooSlow:
        raise
    except BaseException as failure:
        return f"{type(exc).__name__}: <str failed: {_plain_exception(failure)}>"
    text = _cut(text, 300)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _plain_exception(exc: BaseException) -> str:
    """An exception named without calling its ``__str__`` (it may be what failed)."""
    args = [a for a in exc.args if plain(a)]
    detail = f": {_cut(str(args[0]), 80)}" if len(args) == 1 else ""
    return type(exc).__name__ + detail


_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")  # <Queue at 0x7f… maxsize=0>: an address differs every run
ARGS_LIMIT = 32
"""A call's arguments in a label: "transfer('alice', Lock, 'bob', Lock, 10)" whole; a row
cuts what it cannot fit with "…", the details panel shows it all."""


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _in_a_label(value: Any, text: str) -> str:
    """An angle-bracket repr (``<Queue at 0x7f… maxsize=3>``) in a call's label is its type's name:
    the rest is an address, different every run, or detail the details panel has room for."""
    if text.startswith("<") and not text.startswith(f"<{type(value).__name__} of "):
        return type(value).__qualname__
    return _ADDRESS.sub("", text)


def describe_args(values: Iterable[Any], limit: int = ARGS_LIMIT, describe: Callable[[Any, int], str | None] = now) -> str:
    """``2, 'Users'``: the arguments of a call, short enough for a row label.

    Objects without a repr of their own say nothing, so they are left out; where the
    whole does not fit, values that are not strings give way to their type's name first
    (the details panel has them whole), then long strings give up their start, since URLs
    and paths differ at the end. ``describe``
    gives a value's text (None: its placeholder).
    """
    shown = [value for value in values if not says_nothing(value)]
    texts = [value if type(value) is str else _in_a_label(value, describe(value, limit) or placeholder(value)) for value in shown]
    quoted = [type(value) is str for value in shown]

    def joined() -> str:
        return ", ".join(repr(t) if q and not t.startswith("…") else f"'{t}'" if q else t for t, q in zip(texts, quoted, strict=True))

    text = joined()
    while len(text) > limit:  # first the longest value that is not a string becomes its type's name ([1, 2, 3] -> list)
        bulky = max((i for i, q in enumerate(quoted) if not q and len(texts[i]) > len(type(shown[i]).__qualname__)),
                    key=lambda i: len(texts[i]), default=None)
        if bulky is None:
            break
        texts[bulky] = type(shown[bulky]).__qualname__
        text = joined()
    while len(text) > limit:
        longest = max((i for i, q in enumerate(quoted) if q and len(texts[i]) > 4), key=lambda i: len(texts[i]), default=None)
        if longest is None:
            return text[: limit - 1] + "…"
        cut = texts[longest].lstrip("…")
        texts[longest] = "…" + cut[max(1, len(text) - limit) :]
        text = joined()
    return text


def waiting_type(values: Sequence[Any]) -> type | None:
    """The type of the first value whose description must wait for the run's end, if any."""
    return next((type(v) for v in values if type(v) is not str and not says_nothing(v) and now(v) is None), None)


class Later:
    """Values whose description waits until the run ends: each with what to do with its text."""

    def __init__(self) -> None:
        self._items: list[tuple[Callable[[], str], Callable[[str], None], type]] = []

    def __len__(self) -> int:
        return len(self._items)

    def add(self, describe: Callable[[], str], store: Callable[[str], None], kind: type) -> bool:
        """Queue a description of a ``kind`` object; False when the cap is reached (the placeholder stays)."""
        if len(self._items) >= LATER_CAP:
            return False
        self._items.append((describe, store, kind))
        return True

    def describe_all(self) -> None:
        """Take every queued description now, within the caps; drop the values.

        A type whose repr once ran out of time is not asked again: a slow ``__repr__``
        is slow for every instance.
        """
        items, self._items = self._items, []
        deadline = time.monotonic() + BUDGET_S
        slow: set[type] = set()
        too_slow = f"<repr took over {REPR_TIME_S * 1000:.0f} ms>"
        with _time_limit(REPR_TIME_S) as limited:
            for describe, store, kind in items:
                if kind in slow or time.monotonic() > deadline:
                    store(too_slow)
                    continue
                try:
                    text = limited(describe)
                except _TooSlow:
                    slow.add(kind)
                    text = too_slow
                except BaseException as exc:
                    text = f"<repr failed: {_plain_exception(exc)}>"
                store(text)


class _TooSlow(Exception):
    pass


class _time_limit:
    """Runs a call under a timer that interrupts it after ``seconds``, where it can (main thread)."""

    def __init__(self, seconds: float) -> None:
        self._seconds = seconds
        self._before: Any = None
        self._usable = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")

    def __enter__(self) -> Callable[[Callable[[], str]], str]:
        if self._usable and signal.getitimer(signal.ITIMER_REAL)[0] == 0:
            self._before = signal.signal(signal.SIGALRM, self._alarm)
        else:
            self._usable = False
        return self._call

    def __exit__(self, *exc: object) -> None:
        if self._usable:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._before)

    def _call(self, describe: Callable[[], str]) -> str:
        if not self._usable:
            return describe()
        signal.setitimer(signal.ITIMER_REAL, self._seconds)
        try:
            return describe()
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)

    @staticmethod
    def _alarm(signum: int, frame: Any) -> None:
        raise _TooSlow()
