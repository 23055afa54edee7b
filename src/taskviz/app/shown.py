"""What a session shows, before anything is: the small interface a live run and a replay share.

The screen asks the same questions of both (what the model is, where "now" is, whether
time moves, how it ended) and steers both with the same keys; each answers for itself,
and this base answers for an empty screen, so no caller has to ask which one it has.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..catalog import Scenario
from ..model.summary import Gain, gain
from ..model.timeline import TimelineModel
from ..stage_link import StageLink
from ..wire.record import EventRecord, Outcome
from .player import Player
from .tape import Tape


@dataclass(frozen=True)
class Saveable:
    """A run as ctrl+s writes it: its record and what goes with it, written out as a file.

    A live run whose record has forgotten its start (a long run, kept to bounded memory)
    is saved by ``copy`` instead, which writes the whole stream its stage sent; when even
    that is gone (its disk filled), ``refused`` says why the run cannot be saved whole.
    """

    meta: dict[str, Any]
    record: EventRecord
    outputs: list[dict[str, Any]]
    end: dict[str, Any] | None
    copy: Callable[[str], None] | None = None  # writes the whole run to a new file at a path; raises OSError
    refused: str | None = None  # why the run cannot be saved, in words, after "cannot save FILE: "


class Shown:
    """Nothing to show: no model, no clock, nothing to steer."""

    scenario: Scenario | None = None
    model: TimelineModel | None = None
    link: StageLink | None = None  # a live run's stage
    player: Player | None = None  # a replay's transport
    tape: Tape | None = None  # a replay's recording

    # -- each frame -----------------------------------------------------------------------

    def tick(self) -> int:
        """Fold new events into the model; returns how many rows came in (or went, going back)."""
        return 0

    def new_output(self) -> list[dict[str, Any]]:
        """What the program printed since the last call: dicts with t (ns), stream and text."""
        return []

    def rewind_output(self) -> None:
        """The screen redraws the log from the start: what was printed comes again."""

    @property
    def live(self) -> bool:
        """Whether time is still moving on screen."""
        return False

    @property
    def paused(self) -> bool:
        """Time stands still partway through a run."""
        return False

    @property
    def speed(self) -> float:
        return 1.0

    def now_ns(self) -> int:
        return 0

    def busy(self) -> tuple[int, int, str] | None:
        """(task, start in ns since the run began, line) of a step holding the stage's loop now."""
        return None

    def stream_lag_ms(self) -> float:
        return 0.0

    # -- steering: False when there is nothing to steer -------------------------------------

    def toggle_pause(self) -> bool:
        return False

    def step(self) -> bool:
        return False

    def set_speed(self, speed: float) -> bool:
        return False

    def cancel_task(self, tid: int) -> bool:
        return False

    # -- how it went ------------------------------------------------------------------------

    @property
    def finished(self) -> bool:
        return False

    @property
    def wall_ns(self) -> int:
        return 0

    @property
    def error(self) -> str | None:
        """Why the run could not go as the program meant: it did not load, or its process died."""
        return None

    @property
    def save_error(self) -> str | None:
        """Why the file the run is recorded to stopped short of it (a full disk)."""
        return None

    def exit_status(self) -> int | None:
        return None

    def saveable(self) -> Saveable | None:
        """The run shown, for a file; None before any run."""
        return None

    def gain(self) -> Gain | None:
        return gain(self.model, self.wall_ns) if self.model is not None else None

    def _raised(self) -> str | None:
        """What the program raised past its own ``main`` (a live run's stage says so)."""
        return None

    def outcome(self) -> str | None:
        """How the program ended, in words, when that was not a success."""
        record = self.model.record if self.model is not None else None
        root = record.tasks[0] if record is not None and record.tasks else None
        status = self.exit_status()
        failed = root is not None and root.outcome is Outcome.FAILED
        exited = status and (not failed or (root is not None and (root.exception or "").startswith("SystemExit")))
        raised = self._raised()
        if exited and raised and not failed:
            return f"the program raised {raised}"
        if exited:
            return f"the program exited with status {status}"
        if root is not None and failed:
            return f"main() raised {root.exception or ''}"
        if root is not None and root.outcome is Outcome.CANCELLED:
            return "main() was cancelled"
        return None
