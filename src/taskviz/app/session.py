"""What the app is showing: a program running live on a stage process, or a recording.

The app's loop never runs the program: a live run is a :class:`~taskviz.stage_link.StageLink`
to a process of its own, whose stream is folded into a record here, a bounded number of
rows a frame. A recording is a finished record replayed through a
:class:`~taskviz.app.player.Player`: played at a speed, paused, stepped an event at a time
or scrubbed to any instant (or shown paused at a given row or instant, for stable
screenshots). Widgets see the timeline model and plain numbers, never a stage or a loop.
"""

from __future__ import annotations

import time
from typing import Any

from ..catalog import Scenario
from ..model.summary import Gain, gain
from ..model.timeline import TimelineModel
from ..recording.tee import StreamTee
from ..runner import Finished
from ..stage_link import StageLink, StagePool
from ..wire import commands
from ..wire.record import EventRecord, Outcome
from .player import Player
from .tape import Tape, from_finished

FOLD_SLICE_ROWS = 2_000  # about 3 ms of model work at ~1.5 µs a row
FOLD_BUDGET_S = 0.008  # model work a frame may do: a million-row run never stalls a frame, it catches up


class _Replay:
    """A tape shown through a player: the model follows the player's row, rebuilt from the
    first row when the player goes back (a model only grows), so a row looks the same
    however the player got to it."""

    def __init__(self, tape: Tape) -> None:
        self.tape = tape
        self.player = Player(tape.record.times, tape.origin_ns, tape.wall_ns)
        self.outputs_seen = 0

    def model_at(self, model: TimelineModel) -> TimelineModel:
        """``model`` moved to the player's row: the same one grown, or a fresh one."""
        self.player.advance()
        row = self.player.row
        if row < model.consumed:
            model = TimelineModel(self.tape.record, self.tape.origin_ns)
        model.update(row)
        return model

    def outputs_until(self, now_ns: int) -> list[dict[str, Any]]:
        """What the program had printed by ``now_ns`` and was not shown yet."""
        outputs, limit = self.tape.outputs, self.tape.origin_ns + now_ns
        start = end = self.outputs_seen
        while end < len(outputs) and outputs[end]["t"] <= limit:
            end += 1
        self.outputs_seen = end
        return outputs[start:end]


