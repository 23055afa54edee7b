"""The ``cast`` export: an asciicast v2 file of the real app replaying a recording.

The app runs in a pseudo-terminal of the size asked for, exactly as a person would start
it, and everything it writes is kept with its time: ``asciinema play`` and the web player
then show the frames people saw. Once the replay shows its last event the app is sent
``q``; what it writes after that (leaving the alternate screen) is not kept, so the cast
ends on the run's last frame rather than on an empty terminal.

Format: a header line, a JSON object with ``version`` 2, ``width``, ``height``,
``duration``, ``title``...; then one line per output, ``[seconds, "o", text]``.
"""

from __future__ import annotations

import codecs
import fcntl
import json
import os
import re
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path
from typing import Any

from ..text import visible
from ..wire.stream import StreamError, read_file
from . import ExportError

# The app as ``taskviz open FILE`` starts it, without depending on the command line's parsing.
APP = ("import sys; from taskviz.wire.stream import read_file; from taskviz.app.replay import replay_app; "
       "sys.exit(replay_app(read_file(sys.argv[1]), sys.argv[1], speed=float(sys.argv[2])))")
START_S = 30.0  # the app's start (imports, first frame) on a loaded machine, at most
AFTER_END_S = 0.6  # the last frame (the run's point in numbers) is drawn after the last event
QUIT_S = 5.0
_ESCAPES = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[@-Z\\-_])")


def export_cast(recording_path: str, out_path: str, speed: float, size: tuple[int, int]) -> None:
    """Record the app replaying ``recording_path`` at ``speed`` in a ``size`` = (columns, rows) terminal."""
    try:
        recording = read_file(recording_path)
    except StreamError as exc:
        raise ExportError(str(exc)) from None
    rows = len(recording.record)
    end_s = int((recording.end or {}).get("wall_ns") or 0) / 1e9
    events = _drive(recording_path, speed, size, f"event {rows:,} of {rows:,}", START_S + end_s / speed + 10)
    name = visible(str(recording.meta.get("name") or Path(recording_path).stem))
    header: dict[str, Any] = {
        "version": 2,
        "width": size[0],
        "height": size[1],
        "timestamp": int(time.time()),
        "duration": round(events[-1][0], 6) if events else 0.0,
        "title": f"taskviz replay: {name}",
        "env": {"TERM": "xterm-256color"},
    }
    with open(out_path, "w", encoding="utf-8") as out:
        out.write(json.dumps(header) + "\n")
        for t, text in events:
            out.write(json.dumps([round(t, 6), "o", text]) + "\n")


def _drive(path: str, speed: float, size: tuple[int, int], end_mark: str, limit_s: float) -> list[tuple[float, str]]:
    """Run the app in a pseudo-terminal until it shows ``end_mark``; its output, timed from the first byte."""
    columns, lines = size
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "COLORTERM": "truecolor", "COLUMNS": str(columns), "LINES": str(lines)}
    for name in ("NO_COLOR", "TEXTUAL", "TEXTUAL_DRIVER", "TMUX"):
        env.pop(name, None)
    try:
        process = subprocess.Popen([sys.executable, "-c", APP, path, repr(float(speed))], stdin=slave, stdout=slave,
                                   stderr=slave, env=env, start_new_session=True, close_fds=True)
    finally:
        os.close(slave)
    try:
        return _record(process, master, end_mark, limit_s)
    finally:
        _stop(process, master)


def _record(process: subprocess.Popen[bytes], master: int, end_mark: str, limit_s: float) -> list[tuple[float, str]]:
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    events: list[tuple[float, str]] = []
    seen = ""  # what was written lately: the end mark shows in it, once escapes are taken out
    started = time.monotonic()
    first: float | None = None
    ended_at: float | None = None
    while True:
        now = time.monotonic()
        if ended_at is not None and now - ended_at >= AFTER_END_S:
            os.write(master, b"q")
            return events
        if now - started > limit_s:
            raise ExportError(f"the app did not reach the end of the replay within {limit_s:.0f} s")
        ready, _, _ = select.select([master], [], [], 0.05)
        if not ready:
            continue
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the app has gone
            data = b""
        if not data:
            code = process.wait(QUIT_S)
            tail = _ESCAPES.sub("", seen).strip().splitlines()[-1:] or [""]
            raise ExportError(f"the app ended (status {code}) before the replay's end: {visible(tail[0])[:200]}")
        text = decoder.decode(data)
        first = now if first is None else first
        events.append((now - first, text))
        seen = (seen + text)[-8000:]
        if ended_at is None and end_mark in _ESCAPES.sub("", seen):
            ended_at = now


def _stop(process: subprocess.Popen[bytes], master: int) -> None:
    """Let the app quit (it was sent ``q``), reading what it writes so it never blocks; then for sure."""
    deadline = time.monotonic() + QUIT_S
    while process.poll() is None and time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.05)
        if ready:
            try:
                if not os.read(master, 65536):
                    break
            except OSError:
                break
    if process.poll() is None:
        process.kill()
    process.wait()
    os.close(master)
