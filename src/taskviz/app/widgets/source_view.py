"""The scenario's source, with the selected task's current (or last) line highlighted.

It scrolls both ways: long lines are not cut, and the panel widens with the screen
(taskviz.tcss), so on a wide screen whole lines show."""

from __future__ import annotations

from rich.syntax import Syntax
from textual.containers import ScrollableContainer
from textual.widgets import Static

from ...text import visible


class SourceView(ScrollableContainer):
    """Scrolls so that the highlighted line stays in view."""

    DEFAULT_CSS = """
    SourceView > Static { width: auto; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._code = Static("", id="source-code")
        self._source = ""
        self._line: int | None = None
        self._theme = ""
        self.border_title = "Source"

    def compose(self):  # type: ignore[no-untyped-def]
        yield self._code

    def show(self, source: str, title: str, line: int | None, dark: bool = True) -> None:
        theme = "monokai" if dark else "default"
        if (source, line, theme) == (self._source, self._line, self._theme):
            return
        self._source, self._line, self._theme = source, line, theme
        self.border_title = title
        self._code.update(
            Syntax("\n".join(visible(line) for line in source.splitlines()), "python", theme=theme, line_numbers=True, highlight_lines={line} if line else set(),
                   background_color="default", word_wrap=False)
        )
        if line:
            self.call_after_refresh(self._centre, line)

    @property
    def line(self) -> int | None:
        return self._line

    def _centre(self, line: int) -> None:
        self.scroll_to(y=max(0, line - 1 - self.scrollable_content_region.height // 2), animate=False)
