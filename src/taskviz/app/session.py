"""What the app is showing: a program running live on a stage process, or a recording.

The app's loop never runs the program: a live run is a :class:`~taskviz.stage_link.StageLink`
to a process of its own, whose stream is folded into a record here, a bounded number of
rows a frame. A recording is a finished record replayed at the speed it was recorded (or
frozen at a given row, for stable screenshots). Widgets see the timeline model and plain
numbers, never a stage or a loop.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from ..catalog import Scenario
from ..model.summary import Gain, gain
from ..model.timeline import TimelineModel
from ..runner import Finished
from ..stage_link import StageLink, StagePool
from ..wire import commands
from ..wire.record import EventRecord, Outcome

FOLD_SLICE_ROWS = 2_000  # about 3 ms of model work at ~1.5 µs a row
FOLD_BUDGET_S = 0.008  # model work a frame may do: a million-row run never stalls a frame, it catches up


@dataclass
class _Replay:
    record: EventRecord
    wall_ns: int
    started: float  # perf_counter when the replay began
    frozen_at: int | None  # row index to stop at; None replays in real time


class Session:
    def __init__(self, speed: float = 1.0) -> None:
        """``speed``: how fast each run starts (a presenter's ``--speed 0.25``)."""
        self.start_speed = speed
        self.scenario: Scenario | None = None
        self.link: StageLink | None = None
        self.model: TimelineModel | None = None
        self._error: str | None = None
        self._replay: _Replay | None = None
        self._pool = StagePool()
        self._stopping: list[StageLink] = []
        self._outputs_seen = 0
        self._origin_known = False
        self._want_paused: bool | None = None
        self._want_speed: float | None = None

    # -- starting -------------------------------------------------------------------------

    def warm_up(self) -> None:
        """Start a stage process now, so the first run does not wait for its imports."""
        self._pool.warm()

    def start(self, scenario: Scenario) -> None:
        """Run ``scenario`` on a fresh stage; the previous run is stopped."""
        self.stop()
        self.scenario, self._error, self._replay, self._outputs_seen = scenario, None, None, 0
        self.link = StageLink(self._pool.take(), scenario.argv0, scenario.name, self.start_speed,
                              module=scenario.module, args=scenario.args)
        self.model = TimelineModel(self.link.record, 0)
        self._origin_known = False
        self._want_paused: bool | None = None
        self._want_speed: float | None = None if self.start_speed == 1.0 else self.start_speed
        self._pool.warm()

    def show_recorded(self, scenario: Scenario | None, finished: Finished, until: int | None = None) -> None:
        """Replay a finished run: in real time, or frozen at row ``until``."""
        self.stop()
        self.link = None
        self.scenario, self._error = scenario or finished.scenario, None
        self._replay = _Replay(finished.record, finished.run.wall_ns, time.perf_counter(), until)
        self.model = TimelineModel(finished.record, finished.run.started_ns)
        if until is not None:
            self.model.update(until)

    def stop(self) -> None:
        """Stop whatever runs, without waiting: the stage is cancelled, then terminated."""
        if self.link is not None and not self.link.ended:
            self.link.stop()
            self._stopping.append(self.link)
        self._stopping = [link for link in self._stopping if link.process.process.poll() is None]

    def close(self, timeout: float = 2.0) -> None:
        """Stop every run and the waiting stage; returns once their processes are gone."""
        self.stop()
        for link in self._stopping:
            link.wait_stopped(timeout)
        self._stopping = []
        self._pool.close()

    @property
    def error(self) -> str | None:
        """Why the run could not go as the program meant: it did not load, or its process died."""
        link = self.link
        if self._error or link is None or self._replay is not None:
            return self._error
        if link.error:
            return link.error
        return (link.end.get("error") or link.died()) if link.ended else None

    # -- each frame -----------------------------------------------------------------------

    def tick(self) -> int:
        """Fold new events into the model; returns how many rows came in."""
        if self.model is None:
            return 0
        if self._replay is not None:
            return self._replay_tick(self._replay)
        link = self.link
        if link is None:
            return 0
        deadline = time.perf_counter() + FOLD_BUDGET_S
        folded = 0
        while True:
            link.pump(FOLD_SLICE_ROWS)
            if not self._origin_known:
                origin = link.origin_ns
                if origin is None:
                    break
                self.model.origin_ns, self._origin_known = origin, True
            added = self.model.update()
            folded += added
            if not link.backlog or time.perf_counter() >= deadline:
                break
        return folded

    def new_output(self) -> list[dict[str, Any]]:
        """What the program printed since the last call: dicts with t (ns), stream and text."""
        if self.link is None:
            return []
        outputs = self.link.builder.outputs
        fresh = outputs[self._outputs_seen:]
        self._outputs_seen = len(outputs)
        return fresh

    def _replay_tick(self, replay: _Replay) -> int:
        model = self.model
        assert model is not None
        if replay.frozen_at is not None:
            return 0
        limit = model.origin_ns + self.now_ns()
        times = replay.record.times
        end = model.consumed
        while end < len(times) and times[end] <= limit:
            end += 1
        return model.update(end)

    @property
    def live(self) -> bool:
        """Whether time is still moving on screen: a run going on, or a replay not at its end."""
        if self._replay is not None:
            return self._replay.frozen_at is None and self.model is not None and self.model.consumed < len(self._replay.record)
        return self.link is not None and not self.link.ended

    @property
    def paused(self) -> bool:
        """Time stands still: a live run paused, or a recording shown as it was partway through."""
        if self._replay is not None:
            return self._replay.frozen_at is not None and not self.finished
        return self.link is not None and self.link.paused and not self.link.ended

    @property
    def speed(self) -> float:
        """The speed asked for last (the stage follows within a status interval)."""
        if self.link is None or self._replay is not None:
            return 1.0
        return self._want_speed if self._want_speed is not None else self.link.speed

    def now_ns(self) -> int:
        if self._replay is not None:
            if self._replay.frozen_at is not None:
                return self.model.end_ns if self.model is not None else 0
            return int((time.perf_counter() - self._replay.started) * 1e9)
        if self.link is None or not self._origin_known or self.model is None:
            return 0
        if self.link.ended:
            return self.wall_ns
        return max(0, self.link.now_ns() - self.model.origin_ns)

    def busy(self) -> tuple[int, int, str] | None:
        """(task, start in ns since the run began, line) of a step holding the stage's loop now."""
        if self.link is None or self.model is None or not self._origin_known:
            return None
        busy = self.link.busy
        return None if busy is None else (busy[0], busy[1] - self.model.origin_ns, busy[2])

    def stream_lag_ms(self) -> float:
        return self.link.stream_lag_ms() if self.link is not None else 0.0

    # -- steering a live run ----------------------------------------------------------------

    def toggle_pause(self) -> bool:
        """Pause or resume a live run; False when there is none.

        What was asked last counts, not what the stage last reported: two presses within
        one status interval must pause and resume, not pause twice.
        """
        if not self.live or self.link is None:
            return False
        paused_now = self.link.paused if self._want_paused is None else self._want_paused
        self._want_paused = not paused_now
        self.link.command(commands.PAUSE if self._want_paused else commands.RESUME)
        return True

    def step(self) -> bool:
        if not self.live or self.link is None:
            return False
        self.link.command(commands.STEP)
        return True

    def set_speed(self, speed: float) -> bool:
        if not self.live or self.link is None:
            return False
        self._want_speed = speed
        self.link.command(commands.SPEED, x=speed)
        return True

    def cancel_task(self, tid: int) -> bool:
        """Ask the stage to cancel one live task; False if it is not alive (or not a task)."""
        model = self.model
        if self.link is None or self._replay is not None or model is None or tid >= len(model.tracks):
            return False
        track = model.tracks[tid]
        if track.state.finished or track.info.kind != "task" or self.link.ended:
            return False
        self.link.command(commands.CANCEL, task=tid)
        return True

    # -- what the scenario's point is -------------------------------------------------------

    @property
    def finished(self) -> bool:
        if self._replay is not None:
            return self.model is not None and self.model.consumed >= len(self._replay.record)
        return self.link is not None and self.link.ended

    @property
    def wall_ns(self) -> int:
        if self._replay is not None:
            return self._replay.wall_ns
        if self.link is not None and "wall_ns" in self.link.end:
            return int(self.link.end["wall_ns"])
        return self.model.end_ns if self.model is not None else 0

    def gain(self) -> Gain | None:
        return gain(self.model, self.wall_ns) if self.model is not None else None

    def exit_status(self) -> int | None:
        return self.link.exit_status() if self.link is not None else None

    def outcome(self) -> str | None:
        """How the program ended, in words, when that was not a success."""
        record = self._replay.record if self._replay is not None else self.link.record if self.link else None
        root = record.tasks[0] if record is not None and record.tasks else None
        status = self.exit_status()
        exited = status and (root is None or root.outcome is not Outcome.FAILED or (root.exception or "").startswith("SystemExit"))
        raised = self.link.end.get("raised") if self.link is not None and self._replay is None else None
        if exited and raised and not (root is not None and root.outcome is Outcome.FAILED):
            return f"the program raised {raised}"
        if exited:
            return f"the program exited with status {status}"
        if root is not None and root.outcome is Outcome.FAILED:
            return f"main() raised {root.exception or ''}"
        if root is not None and root.outcome is Outcome.CANCELLED:
            return "main() was cancelled"
        return None
