"""What the app is showing: a program running live on a stage process, or a recording.

The session owns what outlives one run (the waiting stage process, the stages still
stopping, the ``--save`` file) and holds the run shown: a :class:`LiveRun` or a
:class:`ReplayRun`, which answer the same questions, so the screen asks them here without
knowing which it has. Widgets see the timeline model and plain numbers, never a stage or a loop.
"""

from __future__ import annotations

from typing import Any

from ..catalog import Scenario
from ..model.history import WINDOW_S
from ..model.retention import Window
from ..model.summary import Gain
from ..model.timeline import TimelineModel
from ..recording.tee import StreamTee
from ..finished import Finished
from ..stage_link import StageLink, StagePool
from .live_run import LiveRun
from .player import Player
from .replay_run import ReplayRun
from .shown import Saveable, Shown
from .tape import Tape, from_finished


class Session:
    def __init__(self, speed: float = 1.0, save: str | None = None, keep_s: float = WINDOW_S) -> None:
        """``speed``: how fast each run starts (a presenter's ``--speed 0.25``); ``save``: a file
        the next run's stream is written to as it happens (``--save``: the run the command line asked for);
        ``keep_s``: how much of a long live run is kept in detail (``model/retention``)."""
        self.start_speed = speed
        self.keep_s = keep_s
        self._save_next = save
        self.shown: Shown = Shown()
        self.recording: StreamTee | None = None  # ``--save``'s file, kept after its run is replaced: the command line says if it failed
        self._pool = StagePool()
        self._stopping: list[StageLink] = []

    # -- starting and stopping --------------------------------------------------------------

    def warm_up(self) -> None:
        """Start a stage process now, so the first run does not wait for its imports."""
        self._pool.warm()

    def start(self, scenario: Scenario) -> None:
        """Run ``scenario`` on a fresh stage; the previous run is stopped."""
        self._let_go()
        save, self._save_next = self._save_next, None
        link = StageLink(self._pool.take(), scenario.argv0, scenario.name, self.start_speed,
                         module=scenario.module, args=scenario.args, save=save)
        if link.save is not None:
            self.recording = link.save
        self.shown = LiveRun(scenario, link, self.start_speed, Window(self.keep_s))
        self._pool.warm()

    def show_recorded(self, scenario: Scenario | None, run: Tape | Finished, until: int | None = None,
                      at_ns: int | None = None) -> None:
        """Replay a finished run: played in real time from its start, or paused at row ``until``
        or at instant ``at_ns``."""
        self._let_go()
        tape = run if isinstance(run, Tape) else from_finished(run)
        scenario = scenario or (run.scenario if isinstance(run, Finished) else None)
        self.shown = ReplayRun(scenario, tape, self.start_speed, until, at_ns)

    def stop(self) -> None:
        """Stop whatever runs, without waiting: the stage is cancelled, then terminated."""
        link = self.shown.link
        if link is not None and not link.ended:
            link.stop()
            self._stopping.append(link)
        self._stopping = [link for link in self._stopping if link.process.process.poll() is None]

    def _let_go(self) -> None:
        """The run shown is going: it is stopped, and the copy of its stream kept on disk freed."""
        self.stop()
        if self.shown.link is not None:
            self.shown.link.discard_spill()

    def close(self, timeout: float = 2.0) -> None:
        """Stop every run and the waiting stage; returns once their processes are gone."""
        self._let_go()
        for link in self._stopping:
            link.wait_stopped(timeout)
        self._stopping = []
        self._pool.close()

    # -- the run shown: see Shown for what each answer means -----------------------------------

    @property
    def scenario(self) -> Scenario | None:
        return self.shown.scenario

    @property
    def model(self) -> TimelineModel | None:
        return self.shown.model

    @property
    def link(self) -> StageLink | None:
        return self.shown.link

    @property
    def player(self) -> Player | None:
        return self.shown.player

    @property
    def tape(self) -> Tape | None:
        return self.shown.tape

    def tick(self) -> int:
        return self.shown.tick()

    def new_output(self) -> list[dict[str, Any]]:
        return self.shown.new_output()

    def rewind_output(self) -> None:
        self.shown.rewind_output()

    @property
    def live(self) -> bool:
        return self.shown.live

    @property
    def paused(self) -> bool:
        return self.shown.paused

    @property
    def speed(self) -> float:
        return self.shown.speed

    def now_ns(self) -> int:
        return self.shown.now_ns()

    def busy(self) -> tuple[int, int, str] | None:
        return self.shown.busy()

    def stream_lag_ms(self) -> float:
        return self.shown.stream_lag_ms()

    def toggle_pause(self) -> bool:
        return self.shown.toggle_pause()

    def step(self) -> bool:
        return self.shown.step()

    def set_speed(self, speed: float) -> bool:
        return self.shown.set_speed(speed)

    def cancel_task(self, tid: int) -> bool:
        return self.shown.cancel_task(tid)

    @property
    def finished(self) -> bool:
        return self.shown.finished

    @property
    def wall_ns(self) -> int:
        return self.shown.wall_ns

    @property
    def error(self) -> str | None:
        return self.shown.error

    @property
    def save_error(self) -> str | None:
        return self.shown.save_error

    def exit_status(self) -> int | None:
        return self.shown.exit_status()

    def saveable(self) -> Saveable | None:
        return self.shown.saveable()

    def gain(self) -> Gain | None:
        return self.shown.gain()

    def outcome(self) -> str | None:
        return self.shown.outcome()
