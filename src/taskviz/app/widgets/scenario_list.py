"""The scenarios, grouped by tag: one line each, the name one types after ``taskviz run`` and
its title. The whole description is in the notes (``w``): a cut paragraph here taught little
and made the list four times longer."""

from __future__ import annotations

from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ...catalog import Scenario
from ...text import visible

_GROUPS = {"yours": "Your program", "basics": "Basics", "http": "HTTP", "pitfalls": "Pitfalls", "patterns": "Patterns"}


def entry(scenario: Scenario) -> Text:
    """``basic  Two fetches at once…``: a file that cannot run says so instead of a title."""
    title = f"✗ cannot be run: {scenario.broken}" if scenario.broken else scenario.title
    return Text.assemble((visible(scenario.name), "bold"), "  ", (visible(title), "dim" if scenario.broken else ""))


class ScenarioList(OptionList):
    """Enter runs the highlighted scenario (the app binds ``r`` too)."""

    DEFAULT_CSS = """
    ScenarioList {
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

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
            options.append(Option(entry(scenario), id=str(scenario.path)))
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
