"""The ``taskviz`` command as a user types it: list, run headless, JSON, errors."""

from __future__ import annotations

import json
import re
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def taskviz(*args: str, cwd: Path = ROOT, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """The real command, as a user types it (``cwd``: where they stand), without colour, 100 columns."""
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}
    return subprocess.run(
        [sys.executable, "-m", "taskviz", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        env=env,
    )


def test_list_shows_each_scenario_name_with_its_title_on_one_line() -> None:
    from taskviz.catalog import all_scenarios

    result = taskviz("list")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    scenarios = all_scenarios()
    assert len(lines) == len(scenarios), "one line a scenario, no cut paragraphs"
    for line, scenario in zip(lines, scenarios):
        name, title = line.split("  ", 1)
        assert (name, title.strip()) == (scenario.name, scenario.title)
    assert lines[0].split()[:1] == ["basic"] and lines[0].endswith("Two fetches at once: 5 s of waiting in 3 s")


def test_headless_json_on_stdout_reports_the_measured_run() -> None:
    result = taskviz("run", "basic", "--headless", "--virtual-time", "--json", "-")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["scenario"] == "basic"
    assert data["wall_s"] == pytest.approx(3.0, abs=0.01)
    fetches = [task for task in data["tasks"] if task["coro"].endswith("fetch_data")]
    assert sorted(round(t["awaiting_s"], 2) for t in fetches) == [2.0, 3.0]
    for task in fetches:
        assert task["parent"] == data["tasks"][0]["id"]
        assert task["outcome"] == "ok"
        assert task["steps"] == 2
        (awaited,) = task["awaited"]
        assert awaited["what"] in ("sleep 2s", "sleep 3s")
        assert awaited["at"].startswith("scenarios/basic.py:")
    assert {t["result"] for t in fetches} == {"'Data: Users'", "'Data: Products'"}
    expected_keys = {"id", "name", "label", "parent", "coro", "created_at", "outcome", "result", "created_s",
                     "finished_s", "running_s", "awaiting_s", "ready_s", "steps", "awaited"}
    assert set(fetches[0]) == expected_keys
    assert set(data["loop"]) == {"busy_s", "longest_step_s", "longest_step_at"}
    # what the scenario printed went to stderr, so stdout stays parseable
    assert "Fetching Users" in result.stderr
    assert "5.0 s of waiting in 3.0 s" in result.stderr


def test_headless_text_timeline_and_summary(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    result = taskviz("run", "sequential", "--headless", "--virtual-time", "--json", str(out))
    assert result.returncode == 0
    text = result.stdout
    assert "Fetching Users" in text, "the scenario's own prints go to stdout"
    assert "sequential — One fetch after another" in text
    assert "event loop" in text and "main" in text
    assert "5.0 s of waiting in 5.0 s — 1.0x" in text
    assert "\x1b[" not in text, "no colour when stdout is not a terminal"
    assert json.loads(out.read_text())["wall_s"] == pytest.approx(5.0, abs=0.01)


def test_real_time_basic_takes_three_seconds_not_five() -> None:
    """The tutorial's headline, on the real clock: the one test that waits for real."""
    result = taskviz("run", "basic", "--headless", "--json", "-")
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert 2.9 <= data["wall_s"] <= 3.2
    fetches = sorted((t for t in data["tasks"] if t["coro"].endswith("fetch_data")), key=lambda t: t["awaiting_s"])
    assert fetches[0]["awaiting_s"] == pytest.approx(2.0, abs=0.05)
    assert fetches[1]["awaiting_s"] == pytest.approx(3.0, abs=0.05)


def test_a_scenario_by_path(tmp_path: Path) -> None:
    script = tmp_path / "mine.py"
    script.write_text(
        '"""My own script"""\nimport asyncio\n\nasync def main():\n    await asyncio.gather(asyncio.sleep(1), asyncio.sleep(2))\n'
    )
    result = taskviz("run", str(script), "--headless", "--virtual-time")
    assert result.returncode == 0, result.stderr
    assert "mine — My own script" in result.stdout
    assert "3.0 s of waiting in 2.0 s" in result.stdout
    result = taskviz("run", "scenarios/workers.py", "--headless", "--virtual-time", "--json", "-")
    assert json.loads(result.stdout)["scenario"] == "workers"


def test_a_failing_scenario_still_prints_its_timeline_and_exits_1(tmp_path: Path) -> None:
    script = tmp_path / "broken.py"
    script.write_text(
        '"""Breaks"""\nimport asyncio\n\nasync def main():\n    await asyncio.sleep(0.5)\n    raise ValueError("no luck")\n'
    )
    result = taskviz("run", str(script), "--headless", "--virtual-time")
    assert result.returncode == 1
    assert "✗" in result.stdout
    assert "main() ended with ValueError: no luck" in result.stdout
    # python's own report of the uncaught exception, pointing at the program, not at taskviz
    assert result.stderr.rstrip().endswith("ValueError: no luck")
    assert f'File "{script}", line 6, in main' in result.stderr
    assert "taskviz" not in result.stderr.replace(str(tmp_path), "")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("run", "nosuch", "--headless"), "taskviz: unknown scenario 'nosuch'"),
        (("run", "missing/file.py", "--headless"), "taskviz: no such file: missing/file.py"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: tuple[str, ...], message: str) -> None:
    result = taskviz(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message)


def test_a_script_that_cannot_run_is_one_line_and_exit_2(tmp_path: Path) -> None:
    for name, body in {
        "syntax.py": "def main(:\n",
        "nomain.py": "x = 1\n",
        "sync.py": "def main():\n    return 1\n",
    }.items():
        script = tmp_path / name
        script.write_text(body)
        result = taskviz("run", str(script), "--headless")
        assert result.returncode == 2, (name, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1, (name, result.stderr)
        assert "Traceback" not in result.stderr


def test_thousands_of_tasks_stay_readable(tmp_path: Path) -> None:
    script = tmp_path / "many.py"
    script.write_text(
        '"""Many"""\nimport asyncio\n\nasync def job(i):\n    await asyncio.sleep(i % 7 / 10)\n\n'
        "async def main():\n    await asyncio.gather(*(job(i) for i in range(3000)))\n"
    )
    result = taskviz("run", str(script), "--headless", "--virtual-time", "--rows", "20")
    assert result.returncode == 0
    assert "… 2,981 more tasks not shown (2,981 × job)" in result.stdout
    assert len(result.stdout.splitlines()) < 45


def test_the_text_timeline_is_coloured_on_a_terminal() -> None:
    import pty

    controller, terminal = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    process = subprocess.Popen(
        [sys.executable, "-m", "taskviz", "run", "basic", "--headless", "--virtual-time", "--width", "90"],
        stdout=terminal, stderr=subprocess.DEVNULL, cwd=ROOT, env=env,
    )
    os.close(terminal)
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(controller)
    assert process.wait(timeout=30) == 0
    text = b"".join(chunks).decode()
    running = "\x1b[38;2;61;220;132m█"  # the running glyph in the running colour
    assert running in text
    assert "\x1b[38;2;74;120;224m─" in text, "sleeps drawn in the sleep glyph and colour"


def test_ctrl_c_still_prints_the_run_so_far(tmp_path: Path) -> None:
    import signal
    import time

    script = tmp_path / "long.py"
    script.write_text('"""Long"""\nimport asyncio\n\nasync def nap():\n    await asyncio.sleep(30)\n\n'
                      'async def main():\n    tasks = [asyncio.create_task(nap()) for _ in range(2)]\n'
                      '    print("started", flush=True)\n    await asyncio.gather(*tasks)\n')
    process = subprocess.Popen(
        [sys.executable, "-m", "taskviz", "run", str(script), "--headless"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env={**os.environ, "NO_COLOR": "1"},
        # a shell running this suite in the background ignores SIGINT, and children inherit that
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not process.stdout.readline().startswith("started"):  # type: ignore[union-attr]
        pass
    time.sleep(0.2)  # main is awaiting its naps now
    assert process.poll() is None, "the run is 30 s long: still going"
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=20)
    assert process.returncode == -signal.SIGINT, "ended as python ends on ctrl+c: by SIGINT (a shell shows 130)"
    assert "interrupted: this is the run up to ctrl+c" in out
    assert "3 cancelled" in out
    assert err.rstrip().endswith("KeyboardInterrupt") and "taskviz" not in err, err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("run", "basic", "--rows", "-1"), "taskviz: argument --rows: --rows must be at least 1, not -1"),
        (("run", "basic", "--rows", "abc"), "taskviz: argument --rows: --rows must be a whole number, not 'abc'"),
        (("run", "basic", "--width", "5"), "taskviz: argument --width: --width must be at least 40, not 5"),
        (("run", "basic", "--headless", "--json", ""), "taskviz: argument --json: --json needs a file name"),
        (("run", "basic", "--json", ""), "taskviz: argument --json: --json needs a file name"),
        (("frobnicate",), "taskviz: argument COMMAND: invalid choice: 'frobnicate'"),
        (("run", "scenarios", "--headless"), "taskviz: scenarios is a directory: give a .py file"),
        (("run", "basic", "--keep", "0"), "taskviz: argument --keep: --keep must be more than 0 seconds, not '0'"),
        (("run", "basic", "--keep", "soon"), "taskviz: argument --keep: --keep takes seconds, like 60 or 2.5s, not 'soon'"),
        (("run", "basic", "--keep", "10", "--headless"), "taskviz: --keep bounds what the app holds of a live run; a headless"),
        (("run", "basic", "--keep", "10", "--virtual-time"), "taskviz: --keep bounds what the app holds of a live run"),
    ],
)
def test_bad_command_lines_are_one_line_and_exit_2(args: tuple[str, ...], message: str) -> None:
    result = taskviz(*args)
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message), result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty: nothing to run"),
        (b"x = 1\n", "uses no asyncio: there are no tasks for taskviz to show"),
        (b'"""x"""\nimport asyncio\n\xff\xfe\n', "not UTF-8 at byte 23, and no coding declaration says what it is"),
        (b"import asyncio\nasync def main(:\n    pass\n", "mine.py:2:16: syntax error: invalid syntax: async def main(▸:"),
    ],
)
def test_files_that_cannot_run_say_why_in_one_line(tmp_path: Path, content: bytes, message: str) -> None:
    script = tmp_path / "mine.py"
    script.write_bytes(content)
    result = taskviz("run", str(script), "--headless")
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr


