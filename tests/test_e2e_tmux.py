"""The real ``taskviz`` command in a real terminal (tmux): start it, run basic, read the screen."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tmux import TASKVIZ, needs_tmux, terminal

pytestmark = needs_tmux


def test_taskviz_runs_basic_in_a_terminal_and_quits_cleanly() -> None:
    with terminal(str(TASKVIZ)) as term:
        term.wait_for("Pick a scenario and press Enter", "Two fetches at once", timeout=15)
        term.keys("Enter")
        # row labels are cut to a third of the width, whatever size the terminal reports
        term.wait_for("● running", "event loop", "fetch_data(2, 'Users')", "fetch_data(3, 'Pro", timeout=5)
        shown = term.wait_for("5.0 s of waiting in 3.", "✓ finished in 3.", timeout=10)
        headline = re.search(r"5\.0 s of waiting in (\d\.\d) s — (\d\.\d)x", shown)
        assert headline is not None, shown
        took, gain = float(headline[1]), float(headline[2])
        # both figures are rounded to a tenth: the gain lies between what the rounded time allows
        assert 2.95 <= took <= 3.3 and 5.0 / (took + 0.05) - 0.05 <= gain <= 5.0 / (took - 0.05) + 0.05, shown
        term.keys("q")
        term.wait_for("EXITED-0", timeout=10)


@pytest.mark.parametrize(("name", "lesson"), [
    ("http_client", r"of waiting in [12]\.\d s"),
    ("server", r"✓ finished in 1\.\d+ s"),
])  # blocking, in a terminal: test_e2e_stage sees its block grow (its whole run is 7 s of the suite's 3 minutes)
def test_networked_scenarios_run_to_their_end_in_a_terminal(name: str, lesson: str) -> None:
    with terminal(f"{TASKVIZ} run {name}", width=160, height=40) as term:
        shown = term.wait_until(lambda screen: "✓ finished" in screen or "✗" in screen.split("\n", 2)[0], "the end of the run",
                                timeout=30)  # the header's first line: the legend always has a ✗ (failed)
        assert re.search(lesson, shown), shown
        assert "Traceback" not in shown and "✗" not in shown.split("\n", 2)[0]
        term.keys("q")
        term.wait_for("EXITED-0", timeout=10)


def test_your_own_program_with_its_arguments_in_a_terminal(tmp_path: Path) -> None:
    """A learner's script, run as python runs it: its argparse sees its own arguments, it
    calls asyncio.run twice, and both runs show, one after the other."""
    (tmp_path / "mine.py").write_text(
        '"""Mine"""\nimport argparse, asyncio\n\nasync def fetch(n):\n    await asyncio.sleep(0.2 * n)\n\n'
        "async def main(count):\n    await asyncio.gather(*(fetch(n) for n in range(1, count + 1)))\n\n"
        'parser = argparse.ArgumentParser()\nparser.add_argument("--count", type=int)\n'
        "args = parser.parse_args()\nasyncio.run(main(args.count))\nasyncio.run(main(1))\n"
        'print("both runs done")\n')
    with terminal(f"{TASKVIZ} run mine.py -- --count 3", cwd=tmp_path, width=160, height=40) as term:
        shown = term.wait_for("✓ finished", "main(3)", "fetch(3)", "main(1)", timeout=20)
        assert "Traceback" not in shown and "error:" not in shown, shown
        term.wait_for("both runs done", timeout=5)
        term.keys("q")
        term.wait_for("EXITED-0", timeout=10)
