"""Scenarios are found from a checkout and from an installed wheel, and read without running."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from taskviz.catalog import ScenarioError, all_scenarios, find, load_main, read

ROOT = Path(__file__).resolve().parent.parent


def test_scenarios_are_found_in_the_checkout_with_their_metadata() -> None:
    names = {s.name for s in all_scenarios()}
    assert {"basic", "workers", "sequential"} <= names
    basic = find("basic")
    assert basic.path == ROOT / "scenarios" / "basic.py"
    assert basic.title == "Two fetches at once: 5 s of waiting in 3 s"
    assert basic.tags == ("basics",)
    assert "What to watch for" in basic.description


def test_listing_never_runs_a_scenario(tmp_path: Path) -> None:
    script = tmp_path / "loud.py"
    script.write_text('"""Loud\n\nSays things."""\nimport asyncio\nraise SystemExit("ran at import")\nTAGS = ("patterns",)\n')
    scenario = read(script)
    assert (scenario.title, scenario.summary, scenario.tags) == ("Loud", "Says things.", ("patterns",))
    with pytest.raises(ScenarioError, match="failed to import"):
        load_main(scenario)


def test_each_load_is_a_fresh_module() -> None:
    first, second = load_main(find("basic")), load_main(find("basic"))
    assert first is not second and first.__module__ != second.__module__


def test_scenarios_ship_inside_the_wheel_and_are_found_there(tmp_path: Path) -> None:
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, build.stderr
    (wheel,) = tmp_path.glob("taskviz-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        archive.extractall(tmp_path / "site")
    assert "taskviz/scenarios/basic.py" in names
    probe = (
        "import taskviz.catalog as c; s = c.find('basic'); "
        "print(s.path.relative_to(c.scenario_dirs()[0].parent.parent)); print(s.title)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path, env={"PYTHONPATH": str(tmp_path / "site")}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["taskviz/scenarios/basic.py", "Two fetches at once: 5 s of waiting in 3 s"]
