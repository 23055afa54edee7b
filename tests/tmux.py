"""Driving the real ``taskviz`` command in a real terminal (tmux): start, type, read the screen."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

TMUX = shutil.which("tmux")
TASKVIZ = Path(sys.executable).with_name("taskviz")

needs_tmux = pytest.mark.skipif(TMUX is None, reason="tmux is not installed (.ci/run installs it)")


def tmux(*args: str, server: str = "default") -> str:
    """A tmux command on the named server (each terminal has its own: no test can end another's)."""
    return subprocess.run([TMUX, "-L", server, *args], capture_output=True, text=True, check=True).stdout  # type: ignore[list-item]


class Terminal:
    def __init__(self, session: str) -> None:
        self.session = session

    def screen(self) -> str:
        return tmux("capture-pane", "-p", "-t", self.session, server=self.session)

    def keys(self, *keys: str) -> None:
        tmux("send-keys", "-t", self.session, *keys, server=self.session)

    def wait_for(self, *texts: str, timeout: float) -> str:
        """The screen once it shows every one of ``texts`` (the terminal is redrawn piecemeal)."""
        return self.wait_until(lambda shown: all(text in shown for text in texts), f"{texts!r}", timeout)

    def wait_until(self, condition: Callable[[str], bool], what: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        shown = ""
        while time.monotonic() < deadline:
            shown = self.screen()
            if condition(shown):
                return shown
            time.sleep(0.05)
        size = tmux("display", "-p", "-t", self.session, "#{window_width}x#{window_height}", server=self.session).strip()
        raise AssertionError(f"{what} never appeared; the screen ({size}) was:\n{shown}")


@contextmanager
def terminal(command: str, *, cwd: Path | None = None, width: int = 120, height: int = 36) -> Iterator[Terminal]:
    """``command`` in a fresh tmux session; ``EXITED-<status>`` is printed when it ends."""
    session = f"taskviz-{uuid.uuid4().hex[:8]}"
    tmux("new-session", "-d", "-s", session, "-x", str(width), "-y", str(height), "-e", "TERM=xterm-256color",
         # COLUMNS and LINES set in the tests' environment would fix the app at that size
         *(["-c", str(cwd)] if cwd else []), f"env -u COLUMNS -u LINES {command} ; echo EXITED-$? ; sleep 30",
         server=session)
    try:
        yield Terminal(session)
    finally:
        subprocess.run([TMUX, "-L", session, "kill-server"], capture_output=True)  # type: ignore[list-item]
