"""The replay half of the main screen: the transport keys, scrubbing, and the widgets that
follow a replay's player. A live run's keys stay on the screen itself.

Which keys work (and show in the footer) depends on what is shown: ``check_action`` turns
the replay's off for a live run, so a key they share (``space``, Home) goes to the live
run's action or to the focused widget instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..widgets import EventLog, Position, TimelineView, TransportBar

if TYPE_CHECKING:
    from collections.abc import Callable

    from textual.css.query import QueryType
    from textual.timer import Timer

    from ..session import Session

REPLAY_ACTIONS = frozenset({"play", "step_back", "jump", "seek_start", "seek_end"})


class ReplayControls:
    """Mixed into MainScreen, which has the session, the timer, ``frame`` and the widgets."""

    session: Session
    timeline: TimelineView
    _timer: Timer | None
    _last_tick: float
    _replay_shown: tuple[int, int]
    _frame_asked = False  # a frame is queued for the moves made since the last one

    if TYPE_CHECKING:  # MainScreen's and Screen's own: declared for the type checker only, never shadowed

        def frame(self) -> None: ...

        def query_one(self, selector: type[QueryType]) -> QueryType: ...

        def call_later(self, callback: Callable[[], object]) -> bool: ...

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Transport keys work (and show) only in a replay; ``space`` pauses a live run or plays a replay."""
        replay = self.session.player is not None
        if action in REPLAY_ACTIONS:
            return replay
        if action == "pause":
            return not replay
        return True

    def _moved(self) -> None:
        """The replay was moved: draw it once the moves queued so far are in, then keep
        drawing while it plays.

        Going back rebuilds the model from the first row (~2-8 µs a row measured: about a
        second for 200,000 rows on a loaded 2-core machine), so a drag or a held key must
        cost one rebuild per frame drawn, not one per mouse move or key repeat.
        """
        if not self._frame_asked:
            self._frame_asked = True
            self.call_later(self._draw_moved)

    def _draw_moved(self) -> None:
        self._frame_asked = False
        self.frame()
        if self.session.live and self._timer is not None:
            self._last_tick = 0.0
            self._timer.resume()

    def action_play(self) -> None:
        self.session.toggle_pause()
        self._moved()

    def action_step_back(self) -> None:
        if self.session.player is not None:
            self.session.player.step(-1)
            self._moved()

    def action_jump(self, direction: int) -> None:
        if self.session.player is not None:
            self.session.player.jump(direction)
            self._moved()

    def action_seek_start(self) -> None:
        self.seek(0)

    def action_seek_end(self) -> None:
        player = self.session.player
        if player is not None:
            player.seek_row(player.rows)
            self._moved()

    def seek(self, t_ns: int) -> None:
        """Show a replay as it was at ``t_ns`` from the run's start."""
        player = self.session.player
        if player is not None:
            player.seek(t_ns)
            self._moved()

    def on_transport_bar_seek(self, event: TransportBar.Seek) -> None:
        self.seek(event.t_ns)

    def on_timeline_view_scrub(self, event: TimelineView.Scrub) -> None:
        self.seek(event.t_ns)

    def _follow_replay(self) -> None:
        """A replay's widgets follow its player: a model rebuilt for going back, the clock back
        from the end, the log drawn afresh at each position asked for (so it reads the same
        whichever way the position was reached), the transport bar."""
        session, timeline = self.session, self.timeline
        player, model = session.player, session.model
        if player is None or model is None:
            return
        timeline.use_model(model)
        if not session.finished:
            timeline.set_clock(session.now_ns)
        shown = (id(model), player.moves)
        if shown != self._replay_shown:
            self._replay_shown = shown
            self.query_one(EventLog).show(model)
            session.rewind_output()
        self.query_one(TransportBar).show(Position(player.playing, player.now_ns, player.end_ns, player.speed,
                                                   model.consumed, player.rows))

