"""What presenter mode points at: the task whose step is the story now, and the line of
the program it is at. Plain functions of the model, like ``pointers``."""

from __future__ import annotations

from ...catalog import Scenario
from ...model.timeline import FORGOTTEN_TRACK, TimelineModel
from ...text import visible
from ...model.names import task_name
from .pointers import source_line


LOOK_BACK = 500  # steps searched, newest first, for one taken in the program's own code


def current_task(model: TimelineModel | None, scenario: Scenario | None, selected: int | None) -> int | None:
    """The selected task; else the one holding the loop now; else the last to run a step
    at a line of the program (its line is where it stopped: the step just taken; a
    library's own tasks have no line to show); else main."""
    if model is None or not model.tracks:
        return None
    if selected is not None and selected < len(model.tracks) and model.tracks[selected] is not FORGOTTEN_TRACK:
        return selected  # (a task a long run's window forgot has nothing left to point at)
    if model.busy is not None and model.busy[0] < len(model.tracks):
        return model.busy[0]
    if scenario is not None:
        tasks = model.step_tasks
        seen: set[int] = set()
        for index in range(len(tasks) - 1, max(-1, len(tasks) - 1 - LOOK_BACK), -1):
            tid = int(tasks[index])
            if tid not in seen and source_line(model, scenario, tid) is not None:
                return tid
            seen.add(tid)
    return 0


def current_line(model: TimelineModel | None, scenario: Scenario | None, tid: int | None) -> tuple[str, str, str]:
    """(``file:line``, the task's name, the line's code, stripped) for the band under the
    timeline; ("", name, "") when the task is not at a line of the program's file."""
    if model is None or scenario is None or tid is None:
        return "", "", ""
    name = task_name(model, tid)
    line = source_line(model, scenario, tid)
    lines = scenario.source.splitlines()
    if line is None or not 0 < line <= len(lines):
        return "", name, ""
    return f"{visible(scenario.path.name)}:{line}", name, visible(lines[line - 1].strip())
