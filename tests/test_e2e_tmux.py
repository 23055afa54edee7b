"""The real ``taskviz`` command in a real terminal (tmux): start it, run basic, read the screen."""

from __future__ import annotations

import re

import pytest

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


@pytest.mark.parametrize(("name", "lesson"), [
    ("http_client", r"of waiting finished in [12]\.\d s"),
    ("server", r"✓ finished in 1\.\d+ s"),
    ("blocking", r"✓ finished in [67]\.\d+ s"),
])
def test_networked_and_blocking_scenarios_run_to_their_end_in_a_terminal(name: str, lesson: str) -> None:
    with terminal(f"{TASKVIZ} run {name}", width=160, height=40) as term:
        shown = term.wait_until(lambda screen: "✓ finished" in screen or "✗" in screen, "the end of the run", timeout=30)
        assert re.search(lesson, shown), shown
        assert "Traceback" not in shown and "✗" not in shown.split("\n", 2)[0]
        term.keys("q")
        term.wait_for("EXITED-0", timeout=10)
