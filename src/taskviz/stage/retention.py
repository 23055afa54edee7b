"""The stage keeps what it has not sent yet: a long run costs the watched program bounded memory.

Everything the stage records is streamed to the viewer within a frame, and the viewer (and
a recording) keeps it from then on: the stage never reads it again. So once enough has
gone out, the stage drops it: the rows, the touches, the wait-for pairs and the queue
and lock levels sent so far, and the rows of finished tasks whose last word has been
sent (their slot in the task table stays, as :data:`~taskviz.wire.record.FORGOTTEN`).

Forgetting changes the tables the loop's thread appends to, so it happens on that thread,
between two steps (the step gate's chore), and while no flush is reading the record (the
writer's ``record_lock``; if one is, the next step tries again). Only the broadcast
thread, after a flush, asks for it. A headless run streams nothing and keeps everything.
"""

from __future__ import annotations

from collections.abc import Callable

from ..wire.record import FORGOTTEN, EventRecord
from ..wire.stream import StreamWriter
from .clock import StepGate

KEEP_ROWS = 1 << 16
"""Rows sent and still held before the stage forgets them: 2 MB, a few seconds of a busy
program, so forgetting runs every few seconds and takes well under a millisecond."""


class Retention:
    """Forgets what ``writer`` has sent of ``record``, on the loop's thread, through ``gate``."""

    def __init__(self, record: EventRecord, writer: StreamWriter, gate: StepGate,
                 on_forgotten: Callable[[list[int]], None] = lambda tids: None) -> None:
        """``on_forgotten``: told the ids of the tasks just forgotten (runs drop what they keep about them)."""
        self._record = record
        self._writer = writer
        self._gate = gate
        self._on_forgotten = on_forgotten
        self.forgotten_tasks = 0

    def after_flush(self) -> None:
        """Called by the broadcast thread after each flush: ask for a forget when enough has gone out."""
        if self._writer.rows_sent - self._record.row_base >= KEEP_ROWS:
            self._gate.chore(self.forget)

    def forget(self) -> bool:
        """Drop what has been sent; False when a flush is reading the record (try again next step)."""
        lock = self._writer.record_lock
        if not lock.acquire(blocking=False):
            return False
        try:
            sent = self._writer.sent()
            record = self._record
            tids = self._finished_and_sent(sent.updated, sent.tasks)
            record.forget(sent.rows, sent.updated, sent.targets, sent.holds, sent.levels)
        finally:
            lock.release()
        if tids:
            self.forgotten_tasks += len(tids)
            self._on_forgotten(tids)
        return True

    def _finished_and_sent(self, updated_sent: int, tasks_sent: int) -> list[int]:
        """Forget the finished tasks among the touches already sent: a task is touched when it
        finishes, so a sent touch of a finished task means its last word has gone out. The
        first task, the program's main, is kept: the stage's END tells how it ended."""
        record = self._record
        tasks = record.tasks
        forgotten: list[int] = []
        for tid in record.updated[: updated_sent - record.updated_base]:
            if 0 < tid < tasks_sent:
                info = tasks[tid]
                if info is not FORGOTTEN and info.outcome is not None:
                    tasks[tid] = FORGOTTEN
                    forgotten.append(tid)
        return forgotten
