"""What the main screen points at, in words and line numbers: the source's title, the line
a task is at, and the step holding the loop. Plain functions of the model, so the screen
only draws what they say."""

from __future__ import annotations

import re
from pathlib import Path

from ...catalog import Scenario
from ...model.axis import format_duration
from ...model.timeline import BLOCK_NS, TimelineModel
from ...text import visible
from ...model.names import task_name

_LINE = re.compile(r":(\d+)$")


def source_title(scenario: Scenario) -> str:
    """``scenarios/basic.py`` for a bundled scenario; a learner's own file by its path."""
    if "yours" not in scenario.tags:
        return f"scenarios/{scenario.path.name}"
    try:
        return str(scenario.path.relative_to(Path.cwd()))
    except ValueError:
        return str(scenario.path)


def source_line(model: TimelineModel | None, scenario: Scenario, tid: int | None) -> int | None:
    """The line of ``scenario`` that says most about task ``tid`` (the first task if none) now."""
    if model is None or not model.tracks:
        return None
    track = model.tracks[tid if tid is not None and tid < len(model.tracks) else 0]
    blocked_at = [model.step_where(i) for i in model.blocks if model.step_tasks[i] == track.info.id]
    if model.busy is not None and model.busy[0] == track.info.id and model.busy[2]:
        where = model.busy[2]  # the line holding the loop right now
    elif track.info.raised_at and track.state.finished:
        where = track.info.raised_at  # a failed task: the line that raised, not the one that awaited
    elif blocked_at and track.state.finished:
        where = blocked_at[-1]  # once it is over, the line that held the loop says most
    elif track.location:
        where = model.record.strings[track.location]
    else:
        where = track.info.created_at
    if where.startswith((f"scenarios/{scenario.path.name}:", f"{scenario.path.name}:")) or scenario.path.name in where:
        match = _LINE.search(where)
        return int(match.group(1)) if match else None
    return None


def blocked_text(model: TimelineModel | None, now_ns: int) -> str | None:
    """In words, the step holding the stage's loop this moment, once it has held it a while."""
    busy = model.busy if model is not None else None
    if model is None or busy is None or now_ns - busy[1] < BLOCK_NS or busy[0] >= len(model.tracks):
        return None
    where = f" at {visible(Path(busy[2]).name)}" if busy[2] else ""
    return f"loop held {format_duration(now_ns - busy[1])} by {task_name(model, busy[0])}{where}"
