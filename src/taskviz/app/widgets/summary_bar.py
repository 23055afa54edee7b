"""The top of the screen: which scenario and how far it is; under it the scenario's point
in words while it runs, and at the end that point measured from the run (its headline).

The second line is the lesson: a presenter's audience reads it before anything else, so
it says only what the scenario is about (``Point:``) or what the run measured for it
(``Headline:``, see model/headline.py), never a number that does not apply.
"""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from ...model.axis import format_duration
from ..found import DEADLOCK_MARK


NARROW = 100  # below this many columns the badges take less room from the title


class SummaryBar(Static):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self._shown: tuple[object, ...] = ()
        self._last: dict[str, Any] = {}

    def on_resize(self) -> None:
        """The badges' length depends on the width: draw again, even while a replay is paused."""
        if self._last:
            self.show(**self._last)

    def show(self, *, title: str, elapsed_ns: int, alive: int, tasks: int, live: bool, paused: bool,
             finished: bool, error: str | None, headline: str = "", point: str = "", speed: float = 1.0,
             blocked: str | None = None, replay: bool = False, virtual_time: bool = False,
             deadlock: str | None = None) -> None:
        """``headline``: the run's measured point (shown once finished); ``point``: the scenario's
        point in words (shown until then, and beside the headline where there is room).

        ``blocked``: what holds the loop right now, said while it lasts (a presenter's "see, it froze").

        ``deadlock``: the tasks waiting for each other in a cycle at the instant shown, in words
        (``app/found``): said while it holds, live or not, over the rest: nothing else there matters more.

        ``replay`` and ``virtual_time`` put a badge before the title, so an audience never
        takes a recording for a live run, nor a virtual clock's timings for real ones.
        """
        self._last = dict(title=title, elapsed_ns=elapsed_ns, alive=alive, tasks=tasks, live=live, paused=paused,
                          finished=finished, headline=headline, point=point, error=error, speed=speed, blocked=blocked, replay=replay,
                          virtual_time=virtual_time, deadlock=deadlock)
        key = (title, elapsed_ns // 10_000_000, alive, tasks, live, paused, finished, headline if finished else "", point, error, speed,
               blocked, replay, virtual_time, self.size.width < NARROW, deadlock)
        if key == self._shown:
            return
        self._shown = key
        left = Text()
        if replay:
            left.append(" REPLAY ", style="bold reverse magenta")
            left.append(" ")
        if virtual_time:
            left.append(" VIRTUAL " if self.size.width < NARROW else " VIRTUAL TIME ", style="bold reverse cyan")
            left.append(" ")
        left.append(title, style="bold")
        slowed = f"  ·  {speed:g}x" if speed != 1.0 else ""
        if error:
            status = Text(f"✗ {error}", style="bold red")
        elif live and paused:
            status = Text.assemble((" PAUSED ", "bold reverse yellow"), " at ", (format_duration(elapsed_ns), "bold"),
                                   slowed, f"  ·  {alive} of {tasks} tasks alive")
        elif live and replay:
            status = Text.assemble(("▶ ", "bold green"), (format_duration(elapsed_ns), "bold"),
                                   (slowed, "bold yellow"), f"  ·  {alive} of {tasks} tasks alive")
        elif live:
            status = Text.assemble(("● running ", "bold green"), (format_duration(elapsed_ns), "bold"),
                                   (slowed, "bold yellow"), f"  ·  {alive} of {tasks} tasks alive")
        elif paused:
            status = Text.assemble(("❚❚ paused at " if replay else "❚❚ recording at ", "bold yellow"), (format_duration(elapsed_ns), "bold"),
                                   f"  ·  {alive} of {tasks} tasks alive")
        elif finished:
            status = Text.assemble(("✓ finished in ", "bold"), (format_duration(elapsed_ns), "bold"), f"  ·  {tasks} tasks")
        else:
            status = Text("press Enter or r to run  ·  w: what to watch for  ·  ?: help", style="dim")
        grid = Table.grid(expand=True)
        grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        grid.add_column(justify="right", no_wrap=True)
        grid.add_row(left, Text("  ") + status)  # two spaces: a cut title never runs into the status
        lesson = self._lesson(headline if finished and not error else "", point)
        if lesson is not None and not (blocked and live) and not deadlock:  # while the loop is held, that is the news
            grid.add_row(*lesson)
        if deadlock:
            self.update(Group(grid, Text(f"{DEADLOCK_MARK} DEADLOCK: {deadlock}", style="bold red", no_wrap=True, overflow="ellipsis")))
        elif blocked and live:
            banner = Text(f"⚠ {blocked}", style="bold red", no_wrap=True, overflow="ellipsis")
            self.update(Group(grid, banner))
        else:
            self.update(grid)

    def _lesson(self, headline: str, point: str) -> tuple[Text, Text] | None:
        """The second line: the measured headline with its caption, or the point in words."""
        if headline:
            return Text(headline, style="bold", no_wrap=True, overflow="ellipsis"), Text("  measured from this run", style="dim")
        if point:
            return Text(f"Point: {point}", style="italic", no_wrap=True, overflow="ellipsis"), Text("")
        return None
