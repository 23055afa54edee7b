"""The main screen's keys that change what is on it, not what runs: the log's filter, the
scenario's notes, and which panels show (a presenter hides what the audience need not see)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..widgets import EventLog, LegendBar, ScenarioList

if TYPE_CHECKING:
    from textual.app import App
    from textual.css.query import QueryType

    from ...catalog import Scenario
    from ..session import Session
    from ..widgets import TimelineView


class PanelControls:
    """Mixed into MainScreen, which has the session, the widgets and the app."""

    session: Session
    timeline: TimelineView

    if TYPE_CHECKING:  # MainScreen's and Screen's own: declared for the type checker only, never shadowed

        @property
        def app(self) -> App[None]: ...

        def current_scenario(self) -> Scenario | None: ...

        def query_one(self, selector: type[QueryType]) -> QueryType: ...

    def action_filter_log(self) -> None:
        log = self.query_one(EventLog)
        log.set_filter(None if log.filter_task is not None else self.timeline.selected)

    def action_notes(self) -> None:
        scenario = self.session.scenario or self.current_scenario()
        if scenario is not None:
            from .notes import NotesScreen  # Markdown: loaded when first asked for

            self.app.push_screen(NotesScreen(scenario))

    def action_toggle_log(self) -> None:
        log = self.query_one(EventLog)
        log.display = not log.display

    def action_toggle_library(self) -> None:
        """Libraries' own tasks (aiohttp's, asyncio's): one row per library, or a row each."""
        self.timeline.action_toggle_library()

    def action_toggle_objects(self) -> None:
        """The program's queues, semaphores and locks: a row each under the loop lane, or hidden."""
        self.timeline.action_toggle_objects()

    def action_toggle_scenarios(self) -> None:
        scenarios = self.query_one(ScenarioList)
        scenarios.display = not scenarios.display
        (scenarios if scenarios.display else self.timeline).focus()

    def action_toggle_legend(self) -> None:
        legend = self.query_one(LegendBar)
        legend.display = not legend.display
