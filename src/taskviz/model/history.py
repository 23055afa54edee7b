"""What a long live run's model forgot, in totals: what the app says it summarised (``retention``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .axis import format_duration

WINDOW_S = 30.0
"""Detail a long live run keeps, in run time: the last 30 s at least (``retention.Window``)."""


@dataclass
class History:
    """Every task that finished before ``before_ns`` (ns since the run began), folded into totals."""

    before_ns: int = 0
    tasks: int = 0
    outcomes: dict[int, int] = field(default_factory=dict)  # by State code: how many ended so
    steps: int = 0
    running_ns: int = 0
    awaiting_ns: int = 0
    waiting_ns: int = 0  # as ``summary.gain`` counts it: not a server's handlers'
    ready_ns: int = 0

    def said(self) -> str:
        """What the app says of it, on the status line or under a presenter's caption."""
        return f"history before {format_duration(self.before_ns)} summarised: {self.tasks:,} tasks"
