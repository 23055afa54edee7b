"""A recording opened again: the finished run it holds, as ``run --headless`` had it.

The model is built exactly as the live run's was (the same rows, the same origin), so
a saved run's timeline, summary and JSON are the live run's. A file cut short has no END:
its origin and length then come from the last STATUS the stage (or saver) sent.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..finished import Finished, Span, model_of
from ..stage.program import INTERRUPTED
from ..text import visible
from ..wire.stream import Recording, StreamError, read_file


@dataclass(frozen=True)
class Opened:
    """A recording and the finished run it holds."""

    path: str
    recording: Recording
    finished: Finished

    @property
    def name(self) -> str:
        """The program's name, safe to draw (a file may come from anyone)."""
        return visible(str(self.recording.meta.get("name") or "recording"))

    @property
    def title(self) -> str:
        """The text timeline's title, as ``run --headless`` writes it."""
        title = self.recording.meta.get("title")
        return f"{self.name} — {visible(str(title))}" if title else self.name

    @property
    def exit_code(self) -> int:
        """The exit status ``run --headless`` ended with (a run cut short: 1 unless main succeeded)."""
        finished = self.finished
        return finished.exit_code if finished.exit_code is not None else int(finished.failed)


def open_recording(path: str) -> Opened:
    """Read ``path`` and build its run's model; raises only StreamError (one line naming the file)."""
    recording = read_file(path)
    return Opened(path, recording, finished_run(recording, path))


def finished_run(recording: Recording, name: str = "recording") -> Finished:
    """The run a recording holds, as a finished run: its model at the end, its exit, its notes.

    Raises only StreamError (``name`` names the file in it): a file can be well formed
    chunk by chunk and still describe no possible run.
    """
    end = recording.end or {}
    origin = _int(end.get("started_ns"))
    if origin is None:
        origin = _int(recording.status.get("origin_ns"))
    record = recording.record
    if origin is None:
        origin = min(record.times) if len(record) else 0
    try:
        model = model_of(record, origin)
    except (IndexError, ValueError, OverflowError) as exc:  # rows that check out one by one, not together
        raise StreamError(f"{name}: corrupt: its rows do not make a timeline ({type(exc).__name__})") from None
    wall = _int(end.get("wall_ns"))
    if wall is None:
        now = _int(recording.status.get("now_ns"))
        wall = max(model.end_ns, 0 if now is None else now - origin)
    code = _int(end.get("exit"))
    notes = [output["text"] for output in recording.outputs if output["stream"] == "note"]
    if end.get("error"):
        notes.append(f"the program did not run: {end['error']}")
    return Finished(None, Span(record, origin, wall), model, interrupted=code == INTERRUPTED, exit_code=code,
                    notes=tuple(notes))


def _int(value: object) -> int | None:
    """A number from a free-form JSON field; anything else (a corrupt or foreign value) is unknown."""
    return value if type(value) is int else None
