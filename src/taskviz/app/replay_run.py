"""A finished run replayed: played at a speed, paused, stepped an event at a time or
scrubbed to any instant (or shown paused at a given row or instant, for stable screenshots).

The model follows the player's row, rebuilt from the first row when the player goes back
(a model only grows), so a row looks the same however the player got to it.
"""

from __future__ import annotations

from typing import Any

from ..catalog import Scenario
from ..model.timeline import TimelineModel
from .player import Player
from .shown import Saveable, Shown
from .tape import Tape


class ReplayRun(Shown):
    tape: Tape
    player: Player
    model: TimelineModel

    def __init__(self, scenario: Scenario | None, tape: Tape, speed: float = 1.0, until: int | None = None,
                 at_ns: int | None = None) -> None:
        """Played at ``speed`` from its start, or paused at row ``until`` or at instant ``at_ns``."""
        self.scenario = scenario
        self.tape = tape
        self.player = player = Player(tape.record.times, tape.origin_ns, tape.wall_ns)
        self.model = TimelineModel(tape.record, tape.origin_ns)
        self._outputs_seen = 0
        player.set_speed(speed)
        if at_ns is not None:
            player.seek(at_ns)
        elif until is not None:
            player.seek_row(until)
        else:
            player.play()
        self.model = self._model_at(self.model)

    def _model_at(self, model: TimelineModel) -> TimelineModel:
        """``model`` moved to the player's row: the same one grown, or a fresh one."""
        self.player.advance()
        row = self.player.row
        if row < model.consumed:
            model = TimelineModel(self.tape.record, self.tape.origin_ns)
        model.update(row)
        return model

    # -- each frame -----------------------------------------------------------------------

    def tick(self) -> int:
        before = self.model.consumed
        self.model = self._model_at(self.model)
        return abs(self.model.consumed - before)

    def new_output(self) -> list[dict[str, Any]]:
        """What the program had printed by the player's instant and was not shown yet."""
        outputs, limit = self.tape.outputs, self.tape.origin_ns + self.now_ns()
        start = end = self._outputs_seen
        while end < len(outputs) and outputs[end]["t"] <= limit:
            end += 1
        self._outputs_seen = end
        return outputs[start:end]

    def rewind_output(self) -> None:
        self._outputs_seen = 0

    @property
    def live(self) -> bool:
        return self.player.playing and not self.finished

    @property
    def paused(self) -> bool:
        """A recording shown as it was partway through."""
        return not self.player.playing and not self.finished

    @property
    def speed(self) -> float:
        return self.player.speed

    def now_ns(self) -> int:
        return self.player.now_ns

    # -- steering: the transport -------------------------------------------------------------

    def toggle_pause(self) -> bool:
        self.player.toggle()
        return True

    def step(self) -> bool:
        """One event forward."""
        self.player.step(+1)
        return True

    def set_speed(self, speed: float) -> bool:
        self.player.set_speed(speed)
        return True

    # -- how it went ------------------------------------------------------------------------

    @property
    def finished(self) -> bool:
        return self.model.consumed >= len(self.tape.record)

    @property
    def wall_ns(self) -> int:
        return self.tape.wall_ns

    @property
    def error(self) -> str | None:
        """A recorded program that could not run."""
        error = (self.tape.end or {}).get("error")
        return error if isinstance(error, str) and error else None

    def exit_status(self) -> int | None:
        status = (self.tape.end or {}).get("exit")
        return status if type(status) is int and self.finished else None

    def saveable(self) -> Saveable | None:
        tape = self.tape
        return Saveable({**tape.meta, "origin_ns": tape.origin_ns}, tape.record, list(tape.outputs), tape.end)
