"""A task in one line of text, as the tree and the wait-for graph draw it: its state's look
(the palette's glyph and colour; awaiting: its kind of wait's), its one name, what it awaits
at the instant and where.

Everything from the program (names, labels, lines, exception text) goes through
``text.visible`` here, once.
"""

from __future__ import annotations

from rich.text import Text

from ... import palette
from ...model.names import task_name
from ...model.timeline import State, TimelineModel
from ...model.waitfor import WaitFor
from ...model.waitgraph import object_words
from ...text import visible

_STATE_WORDS = {State.PENDING: "pending", State.READY: "ready", State.RUNNING: "running", State.DONE: "done",
                State.CANCELLED: "cancelled", State.NONE: "not created yet"}


def color(hex_color: str, dark: bool) -> str:
    """A palette colour as it reads on this theme's background."""
    return hex_color if dark else palette.on_light(hex_color)


def state_look(model: TimelineModel, tid: int, t: int) -> tuple[str, str]:
    """(glyph, colour) of task ``tid``'s state at ``t``: the timeline's own look."""
    track = model.tracks[tid]
    state = track.state_at(t)
    if state is State.AWAITING:
        kind = track.wait_at(t)
        if kind is not None:
            return palette.WAIT_GLYPHS[kind], palette.WAIT_COLORS[kind]
    if state is State.RUNNING and track.thread:
        return palette.GLYPHS[state], palette.THREAD_RUNNING_COLOR
    return palette.GLYPHS[state] if state is not State.NONE else " ", palette.COLORS[state]


def doing(model: TimelineModel, graph: WaitFor, tid: int, t: int) -> tuple[str, str]:
    """(what task ``tid`` does at ``t`` in words, the line it waits at or ""): ``sleep 2s``, ``failed: KeyError``."""
    track = model.tracks[tid]
    state = track.state_at(t)
    if state is State.AWAITING:
        strings = model.record.strings
        what = strings[track.label] if track.label else "awaiting"
        wait = graph.wait_at(tid, t)
        if wait is not None:
            found = graph.object(wait.object)
            if found.name and found.name not in what:
                what = f"{what} ({object_words(found)})"
            return visible(what), visible(wait.location)
        return visible(what), visible(strings[track.location]) if track.location else ""
    if state is State.FAILED:
        return visible(f"failed: {track.info.exception}" if track.info.exception else "failed"), ""
    return _STATE_WORDS.get(state, ""), ""


def task_line(model: TimelineModel, graph: WaitFor, tid: int, t: int, dark: bool, *, words: bool = True) -> Text:
    """``━ fetch_data(2, 'Users')  sleep 2s · scenarios/basic.py:23``: the look, the name, and with ``words`` what it does."""
    glyph, hex_color = state_look(model, tid, t)
    line = Text.assemble((glyph, color(hex_color, dark)), " ", (task_name(model, tid), "bold"))
    if words:
        what, where = doing(model, graph, tid, t)
        if what:
            line.append(f"  {what}")
        if where:
            line.append(f" · {where}", "dim")
    return line
