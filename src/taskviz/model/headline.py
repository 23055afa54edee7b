"""The one number a scenario is about, measured from its run.

"5 s of waiting in 3 s" is the point of ``basic``, but read on ``fire_and_forget`` or
``taskgroup`` it claims a speed-up they do not show. So each scenario names in its
docstring (``Headline: MEASURE``) which measure makes its point, and its point in words
(``Point: ...``); a program that names none gets ``overlap``, the measure of most
asyncio programs.
"""

from __future__ import annotations

from collections import Counter

from .axis import format_duration
from .summary import gain
from .timeline import State, TimelineModel
from .waits import KIND_SHIFT, WaitKind

def _overlap(model: TimelineModel, wall_ns: int) -> str:
    return str(gain(model, wall_ns))


def _blocked(model: TimelineModel, wall_ns: int) -> str:
    if not model.blocks:
        return "the loop was never blocked"
    held = sum(model.step_ends[i] - model.step_starts[i] for i in model.blocks)
    return f"loop blocked {format_duration(held)} of {format_duration(wall_ns)}: no other task could run then"


def _outcomes(model: TimelineModel, wall_ns: int) -> str:
    others = [track for track in model.held()[1:] if track.info.group != "server" and track.info.kind != "thread"]
    if not others:
        return "no task besides main"
    counts = Counter(track.state for track in others)
    parts = [f"{counts[state]} {word}" for state, word in ((State.DONE, "done"), (State.FAILED, "failed"),
                                                        (State.CANCELLED, "cancelled"), (State.AWAITING, "still awaiting"))
             if counts[state]]
    cancelled = [track.finished_ns for track in others if track.state is State.CANCELLED and track.finished_ns is not None]
    when = f", the last cancelled at {format_duration(max(cancelled))}" if cancelled else ""
    return f"{len(others)} task{'s' * (len(others) != 1)} besides main: {', '.join(parts) or 'none finished'}{when}"


def _kind_ns(model: TimelineModel, kind: WaitKind) -> Counter[str]:
    """Time each coroutine's tasks spent in waits of ``kind``."""
    code = int(State.AWAITING) | kind << KIND_SHIFT
    out: Counter[str] = Counter()
    for track in model.held():
        times, states = track.times, track.states
        spent = sum(times[i + 1] - times[i] for i in range(len(times) - 1) if states[i] == code)
        if spent:
            out[track.info.coro.rsplit(".", 1)[-1]] += spent
    return out


def _queue(model: TimelineModel, wall_ns: int) -> str:
    spent = _kind_ns(model, WaitKind.QUEUE)
    if not spent:
        return "no task waited on a queue"
    parts = ", ".join(f"{coro} {format_duration(ns)}" for coro, ns in spent.most_common(4))
    return f"waiting on the queue: {parts} (in {format_duration(wall_ns)})"


def _limit(model: TimelineModel, wall_ns: int) -> str:
    """How many tasks were on the network at once, at most, and how long a lock held the rest back."""
    network = int(State.AWAITING) | WaitKind.NETWORK << KIND_SHIFT
    edges: list[tuple[int, int]] = []
    for track in model.held():
        if track.info.group == "server":
            continue
        times, states = track.times, track.states
        for i in range(len(times) - 1):
            if states[i] == network and times[i + 1] > times[i]:
                edges += [(times[i], 1), (times[i + 1], -1)]
    most = now = 0
    for _, step in sorted(edges):
        now += step
        most = max(most, now)
    held = sum(_kind_ns(model, WaitKind.LOCK).values())
    return f"at most {most} at once on the network; {format_duration(held)} held back by the lock, in {format_duration(wall_ns)}"


def _idle(model: TimelineModel, wall_ns: int) -> str:
    if not wall_ns:
        return ""
    idle = max(0, wall_ns - model.busy_ns)
    return f"the loop idle {100 * idle / wall_ns:.0f}% of {format_duration(wall_ns)}: waiting costs no thread"


_MEASURES = {
    "overlap": _overlap,
    "blocked": _blocked,
    "outcomes": _outcomes,
    "queue": _queue,
    "limit": _limit,
    "idle": _idle,
    "none": lambda model, wall_ns: "",
}
MEASURES = tuple(_MEASURES)


def headline(measure: str, model: TimelineModel, wall_ns: int) -> str:
    """The scenario's headline, measured; "" where no number fits (``none``); an unknown
    measure (a newer file's, say) falls back to ``overlap``."""
    return _MEASURES.get(measure, _overlap)(model, wall_ns)

