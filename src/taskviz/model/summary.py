"""The numbers a run is about, measured from its timeline, and the stable JSON form of them.

The JSON layout is a public interface (README, "JSON output"); add keys, never rename.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from json.encoder import encode_basestring_ascii as _text
from typing import Any, TextIO

from ..wire.record import LOCATION_MASK, Outcome
from .names import names_of
from .timeline import NS, State, TimelineModel, Track
from .waits import STATE_MASK

_DONE, _CANCELLED = int(State.DONE), int(State.CANCELLED)


@dataclass(frozen=True)
class Gain:
    """How much waiting the program did, against how long it took."""

    waiting_ns: int
    wall_ns: int

    @property
    def ratio(self) -> float:
        return self.waiting_ns / self.wall_ns if self.wall_ns else 0.0

    def __str__(self) -> str:
        text = f"{self.waiting_ns / NS:.1f} s of waiting in {self.wall_ns / NS:.1f} s"
        return f"{text} — {self.ratio:.1f}x" if self.wall_ns else text


def gain(model: TimelineModel, wall_ns: int) -> Gain:
    """Waiting counts what the program's tasks awaited themselves (sleeps, I/O, locks).

    Joins on other tasks would count the same wait twice, and a server's handlers waiting
    for requests are the other side of the program's own requests, so neither counts.
    """
    before = model.history.waiting_ns if model.history is not None else 0  # what a live run's window summarised
    return Gain(before + sum(track.waiting_ns for track in model.held() if track.info.group != "server"), wall_ns)


_OUTCOME_NAMES = {Outcome.OK: "ok", Outcome.FAILED: "failed", Outcome.CANCELLED: "cancelled"}


def _seconds(ns: int | None) -> float | None:
    return None if ns is None else round(ns / NS, 6)


def task_summary(model: TimelineModel, track: Track) -> dict[str, Any]:
    """One task's entry."""
    return _Entries(model)(track)


class _Entries:
    """Task entries of one model, made with what they share looked up once: the names table, and
    each distinct wait's ``{"what", "at"}`` (a server's 100,000 tasks await the same few)."""

    def __init__(self, model: TimelineModel) -> None:
        self._strings = model.record.strings
        self._name = names_of(model)
        self._name.take_in_all()
        self._waits: dict[int, dict[str, str]] = {}

    def __call__(self, track: Track) -> dict[str, Any]:
        """Written for speed as much as for reading: a run may have 100,000 tasks."""
        info = track.info
        outcome = info.outcome
        entry: dict[str, Any] = {
            "id": info.id,
            "name": info.name,
            "label": self._name(info.id),  # what its row, log line and details call it
            "parent": info.parent,
            "coro": info.coro,
            "created_at": info.created_at,
            "outcome": _OUTCOME_NAMES[outcome] if outcome is not None else "alive",
        }
        if outcome is Outcome.OK:
            entry["result"] = info.result
        elif info.exception is not None or outcome is Outcome.CANCELLED:
            entry["exception"] = info.exception or "CancelledError"
            if info.raised_at:
                entry["raised_at"] = info.raised_at
            if info.raised_via:
                entry["raised_via"] = info.raised_via
        if info.library:
            entry["library"] = info.library  # a library's own task: folded in views, kept here
        times = track.times
        finished = times[-1] if _DONE <= track.states[-1] & STATE_MASK <= _CANCELLED else None
        # whole microseconds in seconds: as exact as round(x, 6), without a call per number
        entry["created_s"] = times[0] // 1000 / 1e6
        entry["finished_s"] = None if finished is None else finished // 1000 / 1e6
        entry["running_s"] = track.running_ns // 1000 / 1e6
        entry["awaiting_s"] = track.awaiting_ns // 1000 / 1e6
        entry["ready_s"] = track.ready_ns // 1000 / 1e6
        entry["steps"] = track.steps
        waits = self._waits
        awaited = []
        for packed in track.awaited:
            wait = waits.get(packed)
            if wait is None:
                wait = waits[packed] = {"what": self._strings[packed >> 32], "at": self._strings[packed & LOCATION_MASK]}
            awaited.append(wait)
        entry["awaited"] = awaited
        return entry


class _SecondsText(dict[int, str]):
    """Whole µs -> the JSON of them in seconds, written once each (a float's repr is its dearest part)."""

    def __missing__(self, us: int) -> str:
        text = self[us] = repr(us / 1e6)
        return text


class _AwaitedText(dict[tuple[int, ...], str]):
    """A task's waits (``Track.awaited``) -> the items of its ``awaited`` list, written once each:
    a server's tasks await the same few things."""

    def __init__(self, strings: list[str]) -> None:
        super().__init__()
        self._strings = strings

    def __missing__(self, awaited: tuple[int, ...]) -> str:
        strings = self._strings
        waits = [(strings[packed >> 32], strings[packed & LOCATION_MASK]) for packed in awaited]
        text = self[awaited] = ", ".join(f'{{"what": {_text(what)}, "at": {_text(at)}}}' for what, at in waits)
        return text


