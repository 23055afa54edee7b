"""Presenter mode's caption: which scenario, where the run is, and the point it makes,
kept on screen the whole time (an audience that looks up late still reads what it is for)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from ...model.axis import format_duration
from ..found import DEADLOCK_MARK


@dataclass(frozen=True)
class Where:
    """Where the run shown is, in the caption's words."""

    elapsed_ns: int
    live: bool
    paused: bool
    finished: bool
    replay: bool
    speed: float = 1.0
    error: str | None = None


def status(where: Where) -> Text:
    """``● 1.20 s``, ``❚❚ PAUSED 1.20 s``, ``✓ done in 3.00 s``: short, bold, no dim words."""
    time = format_duration(where.elapsed_ns)
    slowed = f"  {where.speed:g}x" if where.speed != 1.0 else ""
    badge = Text(" REPLAY ", style="bold reverse") + Text("  ") if where.replay else Text()
    if where.error:
        return badge + Text(f"✗ {where.error}", style="bold")
    if where.finished:
        return badge + Text(f"✓ done in {time}", style="bold")
    if where.paused:
        return badge + Text.assemble((" PAUSED ", "bold reverse"), (f" {time}{slowed}", "bold"))
    if where.live:
        return badge + Text(f"● {time}{slowed}", style="bold")
    return badge + Text("r: run", style="bold")


class PresenterCaption(Static):
    """Re-rendered only when what it says changes."""

    DEFAULT_CSS = """
    PresenterCaption {
        height: auto;
        max-height: 4;
        padding: 0 1;
        background: $panel;
        color: $foreground;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self._shown: tuple[object, ...] = ()
        self._lines = 0

    def show(self, title: str, point: str, headline: str, where: Where, deadlock: str | None = None,
             note: str = "") -> None:
        """``headline``: the run's measure of the point; "" until there is one. ``deadlock``: the
        tasks waiting for each other at the instant shown, in words, while they do. ``note``: what
        the screen does not show (a long run's summarised history), dim, last."""
        key = (title, point, headline, where.elapsed_ns // 10_000_000, where, deadlock, note)
        if key == self._shown:
            return
        self._shown = key
        top = Table.grid(expand=True, padding=(0, 0, 0, 2))
        top.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        top.add_column(justify="right", no_wrap=True)
        top.add_row(Text(title, style="bold"), status(where))
        lines: list[Table | Text] = [top]
        if point:
            lines.append(Text.assemble(("▸ ", "bold"), (point, "bold")))
        if headline:
            lines.append(Text.assemble(("→ ", "bold"), (headline, "bold underline")))
        if deadlock:
            lines.append(Text(f"{DEADLOCK_MARK} DEADLOCK: {deadlock}", style="bold red", no_wrap=True, overflow="ellipsis"))
        if note:
            lines.append(Text(note, style="dim", no_wrap=True, overflow="ellipsis"))
        self.update(Group(*lines), layout=len(lines) != self._lines)  # a new layout only when it grows or shrinks
        self._lines = len(lines)
