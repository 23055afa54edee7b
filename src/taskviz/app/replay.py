"""``taskviz open FILE``: the app replaying a recording, with its transport bar.

The replay starts playing from the run's start at the speed it was recorded; the screen
says REPLAY (and VIRTUAL TIME for a virtual-clock run) the whole time.
"""

from __future__ import annotations

from ..wire.stream import Recording
from .app import TaskvizApp
from .tape import from_recording, scenario_of


def replay_app(recording: Recording, path: str, *, screenshot_dir: str | None = None,
               at_s: float | None = None, speed: float = 1.0, present: bool = False) -> int:
    """Run the app on ``recording`` (read from ``path``) until the person quits; the exit code.

    ``at_s``: start paused at that many seconds into the run instead of playing;
    ``speed``: how fast it plays (``<`` and ``>`` change it); ``present``: in presenter mode.
    """
    app = replay_app_for(recording, path, screenshot_dir=screenshot_dir, at_s=at_s, speed=speed, present=present)
    app.run()
    return app.return_code or 0


def replay_app_for(recording: Recording, path: str, *, screenshot_dir: str | None = None,
                   at_s: float | None = None, speed: float = 1.0, present: bool = False) -> TaskvizApp:
    """The app that :func:`replay_app` runs, not started yet (exports and tests drive it)."""
    tape = from_recording(recording)
    at_ns = None if at_s is None else max(0, round(at_s * 1e9))
    return TaskvizApp(scenario_of(tape, path), recording=tape, at_ns=at_ns, screenshot_dir=screenshot_dir,
                      speed=speed, present=present)
