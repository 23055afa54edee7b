"""Presenter mode (``p``, ``--present``): the timeline alone, for a room.

A screen of its own over the main one, reading the same session: the main screen's frame
timer keeps folding the run in underneath (a background screen's timers run on), and this
screen draws after each of its frames (``HostScreen.framed``), so both rest when the run
does. Its keys are the live controls only, each handed to the main screen's own action, so
a key does the same thing in both modes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer

from ...model.headline import headline
from ...text import visible
from ..found import watch_for
from ..widgets.presenter_caption import PresenterCaption, Where
from ..widgets.presenter_source import PresenterSource
from ..widgets.presenter_timeline import PresenterTimeline
from .presenter_pointers import current_line, current_task

if TYPE_CHECKING:
    from .host import HostScreen


class PresenterScreen(Screen[None]):
    BINDINGS = [
        Binding("space", "pause", "Pause"),
        Binding("full_stop", "step", "Step", key_display="."),
        Binding("less_than_sign", "slower", "Slower", key_display="<"),
        Binding("greater_than_sign", "faster", "Faster", key_display=">"),
        Binding("r", "run", "Run"),
        Binding("p,escape", "leave", "Normal", key_display="p"),
        Binding("up", "select(-1)", "Select", show=False),
        Binding("down", "select(1)", "Select", show=False),
    ]

    DEFAULT_CSS = """
    PresenterScreen {
        background: $background;
    }
    """

    def __init__(self, main: HostScreen) -> None:
        super().__init__()
        self.main = main

    def compose(self) -> ComposeResult:
        yield PresenterCaption(id="present-caption")
        yield PresenterTimeline(id="present-timeline")
        yield PresenterSource(id="present-source")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.main.framed.subscribe(self, lambda _: self.draw())
        self.watch(self.app, "theme", lambda _: self.call_after_refresh(self.draw), init=False)  # its colours follow
        self.call_after_refresh(self.draw)

    def on_unmount(self) -> None:
        self.main.framed.unsubscribe(self)

    def on_resize(self) -> None:
        self.call_after_refresh(self.draw)

    def draw(self) -> None:
        """One frame, from the session as the main screen's frames leave it."""
        session = self.main.session
        model = session.model
        scenario = session.scenario or self.main.current_scenario()
        finished = session.finished
        now_ns = model.end_ns if finished and model is not None else session.now_ns()
        selected = self.main.timeline.selected
        self.query_one(PresenterTimeline).show(model, now_ns, not finished and model is not None, selected)
        measured = headline(scenario.headline, model, session.wall_ns) if scenario and model and finished else ""
        where = Where(session.wall_ns if finished else now_ns, session.live, session.paused, finished,
                      session.player is not None, session.speed, visible(session.error or "") or None)
        title = f"{scenario.name} — {scenario.title}" if scenario else "taskviz"
        deadlock = watch_for(model).found.deadlock_words(now_ns) if model is not None else None
        note = model.history.said() if model is not None and model.history is not None else ""
        self.query_one(PresenterCaption).show(visible(title), visible(scenario.point if scenario else ""), visible(measured),
                                              where, deadlock, note)
        self.query_one(PresenterSource).show(*current_line(model, scenario, current_task(model, scenario, selected)))

    # -- keys: the main screen's own actions -----------------------------------------------------

    def action_pause(self) -> None:
        if self.main.session.player is not None:
            self.main.action_play()
        else:
            self.main.action_pause()
        self.draw()

    def action_step(self) -> None:
        self.main.action_step()
        self.draw()

    def action_slower(self) -> None:
        self.main.action_slower()
        self.draw()

    def action_faster(self) -> None:
        self.main.action_faster()
        self.draw()

    def action_run(self) -> None:
        self.main.action_run()

    def action_select(self, direction: int) -> None:
        timeline = self.main.timeline
        (timeline.action_select_next if direction > 0 else timeline.action_select_previous)()
        self.draw()

    def action_leave(self) -> None:
        self.dismiss()
