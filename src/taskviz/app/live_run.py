"""A program running live on a stage process, as the screen sees it.

The app's loop never runs the program: the run is a :class:`~taskviz.stage_link.StageLink`
to a process of its own, whose stream is folded into a record here, a bounded number of
rows a frame, so a million-row run never stalls a frame: it catches up.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

from ..catalog import Scenario
from ..model.retention import Window, forget_before
from ..model.timeline import TimelineModel
from ..stage_link import StageLink
from ..wire import commands
from ..wire.stream import has_forgotten
from .shown import Saveable, Shown

FOLD_SLICE_ROWS = 2_000  # about 3 ms of model work at ~1.5 µs a row
FOLD_BUDGET_S = 0.008  # model work a frame may do


class LiveRun(Shown):
    link: StageLink
    model: TimelineModel

    def __init__(self, scenario: Scenario, link: StageLink, start_speed: float = 1.0, window: Window | None = None) -> None:
        """``start_speed``: the speed the stage was started at (a presenter's ``--speed 0.25``);
        ``window``: how much of a long run the app keeps in detail (``model/retention``)."""
        self.scenario = scenario
        self.link = link
        self.window = window if window is not None else Window()
        self.model = TimelineModel(link.record, 0)
        self._outputs_seen = 0
        self._origin_known = False  # the model's origin is the start the stage reports
        self._want_paused: bool | None = None
        self._want_speed: float | None = None if start_speed == 1.0 else start_speed

    # -- each frame -----------------------------------------------------------------------

    def tick(self) -> int:
        link, model = self.link, self.model
        deadline = time.perf_counter() + FOLD_BUDGET_S
        folded = 0
        while True:
            link.pump(FOLD_SLICE_ROWS)
            if not self._origin_known:
                origin = link.origin_ns
                if origin is None:
                    break
                model.origin_ns, self._origin_known = origin, True
            folded += model.update()
            if not link.backlog or time.perf_counter() >= deadline:
                break
        cut = self.window.cut(model)
        if cut is not None:
            forget_before(model, cut)
        return folded

    def new_output(self) -> list[dict[str, Any]]:
        outputs = self.link.builder.outputs
        fresh = outputs[self._outputs_seen:]
        self._outputs_seen = len(outputs)
        return fresh

    @property
    def live(self) -> bool:
        return not self.link.ended

    @property
    def paused(self) -> bool:
        return self.link.paused and not self.link.ended

    @property
    def speed(self) -> float:
        """The speed asked for last (the stage follows within a status interval)."""
        return self._want_speed if self._want_speed is not None else self.link.speed

    def now_ns(self) -> int:
        if not self._origin_known:
            return 0
        if self.link.ended:
            return self.wall_ns
        return max(0, self.link.now_ns() - self.model.origin_ns)

    def busy(self) -> tuple[int, int, str] | None:
        if not self._origin_known:
            return None
        busy = self.link.busy
        return None if busy is None else (busy[0], busy[1] - self.model.origin_ns, busy[2])

    def stream_lag_ms(self) -> float:
        return self.link.stream_lag_ms()

    # -- steering -----------------------------------------------------------------------------

    def toggle_pause(self) -> bool:
        """Pause or resume; False once the run is over.

        What was asked last counts, not what the stage last reported: two presses within
        one status interval must pause and resume, not pause twice.
        """
        if not self.live:
            return False
        paused_now = self.link.paused if self._want_paused is None else self._want_paused
        self._want_paused = not paused_now
        self.link.command(commands.PAUSE if self._want_paused else commands.RESUME)
        return True

    def step(self) -> bool:
        """One task step of a paused run."""
        if not self.live:
            return False
        self.link.command(commands.STEP)
        return True

    def set_speed(self, speed: float) -> bool:
        if not self.live:
            return False
        self._want_speed = speed
        self.link.command(commands.SPEED, x=speed)
        return True

    def cancel_task(self, tid: int) -> bool:
        """Ask the stage to cancel one task; False if it is not alive (or not a task)."""
        model, link = self.model, self.link
        if tid >= len(model.tracks):
            return False
        track = model.tracks[tid]
        if track.state.finished or track.info.kind != "task" or link.ended:
            return False
        link.command(commands.CANCEL, task=tid)
        return True

    # -- how it went ------------------------------------------------------------------------

    @property
    def finished(self) -> bool:
        return self.link.ended

    @property
    def wall_ns(self) -> int:
        if "wall_ns" in self.link.end:
            return int(self.link.end["wall_ns"])
        return self.model.end_ns

    @property
    def error(self) -> str | None:
        link = self.link
        if link.error:
            return link.error
        return (link.end.get("error") or link.died()) if link.ended else None

    @property
    def save_error(self) -> str | None:
        return self.link.save.error if self.link.save is not None else None

    def exit_status(self) -> int | None:
        return self.link.exit_status()

    def _raised(self) -> str | None:
        return self.link.end.get("raised")

    def saveable(self) -> Saveable | None:
        """A live run's file gets the start its stage reported (a file has no STATUS chunks),
        and no end while it still runs: it then reads back as a run cut short, as it is.

        Once the record has forgotten the run's start, the file is a copy of the stream the
        stage sent, kept whole on disk (its STATUS chunks carry the start); if that copy
        stopped short (a full disk), the run cannot be saved whole, and saving says so.
        """
        link, model = self.link, self.model
        meta = dict(link.builder.meta)
        if self._origin_known:
            meta["origin_ns"] = model.origin_ns
        saved = Saveable(meta, link.record, list(link.builder.outputs), link.builder.end)
        if not has_forgotten(link.record):
            return saved
        if link.spill_error is None:
            return replace(saved, copy=link.copy_stream)
        return replace(saved, refused=f"the app has let go of this run's first {link.record.row_base:,} rows "
                                      f"to save memory, and {link.spill_error}")
