"""What a screen shown over the main one asks of it: presenter mode, the task tree, the wait-for graph.

Those screens drive the main screen's run (pause, step, rerun), read its session and its
selected row, and redraw after each of its frames. They name only this, not ``MainScreen``:
the main screen imports them, and nothing imports it back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from textual.signal import Signal

    from ...catalog import Scenario
    from ..session import Session
    from ..widgets import TimelineView


class HostScreen(Protocol):
    """The main screen, as the screens it opens see it."""

    session: Session
    framed: Signal[Any]  # published after each of the main screen's frames

    @property
    def timeline(self) -> TimelineView: ...

    def current_scenario(self) -> Scenario | None: ...

    def action_play(self) -> None: ...

    def action_pause(self) -> None: ...

    def action_step(self) -> None: ...

    def action_step_back(self) -> None: ...

    def action_jump(self, direction: int) -> None: ...

    def action_slower(self) -> None: ...

    def action_faster(self) -> None: ...

    def action_run(self) -> None: ...