class _EntryTexts:
    """Task entries as ``json.dumps`` writes ``_Entries``' ones, written straight as text: the
    encoder's time went on writing each of a run's 100,000 entries' seventeen keys anew.
    Each field here follows its line in ``_Entries.__call__`` (tests/test_summary_json.py compares
    the two, byte for byte); the names are taken all at once."""

    def __init__(self, model: TimelineModel) -> None:
        self._labels = names_of(model).every()
        self._awaited = _AwaitedText(model.record.strings)
        self._seconds = _SecondsText()  # a server's tasks run, wait and are ready for the same few µs

    def __call__(self, track: Track) -> str:
        info = track.info
        outcome, parent = info.outcome, info.parent
        ended = _OUTCOME_NAMES[outcome] if outcome is not None else "alive"
        head = (f'{{"id": {info.id}, "name": {_text(info.name)}, "label": {_text(self._labels[info.id])}, '
                f'"parent": {"null" if parent is None else parent}, "coro": {_text(info.coro)}, '
                f'"created_at": {_text(info.created_at)}, "outcome": "{ended}"')
        if outcome is Outcome.OK:
            head += f', "result": {"null" if info.result is None else _text(info.result)}'
        elif info.exception is not None or outcome is Outcome.CANCELLED:
            head += f', "exception": {_text(info.exception or "CancelledError")}'
            if info.raised_at:
                head += f', "raised_at": {_text(info.raised_at)}'
            if info.raised_via:
                head += f', "raised_via": {_text(info.raised_via)}'
        if info.library:
            head += f', "library": {_text(info.library)}'
        times, seconds = track.times, self._seconds
        finished = repr(times[-1] // 1000 / 1e6) if _DONE <= track.states[-1] & STATE_MASK <= _CANCELLED else "null"
        return (f'{head}, "created_s": {times[0] // 1000 / 1e6!r}, "finished_s": {finished}, '
                f'"running_s": {seconds[track.running_ns // 1000]}, "awaiting_s": {seconds[track.awaiting_ns // 1000]}, '
                f'"ready_s": {seconds[track.ready_ns // 1000]}, "steps": {track.steps}, '
                f'"awaited": [{self._awaited[tuple(track.awaited)]}]}}')


def run_summary(scenario: str, model: TimelineModel, wall_ns: int, **extra: Any) -> dict[str, Any]:
    """The whole summary as one object: for small runs, tests and the app."""
    entry, tracks = _Entries(model), model.tracks
    return {**_head(scenario, wall_ns), "tasks": [entry(tracks[tid]) for tid in model.order()], **_tail(model), **extra}


INDENTED_TASKS = 2_000  # up to this many tasks the JSON is indented for people; beyond, streamed
WRITE_BATCH = 500  # tasks encoded at a time: memory stays bounded, speed stays the encoder's


def write_summary(out: TextIO, scenario: str, model: TimelineModel, wall_ns: int, **extra: Any) -> None:
    """The same JSON as ``run_summary``, written a batch of tasks at a time: a run of 100,000
    tasks never holds its whole summary, or the whole text of it, in memory."""
    if len(model.tracks) <= INDENTED_TASKS:
        json.dump(run_summary(scenario, model, wall_ns, **extra), out, indent=2)
        out.write("\n")
        return
    head = json.dumps(_head(scenario, wall_ns))
    out.write(head[:-1] + ', "tasks": [\n')
    order, tracks, entry = model.order(), model.tracks, _EntryTexts(model)
    for start in range(0, len(order), WRITE_BATCH):  # a line a batch
        out.write((",\n" if start else "") + ", ".join([entry(tracks[tid]) for tid in order[start : start + WRITE_BATCH]]))
    tail = json.dumps({**_tail(model), **extra})
    out.write("\n], " + tail[1:] + "\n")


def _head(scenario: str, wall_ns: int) -> dict[str, Any]:
    return {"scenario": scenario, "wall_s": _seconds(wall_ns)}


def _tail(model: TimelineModel) -> dict[str, Any]:
    longest = model.longest_step
    tail: dict[str, Any] = {
        "loop": {
            "busy_s": _seconds(model.busy_ns),
            "longest_step_s": _seconds(model.step_ends[longest] - model.step_starts[longest]) if longest >= 0 else 0.0,
            "longest_step_at": model.step_where(longest) if longest >= 0 else "",
        },
    }
    history = model.history
    if history is not None:  # a long live run in the app: ``tasks`` are the window's, the rest in totals
        outcomes = {_OUTCOME_NAMES[Outcome(code - _DONE)]: count for code, count in sorted(history.outcomes.items())}
        tail["summarised"] = {"before_s": _seconds(history.before_ns), "tasks": history.tasks, **outcomes,
                              "steps": history.steps, "running_s": _seconds(history.running_ns),
                              "awaiting_s": _seconds(history.awaiting_ns), "ready_s": _seconds(history.ready_ns)}
    return tail
