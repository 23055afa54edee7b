"""The viewer's end of a stage: start the process, read its stream, steer it, stop it.

Nothing here imports the stage's code: the two share only ``wire``, the stream format
and the commands. A stage process is started ahead of time (:class:`StagePool`), so a
run starts without waiting for the stage's imports. Stopping is polite first (every
task is cancelled, ``finally`` blocks run), then SIGTERM, then SIGKILL to the stage's
whole process group, so nothing the program started outlives it.
"""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import sys
import threading
import time
from typing import Any

from .wire import commands
from .wire.stream import Chunk, RecordBuilder, StreamError, StreamReader
from .recording.tee import StreamTee

REAP_S = 2.0  # after the stream closes, how long its process gets to exit
POLITE_S = 0.5  # how long cancelled tasks get to finish before the stage is terminated
TERM_S = 0.2  # how long SIGTERM gets before SIGKILL: together well inside a second


class StageProcess:
    """One stage process and its two pipes: the stream it writes, the commands it reads."""

    def __init__(self) -> None:
        stream_read, stream_write = os.pipe()
        control_read, control_write = os.pipe()
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "taskviz.stage", str(stream_write), str(control_read)],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                pass_fds=(stream_write, control_read), start_new_session=True, env=env,
            )
        finally:
            os.close(stream_write)
            os.close(control_read)
        self.stream_fd = stream_read
        self._control_fd = control_write
        self._lock = threading.Lock()

    def send(self, line: bytes) -> bool:
        """Write one command line; False when the stage is no longer listening."""
        with self._lock:
            if self._control_fd < 0:
                return False
            try:
                os.write(self._control_fd, line)
                return True
            except OSError:
                return False

    def close_control(self) -> None:
        """The stage reads EOF: an unused stage exits, a running one stops within its grace."""
        with self._lock:
            if self._control_fd >= 0:
                os.close(self._control_fd)
                self._control_fd = -1

    def signal_group(self, sig: int) -> None:
        try:
            os.killpg(self.process.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass

    def stop(self, polite: bool = True) -> None:
        """Polite, then firm: returns once the process and its group are gone (under a second).

        ``polite=False`` skips the wait for cancelled tasks: a loop held by a runaway step
        cannot run them anyway.
        """
        self.close_control()
        for wait, sig in ((POLITE_S if polite else 0.0, signal.SIGTERM), (TERM_S, signal.SIGKILL)):
            try:
                self.process.wait(wait)
                break
            except subprocess.TimeoutExpired:
                self.signal_group(sig)
        try:
            self.process.wait(1.0)
        except subprocess.TimeoutExpired:
            pass
        self.signal_group(signal.SIGKILL)  # anything the program started in its group


class StagePool:
    """Keeps one stage process started and waiting, so the next run starts at once."""

    def __init__(self) -> None:
        self._ready: StageProcess | None = None

    def take(self) -> StageProcess:
        process = self._ready if self._ready is not None and self._ready.process.poll() is None else StageProcess()
        self._ready = None
        return process

    def warm(self) -> None:
        if self._ready is None:
            self._ready = StageProcess()

    def close(self) -> None:
        if self._ready is not None:
            self._ready.stop()
            self._ready = None


class StageLink:
    """A run on a stage, as the viewer sees it: its record growing, its clock, its output."""

    def __init__(self, process: StageProcess, path: str, name: str, speed: float = 1.0,
                 module: str | None = None, args: tuple[str, ...] = (), save: str | None = None) -> None:
        """``save``: a file to write the stage's stream to as it arrives, byte for byte (a recording).

        Without one the stream goes to a spill, a private temporary file, all the same: the
        record may forget a long run's start, the spill keeps it for a save (:meth:`copy_stream`).
        """
        self.process = process
        self.builder = RecordBuilder(source="stage")
        self.record = self.builder.record
        self.error: str | None = None
        self.spill = StreamTee(save) if save is not None else StreamTee.spill()
        self.save = self.spill if save is not None else None  # the file the user asked for
        self._spilled = 0  # bytes of whole chunks in the spill: a copy ends on a chunk's end
        self._inbox: collections.deque[Chunk] = collections.deque()
        self._eof = False
        self._status_at = 0.0
        self._status: dict[str, Any] = {}
        self._next_id = 0
        self._stopper: threading.Thread | None = None
        self._reader = threading.Thread(target=self._read, name="taskviz-stream", daemon=True)
        self._reader.start()
        self._stderr: list[str] = []
        threading.Thread(target=self._read_stderr, name="taskviz-stage-stderr", daemon=True).start()
        if not process.send(commands.encode(commands.RUN, path=path, name=name, speed=speed, module=module, args=list(args))):
            self.error = "the stage could not be started"

    # -- reading ---------------------------------------------------------------------------

    def _read(self) -> None:
        reader = StreamReader("stage")
        fd = self.process.stream_fd
        try:
            while True:
                data = os.read(fd, 1 << 16)
                if not data:
                    break
                self.spill.write(data)  # before parsing: the file keeps even what this viewer cannot read
                self._inbox.extend(reader.feed(data))
                self._spilled = reader.offset
        except StreamError as exc:
            self.error = str(exc)
        except OSError:
            pass
        finally:
            os.close(fd)
            self.spill.close()
            self._eof = True
            self._reap()

    def _reap(self) -> None:
        """The stream closes as the stage exits: collect its exit, so no zombie is left waiting."""
        try:
            self.process.process.wait(REAP_S)
        except subprocess.TimeoutExpired:
            pass  # still running (a stop will see to it)

    def _read_stderr(self) -> None:
        stream = self.process.process.stderr
        if stream is not None:
            for raw in stream:
                self._stderr.append(raw.decode("utf-8", "replace"))
            stream.close()

    def pump(self, max_rows: int | None = None) -> int:
        """Fold what has arrived into the record, at most ``max_rows`` rows; returns rows folded."""
        inbox, builder = self._inbox, self.builder
        while inbox:
            builder.add(inbox.popleft())
        try:
            folded = builder.fold(max_rows)
        except StreamError as exc:
            self.error = str(exc)
            return 0
        if builder.status is not self._status and builder.status:
            self._status, self._status_at = builder.status, time.monotonic()
        return folded

    # -- what the viewer asks ----------------------------------------------------------------

    @property
    def origin_ns(self) -> int | None:
        origin = self._status.get("origin_ns")
        return int(origin) if origin is not None else None

    @property
    def backlog(self) -> int:
        return self.builder.backlog_rows + len(self._inbox)

    @property
    def ended(self) -> bool:
        """The run is over: its end arrived, or the stage is gone without one; all is folded."""
        # the end chunk is the stage's last word, but its output threads may still be
        # finishing: over once the stream itself has closed (the process exits right after)
        if not self._eof:
            return False
        gone = self.builder.end is not None or self.process.process.poll() is not None
        # folded, not only no rows left: a burst of task chunks can hold the END back a frame
        return gone and not self._inbox and self.builder.folded

    @property
    def end(self) -> dict[str, Any]:
        return self.builder.end or {}

    @property
    def paused(self) -> bool:
        return bool(self._status.get("paused"))

    @property
    def speed(self) -> float:
        return float(self._status.get("speed", 1.0))

    @property
    def busy(self) -> tuple[int, int, str] | None:
        """(task, step start, line) of a step that has held the stage's loop for a while, now."""
        busy = self._status.get("busy")
        return (int(busy[0]), int(busy[1]), str(busy[2])) if busy and not self.ended else None

    def now_ns(self) -> int:
        """The stage's clock now, carried forward from its last status at its speed."""
        now = int(self._status.get("now_ns", 0))
        if self._status and not self.paused and not self.ended:
            now += int((time.monotonic() - self._status_at) * 1e9 * self.speed)
        return now

    def stream_lag_ms(self) -> float:
        """How far the screen is behind the stage: the age of the newest status folded in."""
        return 0.0 if self.ended or not self._status else (time.monotonic() - self._status_at) * 1000

    def exit_status(self) -> int | None:
        """The program's exit status; a negative number is the signal that killed the stage."""
        if "exit" in self.end:
            return int(self.end["exit"])
        return self.process.process.poll() if self.ended else None

    def died(self) -> str | None:
        """Why the stage ended without saying how the run ended, in words; None if it did say."""
        if not self.ended or self.builder.end is not None:
            return None
        code = self.process.process.poll()
        if code is not None and code < 0:
            try:
                how = f"killed by {signal.Signals(-code).name}"
            except ValueError:
                how = f"killed by signal {-code}"
        else:
            how = f"exited with status {code}"
        last = self._stderr[-1].strip() if self._stderr else ""
        return f"the program's process {how}" + (f": {last}" if last else "")

    @property
    def spill_error(self) -> str | None:
        """Why the spill does not hold the whole stream so far (a full disk); None while it does."""
        return self.spill.error

    def copy_stream(self, path: str) -> None:
        """The stream so far, every whole chunk from its first byte, to a new file at ``path``:
        a recording of the whole run, whatever the record has forgotten. Raises OSError."""
        if self.spill.error is not None:
            raise OSError(self.spill.error)
        self.spill.copy_to(path, self._spilled)

    def discard_spill(self) -> None:
        """The run is no longer shown: the spill's disk space is freed (a ``--save`` file stays)."""
        self.spill.discard()

    def command(self, command: str, /, **fields: Any) -> int:
        """Send a command; returns its id, which its reply carries."""
        self._next_id += 1
        self.process.send(commands.encode(command, id=self._next_id, **fields))
        return self._next_id

    def stop(self) -> None:
        """Stop the run without waiting: polite cancel, then signals (on a thread of its own)."""
        if self._stopper is None:
            self.process.send(commands.encode(commands.STOP))
            polite = self.busy is None  # a held loop cannot run the cancelled tasks' finally blocks
            self._stopper = threading.Thread(target=self.process.stop, args=(polite,), name="taskviz-stop", daemon=True)
            self._stopper.start()

    def wait_stopped(self, timeout: float = 2.0) -> None:
        self.stop()
        assert self._stopper is not None
        self._stopper.join(timeout)
        self._reader.join(0.5)
