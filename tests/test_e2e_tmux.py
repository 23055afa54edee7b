"""The real ``taskviz`` command in a real terminal (tmux): start it, run basic, read the screen."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

TMUX = shutil.which("tmux")
TASKVIZ = Path(sys.executable).with_name("taskviz")

pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed (.ci/run installs it)")


def tmux(*args: str) -> str:
    return subprocess.run([TMUX, *args], capture_output=True, text=True, check=True).stdout  # type: ignore[list-item]


def screen(session: str) -> str:
    return tmux("capture-pane", "-p", "-t", session)


def wait_for(session: str, *texts: str, timeout: float) -> str:
    """The screen once it shows every one of ``texts`` (the terminal is redrawn piecemeal)."""
    deadline = time.monotonic() + timeout
    shown = ""
    while time.monotonic() < deadline:
        shown = screen(session)
        if all(text in shown for text in texts):
            return shown
        time.sleep(0.1)
    raise AssertionError(f"{texts!r} never all appeared; the screen was:\n{shown}")


def test_taskviz_runs_basic_in_a_terminal_and_quits_cleanly() -> None:
    session = f"taskviz-{uuid.uuid4().hex[:8]}"
    tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "36", "-e", "TERM=xterm-256color",
         f"{TASKVIZ} ; echo EXITED-$? ; sleep 30")
    try:
        wait_for(session, "Pick a scenario and press Enter", "Two fetches at once", timeout=15)
        tmux("send-keys", "-t", session, "Enter")
        # row labels are cut to a third of the width, whatever size the terminal reports
        wait_for(session, "● running", "event loop", "fetch_data(2, 'Users')", "fetch_data(3, 'Pro", timeout=5)
        shown = wait_for(session, "5.0 s of waiting finished in 3.", "✓ finished in 3.", timeout=10)
        headline = re.search(r"5\.0 s of waiting finished in (\d\.\d) s — (\d\.\d)x", shown)
        assert headline is not None, shown
        took, gain = float(headline[1]), float(headline[2])
        # both figures are rounded to a tenth: the gain lies between what the rounded time allows
        assert 2.95 <= took <= 3.3 and 5.0 / (took + 0.05) - 0.05 <= gain <= 5.0 / (took - 0.05) + 0.05, shown
        tmux("send-keys", "-t", session, "q")
        wait_for(session, "EXITED-0", timeout=10)
    finally:
        subprocess.run([TMUX, "kill-session", "-t", session], capture_output=True)  # type: ignore[list-item]
