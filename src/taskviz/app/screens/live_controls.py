"""The live half of the main screen's keys: pause, step, speed and cancel for a program
running on its stage. In a replay, the same keys move the player (``.``, ``<`` ``>``);
the replay's own keys are in ``replay_controls``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...model.names import task_name

if TYPE_CHECKING:
    from ..session import Session
    from ..widgets import TimelineView

SPEEDS = (0.1, 0.25, 0.5, 1.0)


class LiveControls:
    """Mixed into MainScreen, which has the session, the timeline and ``notify``."""

    session: Session
    timeline: TimelineView

    if TYPE_CHECKING:  # MainScreen's, ReplayControls' and Screen's own: declared for the type checker only

        def _moved(self) -> None: ...

        def notify(self, message: str, *, severity: str = "information", markup: bool = True) -> None: ...

    def action_cancel_task(self) -> None:
        tid, model = self.timeline.selected, self.session.model
        if tid is None or model is None or tid >= len(model.tracks):
            self.notify("Select a task first (↑/↓ on the timeline).", severity="warning")
            return
        name = task_name(model, tid)
        if self.session.cancel_task(tid):
            self.notify(f"Cancelling {name}", markup=False)  # a name's brackets are the program's, not markup
        else:
            self.notify(f"{name} is not running: nothing to cancel.", severity="warning", markup=False)

    def action_pause(self) -> None:
        if not self.session.toggle_pause():
            self.notify("Nothing is running: press Enter to run the scenario.", severity="warning")

    def action_step(self) -> None:
        if self.session.player is not None:
            self.session.step()
            self._moved()
        elif not self.session.paused:
            self.notify("Pause first (space): then . runs one task step.", severity="warning")
        else:
            self.session.step()

    def action_slower(self) -> None:
        self._change_speed(-1)

    def action_faster(self) -> None:
        self._change_speed(+1)

    def _change_speed(self, direction: int) -> None:
        if self.session.player is not None:
            self.session.player.faster(direction)
            self._moved()
            return
        current = min(SPEEDS, key=lambda speed: abs(speed - self.session.speed))
        index = max(0, min(len(SPEEDS) - 1, SPEEDS.index(current) + direction))
        if not self.session.set_speed(SPEEDS[index]):
            self.notify("Nothing is running: speed applies to a live run.", severity="warning")
