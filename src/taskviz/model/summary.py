"""The numbers a run is about, measured from its timeline, and the stable JSON form of them.

The JSON layout is a public interface (README, "JSON output"); add keys, never rename.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..wire.record import Outcome
from .timeline import NS, TimelineModel, Track


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
    return Gain(sum(track.waiting_ns for track in model.tracks if track.info.group != "server"), wall_ns)


_OUTCOME_NAMES = {Outcome.OK: "ok", Outcome.FAILED: "failed", Outcome.CANCELLED: "cancelled"}


def _seconds(ns: int | None) -> float | None:
    return None if ns is None else round(ns / NS, 6)


def task_summary(model: TimelineModel, track: Track) -> dict[str, Any]:
    info = track.info
    strings = model.record.strings
    entry: dict[str, Any] = {
        "id": info.id,
        "name": info.name,
        "parent": info.parent,
        "coro": info.coro,
        "created_at": info.created_at,
        "outcome": _OUTCOME_NAMES[info.outcome] if info.outcome is not None else "alive",
    }
    if info.outcome is Outcome.OK:
        entry["result"] = info.result
    elif info.exception is not None or info.outcome is Outcome.CANCELLED:
        entry["exception"] = info.exception or "CancelledError"
        if info.raised_at:
            entry["raised_at"] = info.raised_at
    entry.update(
        created_s=_seconds(track.created_ns),
        finished_s=_seconds(track.finished_ns),
        running_s=_seconds(track.running_ns),
        awaiting_s=_seconds(track.awaiting_ns),
        ready_s=_seconds(track.ready_ns),
        steps=track.steps,
        awaited=[{"what": strings[label], "at": strings[location]} for label, location in track.awaited],
    )
    return entry


def run_summary(scenario: str, model: TimelineModel, wall_ns: int) -> dict[str, Any]:
    longest = model.longest_step
    return {
        "scenario": scenario,
        "wall_s": _seconds(wall_ns),
        "tasks": [task_summary(model, model.tracks[tid]) for tid in model.order()],
        "loop": {
            "busy_s": _seconds(model.busy_ns),
            "longest_step_s": _seconds(model.step_ends[longest] - model.step_starts[longest]) if longest >= 0 else 0.0,
            "longest_step_at": model.step_where(longest) if longest >= 0 else "",
        },
    }
