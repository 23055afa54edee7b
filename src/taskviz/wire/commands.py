"""What a viewer may ask of a stage: one JSON object per line on the stage's control pipe.

The first line starts the run (a stage process is started ahead of time and waits for
it, so the viewer does not wait for its imports); the rest steer it. Answers, where a
command has one, come back on the stream as REPLY chunks carrying the command's ``id``.
"""

from __future__ import annotations

import json
from typing import Any

RUN = "run"  # path, name, speed: start the program (at that speed)
CANCEL = "cancel"  # task: cancel that task, as task.cancel() would
WHERE = "where"  # task, id: the line that task is suspended on now, and what it awaits
PAUSE = "pause"  # the stage's clock stops and no task step runs
RESUME = "resume"
STEP = "step"  # while paused: exactly one task step runs (the clock jumps to the next timer if need be)
SPEED = "speed"  # x: the loop's clock runs at x real speed (0 < x <= 4)
STOP = "stop"  # cancel every task politely; the viewer escalates to signals if that is not enough

NAMES = frozenset({RUN, CANCEL, WHERE, PAUSE, RESUME, STEP, SPEED, STOP})


class CommandError(ValueError):
    """A control line that is not a command: the stage ignores it and says so."""


def encode(command: str, /, **fields: Any) -> bytes:
    if command not in NAMES:
        raise CommandError(f"unknown command {command!r}")
    return json.dumps({"cmd": command, **fields}, ensure_ascii=True).encode("ascii") + b"\n"


def decode(line: bytes) -> dict[str, Any]:
    try:
        command = json.loads(line)
    except ValueError as exc:
        raise CommandError(f"not JSON: {exc}") from None
    if not isinstance(command, dict) or command.get("cmd") not in NAMES:
        raise CommandError(f"not a command: {line[:60]!r}")
    return command
