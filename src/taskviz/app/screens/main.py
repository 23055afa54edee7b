"""The main screen: scenarios, the timeline with its loop lane, task details, source, events.

One timer drives everything at a fixed rate while something moves: the session folds in
new events (a bounded number a frame), then each widget redraws from the model if what
it shows changed. The screen talks to the app only through messages.
"""

from __future__ import annotations

import time

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.signal import Signal
from textual.timer import Timer

from ...catalog import DEFAULT_HEADLINE, Scenario
from ...model.headline import headline
from ...text import visible
from ..session import Session
from ..widgets import EventLog, KeyHints, LegendBar, ScenarioList, SourceView, StatusBar, SummaryBar, TaskDetails, TimelineView, TransportBar
from ..widgets.findings_panel import FindingsPanel, point_at
from .live_controls import LiveControls
from .panel_controls import PanelControls
from .pointers import blocked_text, source_line, source_title
from .presenter import PresenterScreen
from .replay_controls import ReplayControls
from .task_tree import TaskTreeScreen
from .wait_graph import WaitGraphScreen

FPS = 20  # the program runs in a process of its own: frames cost it nothing but a share of the CPU
NARROW = 130  # below this many columns the side panels go under the timeline
SAVE_ERROR_S = 3600  # a failed recording stays on screen until dismissed (click it) or an hour has passed


