"""The main screen: scenarios, the timeline with its loop lane, task details, source, events.

One timer drives everything at a fixed rate while something moves: the session folds in
new events, then each widget redraws from the model if what it shows changed.
"""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer

from ...catalog import Scenario
from ..widgets import EventLog, ScenarioList, SourceView, StatusBar, SummaryBar, TaskDetails, TimelineView
from .notes import NotesScreen

if TYPE_CHECKING:
    from ..app import TaskvizApp

FPS = 20  # the floor for a live run; every frame's work delays the scenario a little
NARROW = 130  # below this many columns the side panels go under the timeline
_LINE = re.compile(r":(\d+)$")


class MainScreen(Screen[None]):
    BINDINGS = [
        Binding("r", "run", "Run"),
        Binding("enter", "run", "Run", show=False),
        Binding("c", "cancel_task", "Cancel task"),
        Binding("e", "filter_log", "Events: task/all"),
        Binding("w", "notes", "Watch for"),
        Binding("s", "toggle_scenarios", "Scenarios"),
        Binding("l", "toggle_log", "Log", show=False),
    ]

    app: TaskvizApp

    def __init__(self, scenarios: list[Scenario]) -> None:
        super().__init__()
        self.scenarios = scenarios
        self._timer: Timer | None = None
        self._last_tick = 0.0
        self._lag_ms = 0.0
        self._prints: list[str] = []

    def compose(self) -> ComposeResult:
        yield SummaryBar(id="summary")
        with Horizontal(id="body"):
            yield ScenarioList(self.scenarios, id="scenarios")
            with Vertical(id="center"):
                yield TimelineView(id="timeline")
                yield EventLog(id="log")
            with Vertical(id="side"):
                yield TaskDetails(id="details")
                yield SourceView(id="source")
        yield StatusBar(id="status")
        yield Footer()

    @property
    def timeline(self) -> TimelineView:
        return self.query_one(TimelineView)

    def on_mount(self) -> None:
        self._timer = self.set_interval(1 / FPS, self.frame, pause=True)
        self.query_one(ScenarioList).focus()
        self.app.main_ready()

    def on_resize(self) -> None:
        narrow = self.size.width < NARROW
        self.set_class(narrow, "narrow")
        if narrow and self.focused is self.query_one(ScenarioList):
            self.timeline.focus()

    # -- what is shown ------------------------------------------------------------------------

    def select_scenario(self, name: str) -> None:
        self.query_one(ScenarioList).select_name(name)
        scenario = self.current_scenario()
        if scenario is not None and self.app.session.model is None:
            self.query_one(SourceView).show(scenario.source, f"scenarios/{scenario.path.name}", None, self.app.current_theme.dark)
        self.frame()

    def current_scenario(self) -> Scenario | None:
        return self.query_one(ScenarioList).current

    def shown(self) -> None:
        """The session has something new to show (a run started, a recording loaded)."""
        session = self.app.session
        self.timeline.show(session.model, None if session.finished else session.now_ns)
        self.query_one(EventLog).show(session.model)
        self._last_tick = time.perf_counter()
        self.frame()
        if self._timer is not None:
            self._timer.resume()

    def add_print(self, text: str) -> None:
        self._prints.extend(line for line in text.splitlines() if line.strip())

    def frame(self) -> None:
        """One frame: read new events, redraw what changed, measure how late the loop ran us."""
        now = time.perf_counter()
        if self._last_tick:
            self._lag_ms = max(0.0, (now - self._last_tick - 1 / FPS) * 1000)
        self._last_tick = now
        session = self.app.session
        session.tick()
        live = session.live
        model = session.model
        timeline = self.timeline
        if session.finished:
            timeline.stop_clock()
        timeline.tick()
        now_ns = session.now_ns()
        self.query_one(TaskDetails).show(model, timeline.selected, now_ns)
        log = self.query_one(EventLog)
        log.catch_up()
        if self._prints:
            log.add_prints(self._prints)
            self._prints = []
        self._show_source(timeline.selected)
        scenario = session.scenario or self.current_scenario()
        self.query_one(SummaryBar).show(
            title=f"{scenario.name} — {scenario.title}" if scenario else "taskviz",
            elapsed_ns=session.wall_ns if session.finished else now_ns,
            alive=model.alive_count if model else 0,
            tasks=len(model.tracks) if model else 0,
            live=live,
            paused=session.paused,
            finished=session.finished,
            gain=session.gain() if session.finished else None,
            error=session.error or session.outcome(),
        )
        self.query_one(StatusBar).show(
            lag_ms=self._lag_ms,
            frame_ms=timeline.last_frame_ms,
            events=model.consumed + len(model.step_starts) if model else 0,
            follow=timeline.follow,
        )
        if not live and self._timer is not None and session.model is not None and (session.finished or session.paused):
            self._timer.pause()
            self._last_tick = 0.0

    def _show_source(self, tid: int | None) -> None:
        session = self.app.session
        scenario = session.scenario or self.current_scenario()
        if scenario is None:
            return
        model = session.model
        line: int | None = None
        if model is not None and model.tracks:
            track = model.tracks[tid if tid is not None and tid < len(model.tracks) else 0]
            blocked_at = [model.step_where(i) for i in model.blocks if model.step_tasks[i] == track.info.id]
            if blocked_at and track.state.finished:
                where = blocked_at[-1]  # once it is over, the line that held the loop says most
            elif track.location:
                where = model.record.strings[track.location]
            else:
                where = track.info.created_at
            if where.startswith((f"scenarios/{scenario.path.name}:", f"{scenario.path.name}:")) or scenario.path.name in where:
                match = _LINE.search(where)
                line = int(match.group(1)) if match else None
        self.query_one(SourceView).show(scenario.source, f"scenarios/{scenario.path.name}", line, self.app.current_theme.dark)

    # -- actions ------------------------------------------------------------------------------------

    def on_scenario_list_chosen(self, event: ScenarioList.Chosen) -> None:
        self.app.run_scenario(event.scenario)

    def on_timeline_view_task_selected(self, event: TimelineView.TaskSelected) -> None:
        log = self.query_one(EventLog)
        if log.filter_task is not None and event.task_id is not None:
            log.set_filter(event.task_id)
        self.frame()

    def action_run(self) -> None:
        scenario = self.current_scenario()
        if scenario is not None:
            self.app.run_scenario(scenario)

    def action_cancel_task(self) -> None:
        tid = self.timeline.selected
        if tid is None:
            self.notify("Select a task first (↑/↓ on the timeline).", severity="warning")
        elif self.app.session.cancel_task(tid):
            self.notify(f"Cancelling task #{tid}")
        else:
            self.notify(f"Task #{tid} is not running: nothing to cancel.", severity="warning")

    def action_filter_log(self) -> None:
        log = self.query_one(EventLog)
        log.set_filter(None if log.filter_task is not None else self.timeline.selected)

    def action_notes(self) -> None:
        scenario = self.app.session.scenario or self.current_scenario()
        if scenario is not None:
            self.app.push_screen(NotesScreen(scenario))

    def action_toggle_log(self) -> None:
        log = self.query_one(EventLog)
        log.display = not log.display

    def action_toggle_scenarios(self) -> None:
        scenarios = self.query_one(ScenarioList)
        scenarios.display = not scenarios.display
        (scenarios if scenarios.display else self.timeline).focus()
