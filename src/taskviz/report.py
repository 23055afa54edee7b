"""What a finished run prints without the app: its text timeline, how it ended, its notes.

Shared by ``run --headless`` and ``open --headless``, so a saved run prints exactly what
the live one did.
"""

from __future__ import annotations

import os
import shutil
from typing import TextIO

from .catalog import DEFAULT_HEADLINE, point_of_source
from .model.findings import Finding
from .model.headline import headline
from .finished import Finished
from .text import visible
from .textchart import render


def print_timeline(finished: Finished, title: str, out: TextIO, *, rows: int, width: int | None,
                   source: str | None = None, all_tasks: bool = False) -> None:
    """``source``: the program's text, for a saved run (whose ``scenario`` is gone) to find its point in;
    ``all_tasks``: libraries' own tasks get a row each instead of one row per library."""
    width = width or (shutil.get_terminal_size((100, 24)).columns if out.isatty() else 100)
    color = out.isatty() and "NO_COLOR" not in os.environ
    point, measure = point_and_measure(finished, source)
    print(
        render(
            finished.model,
            title=title,
            wall_ns=finished.run.wall_ns,
            gain=finished.gain,
            width=width,
            max_rows=rows,
            color=color,
            point=visible(point),
            headline=headline(measure, finished.model, finished.run.wall_ns),
            all_tasks=all_tasks,
        ),
        file=out,
    )
    root = finished.record.tasks[0] if finished.record.tasks else None
    if finished.interrupted:
        print("interrupted: this is the run up to ctrl+c, its tasks cancelled there", file=out)
    elif root is not None and root.exception:
        print(f"main() ended with {visible(root.exception)}", file=out)
    for note in finished.notes:
        print(f"note: {visible(note)}", file=out)
    if finished.exit_code and not finished.interrupted:
        print(f"exit status {finished.exit_code}", file=out)
    print_findings(finished.findings, out)


def print_findings(found: list[Finding], out: TextIO) -> None:
    """The findings after the timeline, one a line: kind, line, what; nothing when there are none."""
    if not found:
        return
    print(f"\nfindings ({len(found)}):", file=out)
    width = max(len(finding.kind) for finding in found)
    for finding in found:
        where = f"{visible(finding.line)}  " if finding.line else ""
        print(f"  {finding.kind:<{width}}  {where}{visible(finding.message)}", file=out)


def point_and_measure(finished: Finished, source: str | None = None) -> tuple[str, str]:
    """What the run is to show and which measure shows it: the scenario's, else its saved text's."""
    if finished.scenario is not None:
        return finished.scenario.point, finished.scenario.headline
    if source is not None:
        return point_of_source(source)
    return "", DEFAULT_HEADLINE


def visible_lines(text: str) -> str:
    """Text a program printed, made safe to draw but keeping its line breaks."""
    return "\n".join(visible(line) for line in text.split("\n"))
