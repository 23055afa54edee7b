"""The top of the screen: which scenario, how far it is, and at the end its point in numbers."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from ...model.axis import format_duration
from ...model.summary import Gain


class SummaryBar(Static):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self._shown: tuple[object, ...] = ()

    def show(self, *, title: str, elapsed_ns: int, alive: int, tasks: int, live: bool, paused: bool,
             finished: bool, gain: Gain | None, error: str | None, speed: float = 1.0, blocked: str | None = None) -> None:
        """``blocked``: what holds the loop right now, said while it lasts (a presenter's "see, it froze")."""
        key = (title, elapsed_ns // 10_000_000, alive, tasks, live, paused, finished, str(gain) if finished else "", error, speed,
               blocked)
        if key == self._shown:
            return
        self._shown = key
        left = Text(title, style="bold")
        slowed = f"  ·  {speed:g}x" if speed != 1.0 else ""
        if error:
            status = Text(f"✗ {error}", style="bold red")
        elif live and paused:
            status = Text.assemble((" PAUSED ", "bold reverse yellow"), " at ", (format_duration(elapsed_ns), "bold"),
                                   slowed, f"  ·  {alive} of {tasks} tasks alive")
        elif live:
            status = Text.assemble(("● running ", "bold green"), (format_duration(elapsed_ns), "bold"),
                                   (slowed, "bold yellow"), f"  ·  {alive} of {tasks} tasks alive")
        elif paused:
            status = Text.assemble(("❚❚ recording at ", "bold yellow"), (format_duration(elapsed_ns), "bold"),
                                   f"  ·  {alive} of {tasks} tasks alive")
        elif finished:
            status = Text.assemble(("✓ finished in ", "bold"), (format_duration(elapsed_ns), "bold"), f"  ·  {tasks} tasks")
        else:
            status = Text("press Enter or r to run  ·  w: what to watch for  ·  ?: help", style="dim")
        grid = Table.grid(expand=True)
        grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        grid.add_column(justify="right", no_wrap=True)
        grid.add_row(left, status)
        if finished and gain is not None and not error:
            point = Text(f"{gain.waiting_ns / 1e9:.1f} s of waiting finished in {gain.wall_ns / 1e9:.1f} s", style="bold")
            point.append(f" — {gain.ratio:.1f}x", style="bold")
            grid.add_row(point, Text("measured from this run", style="dim"))
        if blocked and live:
            banner = Text(f"⚠ {blocked}", style="bold red", no_wrap=True, overflow="ellipsis")
            self.update(Group(grid, banner))
        else:
            self.update(grid)
