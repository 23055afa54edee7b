"""The ``json`` export: the same summary ``run --json`` writes, from a saved run."""

from __future__ import annotations

from typing import TextIO

from ..model.summary import write_summary
from ..recording.opened import Opened


def export_json(opened: Opened, out: TextIO) -> None:
    """Byte for byte what ``run --json`` wrote for the run (the model is rebuilt exactly)."""
    finished = opened.finished
    write_summary(out, scenario=str(opened.recording.meta.get("name") or "recording"), model=finished.model,
                  wall_ns=finished.run.wall_ns, exit=opened.exit_code,
                  findings=[finding.to_json() for finding in finished.findings])
