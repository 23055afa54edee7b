"""The real ``taskviz`` command in a real terminal (tmux): start it, run basic, read the screen."""

from __future__ import annotations

import re

from tmux import TASKVIZ, needs_tmux, terminal

pytestmark = needs_tmux


def test_taskviz_runs_basic_in_a_terminal_and_quits_cleanly() -> None:
    with terminal(str(TASKVIZ)) as term:
        term.wait_for("Pick a scenario and press Enter", "Two fetches at once", timeout=15)
        term.keys("Enter")
        # row labels are cut to a third of the width, whatever size the terminal reports
        term.wait_for("● running", "event loop", "fetch_data(2, 'Users')", "fetch_data(3, 'Pro", timeout=5)
        shown = term.wait_for("5.0 s of waiting finished in 3.", "✓ finished in 3.", timeout=10)
        headline = re.search(r"5\.0 s of waiting finished in (\d\.\d) s — (\d\.\d)x", shown)
        assert headline is not None, shown
        took, gain = float(headline[1]), float(headline[2])
        # both figures are rounded to a tenth: the gain lies between what the rounded time allows
        assert 2.95 <= took <= 3.3 and 5.0 / (took + 0.05) - 0.05 <= gain <= 5.0 / (took - 0.05) + 0.05, shown
        term.keys("q")
        term.wait_for("EXITED-0", timeout=10)