class Session:
    def __init__(self, speed: float = 1.0, save: str | None = None) -> None:
        """``speed``: how fast each run starts (a presenter's ``--speed 0.25``); ``save``: a file
        the next run's stream is written to as it happens (``--save``: the run the command line asked for)."""
        self.start_speed = speed
        self._save_next = save
        self.scenario: Scenario | None = None
        self.link: StageLink | None = None
        self.model: TimelineModel | None = None
        self._error: str | None = None
        self._replay: _Replay | None = None
        self._pool = StagePool()
        self.recording: StreamTee | None = None  # ``--save``'s file, kept after its run is replaced: the command line says if it failed
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
        save, self._save_next = self._save_next, None
        self.link = StageLink(self._pool.take(), scenario.argv0, scenario.name, self.start_speed,
                              module=scenario.module, args=scenario.args, save=save)
        if self.link.save is not None:
            self.recording = self.link.save
        self.model = TimelineModel(self.link.record, 0)
        self._origin_known = False
        self._want_paused: bool | None = None
        self._want_speed: float | None = None if self.start_speed == 1.0 else self.start_speed
        self._pool.warm()

    def show_recorded(self, scenario: Scenario | None, run: Tape | Finished, until: int | None = None,
                      at_ns: int | None = None) -> None:
        """Replay a finished run: played in real time from its start, or paused at row ``until``
        or at instant ``at_ns``."""
        self.stop()
        self.link = None
        tape = run if isinstance(run, Tape) else from_finished(run)
        self.scenario, self._error = scenario or (run.scenario if isinstance(run, Finished) else None), None
        self._replay = _Replay(tape)
        self.model = TimelineModel(tape.record, tape.origin_ns)
        player = self._replay.player
        player.set_speed(self.start_speed)
        if at_ns is not None:
            player.seek(at_ns)
        elif until is not None:
            player.seek_row(until)
        else:
            player.play()
        self.model = self._replay.model_at(self.model)

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
        if self._replay is not None:
            error = (self._replay.tape.end or {}).get("error")  # a recorded program that could not run
            return self._error or (error if isinstance(error, str) and error else None)
        if self._error or link is None:
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
        if self._replay is not None:
            return self._replay.outputs_until(self.now_ns())
        if self.link is None:
            return []
        outputs = self.link.builder.outputs
        fresh = outputs[self._outputs_seen:]
        self._outputs_seen = len(outputs)
        return fresh

    def _replay_tick(self, replay: _Replay) -> int:
        assert self.model is not None
        before = self.model.consumed
        self.model = replay.model_at(self.model)
        return abs(self.model.consumed - before)

    @property
    def live(self) -> bool:
        """Whether time is still moving on screen: a run going on, or a replay not at its end."""
        if self._replay is not None:
            return self._replay.player.playing and not self.finished
        return self.link is not None and not self.link.ended

    @property
    def paused(self) -> bool:
        """Time stands still: a live run paused, or a recording shown as it was partway through."""
        if self._replay is not None:
            return not self._replay.player.playing and not self.finished
        return self.link is not None and self.link.paused and not self.link.ended

    @property
    def speed(self) -> float:
        """The speed asked for last (the stage follows within a status interval)."""
        if self._replay is not None:
            return self._replay.player.speed
        if self.link is None:
            return 1.0
        return self._want_speed if self._want_speed is not None else self.link.speed

    def now_ns(self) -> int:
        if self._replay is not None:
            return self._replay.player.now_ns
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

    @property
    def save_error(self) -> str | None:
        """Why ``--save``'s file stopped short of the run (a full disk): the run goes on without it."""
        if self.link is not None and self.link.save is not None:
            return self.link.save.error
        return None

    def stream_lag_ms(self) -> float:
        return self.link.stream_lag_ms() if self.link is not None else 0.0

    # -- steering a live run ----------------------------------------------------------------

    def toggle_pause(self) -> bool:
        """Pause or resume a live run; False when there is none.

        What was asked last counts, not what the stage last reported: two presses within
        one status interval must pause and resume, not pause twice.
        """
        if self._replay is not None:
            self._replay.player.toggle()
            return True
        if not self.live or self.link is None:
            return False
        paused_now = self.link.paused if self._want_paused is None else self._want_paused
        self._want_paused = not paused_now
        self.link.command(commands.PAUSE if self._want_paused else commands.RESUME)
        return True

    def step(self) -> bool:
        """One task step of a paused live run; in a replay, one event forward."""
        if self._replay is not None:
            self._replay.player.step(+1)
            return True
        if not self.live or self.link is None:
            return False
        self.link.command(commands.STEP)
        return True

    def set_speed(self, speed: float) -> bool:
        if self._replay is not None:
            self._replay.player.set_speed(speed)
            return True
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
            return self.model is not None and self.model.consumed >= len(self._replay.tape.record)
        return self.link is not None and self.link.ended

    @property
    def wall_ns(self) -> int:
        if self._replay is not None:
            return self._replay.tape.wall_ns
        if self.link is not None and "wall_ns" in self.link.end:
            return int(self.link.end["wall_ns"])
        return self.model.end_ns if self.model is not None else 0

    def gain(self) -> Gain | None:
        return gain(self.model, self.wall_ns) if self.model is not None else None

    def exit_status(self) -> int | None:
        if self._replay is not None:
            status = (self._replay.tape.end or {}).get("exit")
            return status if type(status) is int and self.finished else None
        return self.link.exit_status() if self.link is not None else None

    # -- a replay ----------------------------------------------------------------------------

    @property
    def player(self) -> Player | None:
        """The replay's transport (None for a live run): where it stands, how fast it moves."""
        return self._replay.player if self._replay is not None else None

    def rewind_output(self) -> None:
        """The screen redraws a replay's log from the start: what was printed comes again."""
        if self._replay is not None:
            self._replay.outputs_seen = 0

    @property
    def tape(self) -> Tape | None:
        return self._replay.tape if self._replay is not None else None

    def saveable(self) -> tuple[dict[str, Any], EventRecord, list[dict[str, Any]], dict[str, Any] | None] | None:
        """(meta, record, outputs, end) of the run shown, for a file; None before any run.

        A live run's file gets the start its stage reported (a file has no STATUS chunks),
        and no end while it still runs: it then reads back as a run cut short, as it is.
        """
        if self._replay is not None:
            tape = self._replay.tape
            return {**tape.meta, "origin_ns": tape.origin_ns}, tape.record, list(tape.outputs), tape.end
        link, model = self.link, self.model
        if link is None or model is None:
            return None
        meta = dict(link.builder.meta)
        if self._origin_known:
            meta["origin_ns"] = model.origin_ns
        return meta, link.record, list(link.builder.outputs), link.builder.end

    def outcome(self) -> str | None:
        """How the program ended, in words, when that was not a success."""
        record = self._replay.tape.record if self._replay is not None else self.link.record if self.link else None
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
