"""The scenario's own words: what it shows and what to watch for."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

from ...catalog import Scenario


class NotesScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,w", "dismiss", "Close")]

    def __init__(self, scenario: Scenario) -> None:
        super().__init__()
        self.scenario = scenario

    def compose(self) -> ComposeResult:
        text = f"# {self.scenario.title}\n\n{self.scenario.description or 'No notes.'}\n\n`scenarios/{self.scenario.path.name}`"
        with VerticalScroll(id="dialog"):
            yield Markdown(text)
