"""The scenarios, grouped by tag: title and one line each."""

from __future__ import annotations

from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ...catalog import Scenario

ONE_LINE = 62  # the summary's first words: two rows of the list at its usual width
_GROUPS = {"yours": "Your program", "basics": "Basics", "http": "HTTP", "pitfalls": "Pitfalls", "patterns": "Patterns"}


class ScenarioList(OptionList):
    """Enter runs the highlighted scenario (the app binds ``r`` too)."""

    class Chosen(Message):
        def __init__(self, scenario: Scenario) -> None:
            super().__init__()
            self.scenario = scenario

    def __init__(self, scenarios: list[Scenario], *, id: str | None = None) -> None:
        self.scenarios = scenarios
        options: list[Option | None] = []
        group = None
        for scenario in scenarios:
            tag = scenario.tags[0] if scenario.tags else "other"
            if tag != group:
                if group is not None:
                    options.append(None)
                options.append(Option(Text(_GROUPS.get(tag, tag.title()), style="bold"), disabled=True))
                group = tag
            line = scenario.summary or scenario.name
            line = line if len(line) <= ONE_LINE else line[: ONE_LINE - 1] + "…"
            text = Text.assemble((scenario.title, "bold"), "\n", (line, "dim"))
            options.append(Option(text, id=str(scenario.path)))
        super().__init__(*options, id=id)

    def select(self, scenario: Scenario) -> None:
        """Highlight ``scenario``: by its file, since a learner's ``basic.py`` is not the bundled one."""
        for index, option in enumerate(self.options):
            if option.id == str(scenario.path):
                self.highlighted = index
                return

    @property
    def current(self) -> Scenario | None:
        if self.highlighted is None:
            return None
        option = self.get_option_at_index(self.highlighted)
        return next((s for s in self.scenarios if str(s.path) == option.id), None)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        scenario = self.current
        if scenario is not None:
            self.post_message(self.Chosen(scenario))
