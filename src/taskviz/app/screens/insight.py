"""What the insight views (the task tree, the wait-for graph) share: a screen over the main
one, reading the same session at the same instant, redrawn after each of its frames.

Like presenter mode, the main screen's frame timer keeps folding the run in underneath
and publishes ``HostScreen.framed``; this screen draws then, so it is live during a run and
follows a replay wherever it is moved. The transport keys are the main screen's own
actions (``space``, ``.``; ``,`` ``[`` ``]`` in a replay), so the instant can be moved
while watching. Escape, or the key that opened it, goes back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static

from ...model.axis import format_duration
from ...model.timeline import TimelineModel
from .replay_controls import REPLAY_ACTIONS

if TYPE_CHECKING:
    from .host import HostScreen


class InsightScreen(Screen[None]):
    """Subclasses compose their body after the title line, and ``draw`` it."""

    TITLE_TEXT = ""
    BINDINGS = [
        Binding("escape", "leave", "Back"),
        Binding("space", "pause", "Pause/play", priority=True),  # over the tree's own space (enter folds a node there)
        Binding("full_stop", "step", "Step", key_display="."),
        Binding("comma", "step_back", "Back", key_display=",", show=False),
        Binding("left_square_bracket", "jump(-1)", "Previous change", key_display="[", show=False),
        Binding("right_square_bracket", "jump(1)", "Next change", key_display="]", show=False),
    ]


    def __init__(self, main: HostScreen) -> None:
        super().__init__()
        self.main = main

    def compose(self) -> ComposeResult:
        yield Static(self.TITLE_TEXT, id="insight-title", markup=False)
        yield from self.compose_body()
        yield Footer(show_command_palette=False)

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.main.framed.subscribe(self, lambda _: self.redraw())
        self.watch(self.app, "theme", lambda _: self.call_after_refresh(self.redraw), init=False)
        self.redraw()

    def on_unmount(self) -> None:
        self.main.framed.unsubscribe(self)

    def instant(self) -> tuple[TimelineModel | None, int]:
        """The model shown and the instant it is shown at: the session's now, or the end of a finished run."""
        session = self.main.session
        model = session.model
        if model is None:
            return None, 0
        return model, model.end_ns if session.finished else session.now_ns()

    def redraw(self) -> None:
        model, t = self.instant()
        session = self.main.session
        where = "the end" if session.finished else "replay" if session.player is not None else "live"
        self.query_one("#insight-title", Static).update(f"{self.TITLE_TEXT} · at {format_duration(t)} · {where}")
        self.draw(model, t)

    def draw(self, model: TimelineModel | None, t: int) -> None:
        """Draw the view of ``model`` at instant ``t`` (ns since the run started)."""

    @property
    def dark(self) -> bool:
        return self.app.current_theme.dark

    # -- keys: the main screen's own actions -----------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in REPLAY_ACTIONS:
            return self.main.session.player is not None
        return True

    def action_leave(self) -> None:
        self.dismiss()

    def action_pause(self) -> None:
        if self.main.session.player is not None:
            self.main.action_play()
        else:
            self.main.action_pause()
        self.redraw()

    def action_step(self) -> None:
        self.main.action_step()
        self.redraw()

    def action_step_back(self) -> None:
        self.main.action_step_back()

    def action_jump(self, direction: int) -> None:
        self.main.action_jump(direction)