class MainScreen(ReplayControls, LiveControls, PanelControls, Screen[None]):
    BINDINGS = [
        Binding("r", "run", "Run"),
        Binding("enter", "run", "Run", show=False),
        Binding("c", "cancel_task", "Cancel task"),
        Binding("e", "filter_log", "Events: task/all"),
        Binding("w", "notes", "Watch for"),
        Binding("F", "findings", "Findings", key_display="F"),
        Binding("s", "toggle_scenarios", "Scenarios"),
        Binding("p", "present", "Present"),
        Binding("T", "task_tree", "Tree", key_display="T"),
        Binding("g", "wait_graph", "Waits"),
        Binding("l", "toggle_log", "Log", show=False),
        Binding("k", "toggle_legend", "Legend", show=False),
        Binding("i", "toggle_library", "Library"),
        Binding("o", "toggle_objects", "Objects"),
        Binding("space", "pause", "Pause"),
        Binding("space", "play", "Play/pause"),
        Binding("comma", "step_back", "Back", key_display=",", show=False),
        Binding("full_stop", "step", "Step", key_display="."),
        Binding("less_than_sign", "slower", "Slower", key_display="<"),
        Binding("greater_than_sign", "faster", "Faster", key_display=">"),
        Binding("left_square_bracket", "jump(-1)", "Previous change", key_display="[", show=False),
        Binding("right_square_bracket", "jump(1)", "Next change", key_display="]", show=False),
        # over the timeline's own Home / End (first / last row) while a replay is shown
        Binding("home", "seek_start", "Start", show=False, priority=True),
        Binding("end", "seek_end", "End", show=False, priority=True),
    ]

    class Ready(Message):
        """The screen is composed: the app may select and start what it was asked to."""

    class Finished(Message):
        """The run on screen has ended (sent once per run)."""

    class RunRequested(Message):
        def __init__(self, scenario: Scenario) -> None:
            super().__init__()
            self.scenario = scenario

    def __init__(self, scenarios: list[Scenario], session: Session) -> None:
        super().__init__()
        self.scenarios = scenarios
        self.session = session
        self._timer: Timer | None = None
        self._last_tick = 0.0
        self._lag_ms = 0.0
        self._told_finished = False
        self._told_save_error: str | None = None
        self._replay_shown: tuple[int, int] = (0, -1)  # (model, player moves) the log was last drawn for
        self.framed: Signal[MainScreen] = Signal(self, "framed")  # after each frame: presenter mode draws then

    def compose(self) -> ComposeResult:
        yield SummaryBar(id="summary")
        with Horizontal(id="body"):
            yield ScenarioList(self.scenarios, id="scenarios")
            with Vertical(id="center"):
                yield TimelineView(id="timeline")
                yield FindingsPanel(id="findings")
                yield EventLog(id="log")
            with Vertical(id="side"):
                yield TaskDetails(id="details")
                yield SourceView(id="source")
        yield LegendBar(id="legend")
        yield TransportBar(id="transport")
        yield StatusBar(id="status")
        yield KeyHints()

    @property
    def timeline(self) -> TimelineView:
        return self.query_one(TimelineView)

    def on_mount(self) -> None:
        self._timer = self.set_interval(1 / FPS, self.frame, pause=True)
        self.query_one(ScenarioList).focus()
        self.post_message(self.Ready())

    def on_resize(self) -> None:
        narrow = self.size.width < NARROW
        self.set_class(narrow, "narrow")
        if narrow and self.focused is self.query_one(ScenarioList):
            self.timeline.focus()

    # -- what is shown ------------------------------------------------------------------------

    def select_scenario(self, scenario: Scenario) -> None:
        self.query_one(ScenarioList).select(scenario)
        if self.session.model is None:
            self.query_one(SourceView).show(scenario.source, source_title(scenario), None, self.app.current_theme.dark)
        self.frame()

    def current_scenario(self) -> Scenario | None:
        return self.query_one(ScenarioList).current

    def shown(self) -> None:
        """The session has something new to show (a run started, a recording loaded)."""
        session = self.session
        self._told_finished = False
        self._replay_shown = (0, -1)
        self.query_one(FindingsPanel).new_run()
        self.set_class(session.player is not None, "replay")
        self.refresh_bindings()
        self.timeline.show(session.model, None if session.finished else session.now_ns)
        self.query_one(EventLog).show(session.model)
        self._last_tick = time.perf_counter()
        self.frame()
        if self._timer is not None:
            self._timer.resume()

    def frame(self) -> None:
        """One frame: read new events, redraw what changed, measure how late the loop ran us."""
        now = time.perf_counter()
        if self._last_tick:
            self._lag_ms = max(0.0, (now - self._last_tick - 1 / FPS) * 1000)
        self._last_tick = now
        session = self.session
        session.tick()
        live = session.live
        model = session.model
        timeline = self.timeline
        self._follow_replay()
        if model is not None:
            model.busy = session.busy()
        if session.finished:
            timeline.stop_clock()
        timeline.tick()
        now_ns = session.now_ns()
        found = self.query_one(FindingsPanel).frame(model, live, now_ns, timeline)
        self.query_one(LegendBar).show(model)
        self.query_one(TaskDetails).show(model, timeline.selected, now_ns, group=timeline.selected_group)
        log = self.query_one(EventLog)
        log.add_output(session.new_output())  # the program's own output, made visible, among the events by time
        log.catch_up()
        self._show_source(timeline.selected)
        scenario = session.scenario or self.current_scenario()
        self.query_one(SummaryBar).show(
            title=f"{scenario.name} — {scenario.title}" if scenario else "taskviz",
            elapsed_ns=session.wall_ns if session.finished else now_ns,
            alive=model.alive_count if model else 0,
            tasks=len(model.tracks) if model else 0,
            live=live,
            paused=session.paused,
            speed=session.speed,
            blocked=blocked_text(model, now_ns),
            finished=session.finished,
            headline=self._headline(scenario) if session.finished else "",
            point=visible(scenario.point) if scenario else "",
            error=visible(session.error or session.outcome() or "") or None,
            replay=session.player is not None,
            virtual_time=session.tape is not None and session.tape.virtual_time,
            deadlock=found.deadlock_words(now_ns),
        )
        self.query_one(StatusBar).show(
            lag_ms=self._lag_ms,
            stream_ms=session.stream_lag_ms(),
            frame_ms=timeline.last_frame_ms,
            events=model.consumed + len(model.step_starts) if model else 0,
            follow=timeline.follow,
            save_error=visible(session.save_error or "") or None,
            history=model.history if model else None,
        )
        self._tell_save_error(session.save_error)
        if session.finished and not self._told_finished:
            self._told_finished = True
            self.post_message(self.Finished())
        if not live and self._timer is not None and session.model is not None and (session.finished or session.paused):
            self._timer.pause()
            self._last_tick = 0.0
        self.framed.publish(self)

    def _headline(self, scenario: Scenario | None) -> str:
        """The scenario's point measured from the run shown ("" where no number fits)."""
        model = self.session.model
        if model is None:
            return ""
        return headline(scenario.headline if scenario else DEFAULT_HEADLINE, model, self.session.wall_ns)

    def _tell_save_error(self, error: str | None) -> None:
        """Once, and until dismissed: a recording that stopped short must not go unnoticed,
        and the status line may be off screen or unread."""
        if error and error != self._told_save_error:
            self._told_save_error = error
            self.notify(visible(error), title="Recording stopped", severity="error", timeout=SAVE_ERROR_S, markup=False)

    def _show_source(self, tid: int | None) -> None:
        scenario = self.session.scenario or self.current_scenario()
        if scenario is not None:
            self.query_one(SourceView).show(scenario.source, source_title(scenario), source_line(self.session.model, scenario, tid),
                                            self.app.current_theme.dark)

    # -- actions ------------------------------------------------------------------------------------

    def on_scenario_list_chosen(self, event: ScenarioList.Chosen) -> None:
        self.post_message(self.RunRequested(event.scenario))

    def on_timeline_view_task_selected(self, event: TimelineView.TaskSelected) -> None:
        log = self.query_one(EventLog)
        if log.filter_task is not None and event.task_id is not None:
            log.set_filter(event.task_id)
        self.frame()

    def action_findings(self) -> None:
        """Show (and focus) or hide what looks wrong in the run."""
        panel = self.query_one(FindingsPanel)
        (panel if panel.toggle() else self.timeline).focus()

    def on_findings_panel_chosen(self, event: FindingsPanel.Chosen) -> None:
        point_at(self.timeline, event.finding)

    def action_present(self) -> None:
        """Presenter mode: the timeline alone, tall and high-contrast, over this screen."""
        self.app.push_screen(PresenterScreen(self))

    def action_task_tree(self) -> None:
        """The task tree over this screen: who created whom, live, its cursor selecting rows here."""
        self.app.push_screen(TaskTreeScreen(self))

    def action_wait_graph(self) -> None:
        """Who waits for whom at the instant shown, deadlocks named, over this screen."""
        self.app.push_screen(WaitGraphScreen(self))

    def action_run(self) -> None:
        scenario = self.current_scenario()
        if scenario is not None:
            self.post_message(self.RunRequested(scenario))
