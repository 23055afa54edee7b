"""Presenter mode's source band: the line of the program the current task is at, in
bold on a band of its own under the timeline, with its file and line number."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual.widgets import Static


class PresenterSource(Static):
    """One line of code, as big as a terminal allows: bold, alone on its band, spaced out
    from its caption by a blank line."""

    DEFAULT_CSS = """
    PresenterSource {
        height: 4;
        padding: 0 2;
        background: $panel;
        color: $foreground;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self._shown: tuple[object, ...] = ()

    def show(self, where: str, task: str, code: str) -> None:
        """``where``: ``basic.py:23`` ("" when the task is not in the program's file);
        ``task``: whose line it is; ``code``: the line itself (made visible by the caller)."""
        key = (where, task, code)
        if key == self._shown:
            return
        self._shown = key
        head = Text.assemble((f" {where} " if where else " — ", "bold reverse"), "  ", (task, "bold"))
        line = Text(code or "(not in the program's own code)", style="bold", no_wrap=True, overflow="ellipsis")
        self.update(Group(Text(""), head, Text(""), line), layout=False)  # always four lines