def test_a_coding_declaration_is_honoured(tmp_path: Path) -> None:
    script = tmp_path / "latin.py"
    script.write_bytes(b'# -*- coding: latin-1 -*-\n"""Caf\xe9"""\nimport asyncio\n\nasync def main():\n    return "caf\xe9"\n')
    result = taskviz("run", str(script), "--headless", "--json", "-")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["tasks"][0]["result"] == "'café'"


def test_one_broken_scenario_does_not_break_the_list(tmp_path: Path) -> None:
    import shutil

    package = tmp_path / "copy"
    shutil.copytree(ROOT / "scenarios", package / "scenarios")
    (package / "scenarios" / "zz_broken.py").write_text("def main(:\n")
    code = ("import sys, taskviz.catalog as c; from pathlib import Path; "
            f"c.scenario_dirs = lambda: [Path({str(package / 'scenarios')!r})]; "
            "from taskviz.cli import main; sys.exit(main(['list']))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "basic" in result.stdout
    assert re.search(r"zz_broken +✗ cannot be run: .*syntax error", result.stdout), result.stdout


def test_the_app_starts_without_the_stage_or_what_only_a_modal_needs() -> None:
    """The app reads a run's stream; tracing lives in the stage's process. Importing the stage
    (or the help screen's Markdown, a fifth of the imports) would only delay the first frame."""
    probe = ("import sys, taskviz.cli, taskviz.app.app; "
             "print(' '.join(sorted(m for m in sys.modules if m.startswith(('taskviz.stage.', 'taskviz.runner', 'markdown_it')))))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    assert loaded == [], loaded
