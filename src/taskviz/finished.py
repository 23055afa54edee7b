"""A finished run as the views ask it: its record, its model, how it ended, its findings.

Kept apart from ``runner`` (which runs programs, and so imports the stage's tracing): the
app, the recordings and the reports read finished runs without importing the stage.
"""

from __future__ import annotations

import contextlib
import functools
import gc
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .catalog import Scenario
from .model.findings import Finding, findings
from .model.summary import Gain, gain
from .model.timeline import TimelineModel
from .model.waitfor import waitfor_for
from .wire.record import EventRecord, Outcome

if TYPE_CHECKING:
    from .stage.tracing import Run


@dataclass
class Span:
    """A whole program's runs (one per loop it made) as one: what a finished run is asked."""

    record: EventRecord
    started_ns: int
    wall_ns: int
    running: bool = False


@dataclass
class Finished:
    """A completed run, with the model built from its record."""

    scenario: Scenario | None
    run: Run | Span
    model: TimelineModel
    interrupted: bool = False
    exit_code: int | None = None  # a program's own exit status; None for a traced main()
    notes: tuple[str, ...] = ()  # what taskviz could not show, one line each
    save_error: str | None = None  # why a ``--save`` file is incomplete (a full disk): the run itself went on

    @property
    def record(self) -> EventRecord:
        return self.run.record

    @property
    def failed(self) -> bool:
        if self.exit_code is not None:
            return self.exit_code != 0
        root = self.record.tasks[0] if self.record.tasks else None
        return self.interrupted or root is None or root.outcome is not Outcome.OK

    @property
    def gain(self) -> Gain:
        return gain(self.model, self.run.wall_ns)

    @functools.cached_property
    def findings(self) -> list[Finding]:
        """What looks wrong in the run (``model/findings.py``), worked out once it is asked for."""
        return findings(self.model)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No collections while a model is built: a model of 100,000 tasks is all new objects, none garbage."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


MODEL_CHUNK_ROWS = 1 << 16


def model_of(record: EventRecord, origin_ns: int, keep_rows: bool = True) -> TimelineModel:
    """The timeline model of a finished record.

    Without ``keep_rows``, for a run that is reported and then over (``run --headless``), the
    model and the findings' wait-for graph take the rows in a chunk at a time, and the record
    lets go of each chunk once both have: nothing else reads rows after, so the model, the
    graph and the record's rows are never all held at once (a sixth less peak memory on a
    server-like run). A replay (``--virtual-time`` in the app) keeps them.
    """
    with gc_paused():  # the program is over: a model of 100,000 tasks is all new objects, none garbage
        model = TimelineModel(record, origin_ns)
        if keep_rows:
            model.update()
            return model
        total = record.rows_written
        while model.consumed < total:
            model.update(until=model.consumed + MODEL_CHUNK_ROWS)
            waitfor_for(model)
            record.forget(model.consumed, record.updated_base, record.target_base, record.hold_base, record.level_base)
    return model
