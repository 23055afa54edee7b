"""A finished run as the app replays and saves it, whichever way it came.

A run comes back either from a recording file (:class:`~taskviz.wire.stream.Recording`)
or from a headless virtual-clock run made for ``--virtual-time`` (:class:`Finished`).
Both become one Tape, so the app has one replay, and either can be saved again with
everything a file must hold to be replayed elsewhere.
"""

from __future__ import annotations

import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from ..catalog import Scenario, ScenarioError, find
from ..finished import Finished
from ..text import visible
from ..wire.record import EventRecord
from ..wire.stream import Recording

_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")


@dataclass(frozen=True)
class RecordedScenario(Scenario):
    """A scenario as it was when it was recorded: its source is the recorded text, not today's file."""

    recorded_source: str = ""

    @property
    def source(self) -> str:
        return self.recorded_source


@dataclass
class Tape:
    record: EventRecord
    origin_ns: int  # the record's clock when the run began: times on screen count from here
    wall_ns: int
    meta: dict[str, Any] = field(default_factory=dict)
    outputs: list[dict[str, Any]] = field(default_factory=list)  # t (record clock), stream, text
    end: dict[str, Any] | None = None
    note: str = ""  # why the run shown is partial, for a person

    @property
    def virtual_time(self) -> bool:
        return bool(self.meta.get("virtual_time"))

    @property
    def name(self) -> str:
        return str(self.meta.get("name") or "run")


def from_recording(recording: Recording) -> Tape:
    """The run in a file. Its start and length are the ones the stage reported (in its END,
    else its last STATUS, else the app's ``origin_ns`` when it saved a run still going), as
    ``recording.opened`` reads them, so a replay ends on the same model as ``open --headless``."""
    record, meta, end, status = recording.record, recording.meta, recording.end or {}, recording.status
    origin = _first_int(end.get("started_ns"), status.get("origin_ns"), meta.get("origin_ns"))
    if origin is None:
        origin = min(record.times) if len(record.times) else 0
    wall = _first_int(end.get("wall_ns"))
    if wall is None:
        last = max(record.times) - origin if len(record.times) else 0
        now = _first_int(status.get("now_ns"))
        wall = max(last, 0 if now is None else now - origin, 0)
    return Tape(record, origin, wall, dict(meta), list(recording.outputs), recording.end, recording.note)


def from_finished(finished: Finished, prints: str = "") -> Tape:
    """A run made in this process (``--virtual-time``); what it printed has no times, so it
    is shown from the start."""
    scenario = finished.scenario
    meta: dict[str, Any] = {
        "python": sys.version.split()[0],
        "taskviz": __version__,
        "started_at": time.time(),
        "virtual_time": True,
        "origin_ns": finished.run.started_ns,
    }
    if scenario is not None:
        meta.update(name=scenario.name, title=scenario.title, path=str(scenario.path), source=scenario.source)
    outputs = [{"t": finished.run.started_ns, "stream": "stdout", "text": prints}] if prints.strip() else []
    outputs += [{"t": finished.run.started_ns, "stream": "note", "text": note} for note in finished.notes]
    end: dict[str, Any] = {"exit": finished.exit_code if finished.exit_code is not None else int(finished.failed),
                           "started_ns": finished.run.started_ns, "wall_ns": finished.run.wall_ns}
    return Tape(finished.record, finished.run.started_ns, finished.run.wall_ns, meta, outputs, end)


def scenario_of(tape: Tape, path: str | None = None) -> Scenario:
    """The scenario a tape shows, with the source it was recorded with."""
    meta = tape.meta
    name = visible(tape.name if meta.get("name") else Path(path).stem if path else "run")
    source = meta.get("source")
    known = None
    if _NAME.fullmatch(name):  # a bundled scenario's name; never a path a file could point us at
        try:
            known = find(name)
        except ScenarioError:
            pass
    if known is not None and str(known.path) == str(meta.get("path", known.path)) and not isinstance(source, str):
        return known
    base = known or Scenario(name=name, path=Path(str(meta.get("path") or path or f"{name}.py")),
                             title=visible(str(meta.get("title") or name)), summary="", description="", tags=("recording",))
    text = source if isinstance(source, str) else base.source
    return RecordedScenario(**{f: getattr(base, f) for f in base.__dataclass_fields__}, recorded_source=text)


def _first_int(*values: object) -> int | None:
    return next((value for value in values if type(value) is int), None)

