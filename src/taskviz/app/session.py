"""What the app is showing: a scenario running live on the app's own loop, or a recording.

The only part of the app that touches the instrumentation (``tracing``); widgets see the
timeline model and plain numbers. A recording is a finished record replayed at the speed
it was recorded (or frozen at a given row, for stable screenshots).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from ..catalog import Scenario, ScenarioError, load_main
from ..wire.record import EventRecord, Outcome
from ..runner import Finished, main_coroutine
from ..model.summary import Gain, gain
from ..model.timeline import TimelineModel
from ..stage.tracing import Run


@dataclass
class _Replay:
    record: EventRecord
    wall_ns: int
    started: float  # perf_counter when the replay began
    frozen_at: int | None  # row index to stop at; None replays in real time


class Session:
    def __init__(self) -> None:
        self.scenario: Scenario | None = None
        self.run: Run | None = None
        self.model: TimelineModel | None = None
        self.error: str | None = None
        self._replay: _Replay | None = None
        self._stopping: list[Run] = []  # cancelled runs whose tasks may not have finished yet

    # -- starting -------------------------------------------------------------------------

    def start(self, scenario: Scenario) -> None:
        """Run ``scenario`` on the running loop, with a fresh record; the previous run is cancelled."""
        self.stop()
        self.scenario, self.error, self.model, self._replay, self.run = scenario, None, None, None, None
        try:
            coro = main_coroutine(load_main(scenario))
        except ScenarioError as exc:
            self.error = str(exc)
            return
        self.run = Run.start(coro, contain_exits=True)
        self.model = TimelineModel(self.run.record, self.run.started_ns)

    def show_recorded(self, scenario: Scenario | None, finished: Finished, until: int | None = None) -> None:
        """Replay a finished run: in real time, or frozen at row ``until``."""
        self.stop()
        self.scenario, self.error = scenario or finished.scenario, None
        self._replay = _Replay(finished.record, finished.run.wall_ns, time.perf_counter(), until)
        self.model = TimelineModel(finished.record, finished.run.started_ns)
        if until is not None:
            self.model.update(until)

    def stop(self) -> None:
        """Cancel whatever the scenario still has running."""
        self._stopping = [run for run in self._stopping if run.running]  # finished ones free their records
        if self.run is not None and self.run.running and self.run not in self._stopping:
            self.run.cancel()
            self._stopping.append(self.run)

    async def wait_stopped(self, timeout: float = 2.0) -> None:
        """Until every cancelled run's tasks have finished, so nothing is left pending."""
        self.stop()
        runs = [run for run in self._stopping if run.running]
        self._stopping = []
        if runs:
            try:
                await asyncio.wait_for(asyncio.gather(*(run.wait() for run in runs)), timeout)
            except TimeoutError:
                pass

    # -- each frame -----------------------------------------------------------------------

    def tick(self) -> int:
        """Fold new events into the model; returns how many rows came in."""
        if self.model is None:
            return 0
        if self._replay is not None:
            return self._replay_tick(self._replay)
        if self.run is not None:
            self.run.sync()
        return self.model.update()

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
        return self.run is not None and self.run.running and self.model is not None

    @property
    def paused(self) -> bool:
        """A recording shown as it was partway through: time stands still before the end."""
        return self._replay is not None and self._replay.frozen_at is not None and not self.finished

    def now_ns(self) -> int:
        if self._replay is not None:
            if self._replay.frozen_at is not None:
                return self.model.end_ns if self.model is not None else 0
            return int((time.perf_counter() - self._replay.started) * 1e9)
        return self.run.now_ns() if self.run is not None else 0

    # -- what the scenario's point is -------------------------------------------------------

    @property
    def finished(self) -> bool:
        if self._replay is not None:
            return self.model is not None and self.model.consumed >= len(self._replay.record)
        return self.run is not None and not self.run.running

    @property
    def wall_ns(self) -> int:
        if self._replay is not None:
            return self._replay.wall_ns
        return self.run.wall_ns if self.run is not None else 0

    def gain(self) -> Gain | None:
        return gain(self.model, self.wall_ns) if self.model is not None else None

    def outcome(self) -> str | None:
        """How main() ended, in words, once it has."""
        record = self._replay.record if self._replay is not None else self.run.record if self.run else None
        if record is None or not record.tasks or record.tasks[0].outcome is None:
            return None
        root = record.tasks[0]
        if root.outcome is Outcome.OK:
            return None
        return f"main() {'was cancelled' if root.outcome is Outcome.CANCELLED else 'raised ' + (root.exception or '')}"

    def cancel_task(self, tid: int) -> bool:
        """Cancel one live task of the scenario; False if it is not alive (or not a task)."""
        task = self.run.task(tid) if self.run is not None and self._replay is None else None
        return bool(task is not None and task.cancel())
