"""Everything about the selected task: state now, what it awaits and where, its times."""

from __future__ import annotations

from collections import Counter

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from ... import palette
from ...model.axis import format_duration
from ...model.folding import folding_for
from ...model.names import task_name
from ...wire.record import Outcome
from ...text import visible
from ...model.timeline import FORGOTTEN_TRACK, State, TimelineModel

_OUTCOMES = {Outcome.OK: "returned", Outcome.FAILED: "raised", Outcome.CANCELLED: "cancelled"}
_LABELS = len("raised at")  # the widest label: values start at most this far in


class TaskDetails(Static):
    """Re-rendered only when what it shows changes."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self._shown: tuple[object, ...] = ()
        self.border_title = "Task"

    def show(self, model: TimelineModel | None, tid: int | None, now: int, *, group: str | None = None) -> None:
        """``group``: a library's folded row is selected instead of a task."""
        if model is not None and group is not None and tid is None:
            self._show_group(model, group)
            return
        if model is None or tid is None or tid >= len(model.tracks):
            key: tuple[object, ...] = ("none", model is None)
            if key != self._shown:
                self._shown = key
                self.update(Text("Select a task row (↑/↓ or click) to see what it is doing.", style="dim"))
            return
        track = model.tracks[tid]
        if track is FORGOTTEN_TRACK:  # selected, then forgotten by a long run's window (``model/retention``)
            said = model.history.said() if model.history is not None else "history summarised"
            key = ("forgotten", tid, said)
            if key != self._shown:
                self._shown = key
                self.update(Text(f"This task finished before the window the app keeps ({said}). "
                                 "ctrl+s saves the whole run: open it to see every task.", style="dim"))
            return
        state = track.state
        live = not state.finished
        name = task_name(model, tid)
        dark = self.app.current_theme.dark
        key = (id(model), tid, name, len(track.times), now // 10_000_000 if live else 0, dark, self.content_size.width)
        if key == self._shown:
            return
        self._shown = key
        strings = model.record.strings
        info = track.info
        since = track.times[-1]
        extra = max(0, now - since) if live else 0
        running = track.running_ns + (extra if state is State.RUNNING else 0)
        awaiting = track.awaiting_ns + (extra if state is State.AWAITING else 0)
        ready = track.ready_ns + (extra if state is State.READY else 0)

        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column()
        title = Text(name, style="bold")
        if info.kind == "thread":
            title.append("  executor thread", style="dim")
        elif info.group == "server":
            title.append("  server", style="dim")
        grid.add_row("task", title)
        def color(hex_color: str) -> str:
            return hex_color if dark else palette.on_light(hex_color)

        kind = track.wait_kind if state is State.AWAITING else None
        glyph = palette.WAIT_GLYPHS[kind] if kind is not None else palette.GLYPHS[state]
        look = palette.WAIT_COLORS[kind] if kind is not None else palette.COLORS[state]
        state_text = Text(f"{glyph} {palette.NAMES.get(state, '')}", style=color(look))
        if state is State.AWAITING and track.label:
            state_text.append(f"  {visible(strings[track.label])}", style="bold")
        if live:
            state_text.append(f"  for {format_duration(max(0, now - since))}", style="dim")
        grid.add_row("state", state_text)
        if track.location:
            grid.add_row("at" if live else "last at", Text(visible(strings[track.location])))
        parts = [(f"running {format_duration(running)}", State.RUNNING), (f"awaiting {format_duration(awaiting)}", State.AWAITING),
                 (f"ready {format_duration(ready)}", State.READY)]
        # one line if it fits beside the labels, else one a line: wrapped, "ready" and its "0 µs" came apart
        room = self.content_size.width - _LABELS - 1
        gap = "  " if sum(len(text) for text, _ in parts) + 2 * (len(parts) - 1) <= room else "\n"
        times = Text(gap).join(Text(text, style=color(palette.COLORS[shown])) for text, shown in parts)
        grid.add_row("time", times)
        if info.outcome is not None:
            detail = info.result if info.outcome is Outcome.OK else info.exception or ""
            grid.add_row("outcome", Text(visible(f"{_OUTCOMES[info.outcome]} {detail}".strip()), style=color(palette.COLORS[State(int(info.outcome) + State.DONE)])))
            if info.raised_at:
                grid.add_row("raised at", Text(visible(info.raised_at)))
            if info.raised_via:
                grid.add_row("through", Text(visible(info.raised_via), style="dim"))
        elif track.awaited:
            waits = visible(", ".join(dict.fromkeys(strings[label] for label, _ in track.waits())))
            grid.add_row("awaited", Text(waits, style="dim"))
        grid.add_row("parent", Text(task_name(model, info.parent) if info.parent is not None else "—"))
        grid.add_row("created", Text(visible(f"{info.created_at or '—'} · {format_duration(track.created_ns)}")))
        grid.add_row("steps", str(track.steps))
        self.update(grid)

    def _show_group(self, model: TimelineModel, owner: str) -> None:
        """What a library's row is: whose tasks, how many, how many still alive, and how to see them."""
        folding = folding_for(model)
        group = folding.group(owner)
        members = len(group.members) if group is not None else 0
        alive = folding.alive(owner)
        key = ("group", id(model), owner, members, alive)
        if key == self._shown:
            return
        self._shown = key
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column()
        grid.add_row("library", Text(visible(owner), style="bold"))
        grid.add_row("tasks", f"{members:,} made by {visible(owner)} for itself, {alive:,} alive")
        if group is not None and group.members:
            kinds = Counter(model.tracks[tid].info.coro.rsplit(".", 1)[-1] for tid in group.members)
            grid.add_row("coroutines", Text(visible(", ".join(f"{n} × {coro}" for coro, n in kinds.most_common(4))), style="dim"))
        grid.add_row("", Text("folded into this row: press i to give each its own", style="dim"))
        self.update(grid)
