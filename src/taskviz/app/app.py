"""The taskviz app: scenarios run on this app's own event loop, animated as they run."""

from __future__ import annotations

from collections.abc import Iterable

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from ..catalog import DEFAULT_SCENARIO, Scenario, all_scenarios, find
from ..runner import Finished
from .screens import HelpScreen, MainScreen
from .session import Session


class TaskvizApp(App[None]):
    CSS_PATH = "taskviz.tcss"
    TITLE = "taskviz"
    BINDINGS = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("t", "toggle_theme", "Theme"),
    ]

    def __init__(self, scenario: str = DEFAULT_SCENARIO, *, autorun: bool = False,
                 recording: Finished | None = None, until: int | None = None, prints: str = "") -> None:
        """``recording``: show a finished run instead of running one (replayed, or frozen at row ``until``)."""
        super().__init__()
        self.session = Session()
        self.scenarios = all_scenarios()
        self._start_name = scenario
        self._autorun = autorun
        self._recording = recording
        self._until = until
        self._prints = prints

    @property
    def main(self) -> MainScreen:
        screen = self.screen_stack[0]
        assert isinstance(screen, MainScreen)
        return screen

    def get_default_screen(self) -> Screen[None]:
        return MainScreen(self.scenarios)

    def on_mount(self) -> None:
        self.theme = "textual-dark"
        self.begin_capture_print(self)

    def main_ready(self) -> None:
        """The main screen is composed: select the first scenario, run or show what was asked."""
        main = self.main
        main.select_scenario(self._start_name)
        if self._recording is not None:
            self.session.show_recorded(find(self._start_name), self._recording, self._until)
            main.shown()
            main.add_print(self._prints)
            main.timeline.focus()
        elif self._autorun:
            # after the first frame, so the app's start-up does not hold up the scenario's timers
            self.call_after_refresh(self.run_scenario, find(self._start_name))

    def on_print(self, event: events.Print) -> None:
        self.main.add_print(event.text)

    def run_scenario(self, scenario: Scenario) -> None:
        """A fresh run of ``scenario``; whatever ran before is cancelled."""
        self.session.start(scenario)
        self.main.select_scenario(scenario.name)
        self.main.shown()
        if self.session.error:
            self.notify(self.session.error, title="Cannot run this scenario", severity="error", timeout=8)
        else:
            self.main.timeline.focus()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for scenario in self.scenarios:
            yield SystemCommand(f"Run {scenario.name}", scenario.title, lambda s=scenario: self.run_scenario(s))
        yield SystemCommand("Toggle light / dark", "Switch between the light and the dark theme", self.action_toggle_theme)

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"
        self.main.frame()

    async def action_quit(self) -> None:
        """Cancel the running scenario and wait for its tasks, so nothing is left pending."""
        await self.session.wait_stopped()
        self.exit()
