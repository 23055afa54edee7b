"""The scenario's own words: what it shows and what to watch for, all of them (the list shows
only its name and title)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

from ...catalog import Scenario
from ...text import visible
from .pointers import source_title


def notes_text(scenario: Scenario) -> str:
    """Markdown: the title, the whole description, and how to run it from a shell."""
    if scenario.module is not None:
        command = f"taskviz run -m {scenario.module}"
    else:
        command = f"taskviz run {scenario.argv0 if 'yours' in scenario.tags else scenario.name}"
    description = "\n".join(visible(line) for line in scenario.description.split("\n")) or "No notes."
    return f"# {visible(scenario.title)}\n\n{description}\n\n`{visible(command)}` · `{visible(source_title(scenario))}`"


class NotesScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,w", "dismiss", "Close")]

    def __init__(self, scenario: Scenario) -> None:
        super().__init__()
        self.scenario = scenario

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog"):
            yield Markdown(notes_text(self.scenario))
