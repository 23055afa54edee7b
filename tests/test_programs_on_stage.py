"""The corpus of ``tests/programs`` opened the way the app opens a file: on a stage process.

``test_programs`` compares headless runs with ``python``'s; here each program runs on a
stage (what ``taskviz run FILE`` in the app does) and the stream the app reads must say
what ``python`` did: the exit status, the program's stdout (the app's event log shows it),
and the tasks, by outcome, that the program declares.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import sys
import time
from pathlib import Path

import pytest

from taskviz.app.session import Session
from taskviz.catalog import find, find_module
from taskviz.wire.record import Outcome
from test_programs import PROGRAMS, SLEEPERS, Program, corpus, outcome_difference, run

_OUTCOMES = {None: "alive", Outcome.OK: "ok", Outcome.FAILED: "failed", Outcome.CANCELLED: "cancelled"}


def _on_stage(program: Program) -> Session:
    scenario = find_module(program.module) if program.module else find(program.source.name)  # as a user types it, in its folder
    session = Session()
    session.start(dataclasses.replace(scenario, args=program.args))
    deadline = time.monotonic() + program.timeout
    while time.monotonic() < deadline and not (session.link is not None and session.link.ended):
        session.tick()
        time.sleep(0.01)
    session.tick()
    return session


# test_programs checks the docs' sleep-only examples (SLEEPERS) headless; on a stage they would
# add nothing the other sleeping programs do not (a sixth of the suite's time, no new path).


@pytest.mark.parametrize("program", [p for p in corpus() if p.name not in SLEEPERS], ids=lambda p: p.name)
def test_the_app_sees_what_python_does(program: Program, monkeypatch: pytest.MonkeyPatch) -> None:
    if program.requires and sys.version_info < program.requires:
        pytest.skip(f"needs Python {program.requires[0]}.{program.requires[1]}")
    monkeypatch.chdir(PROGRAMS)  # where both runs start, as in test_programs (-m finds its package here)
    # python's run beside the stage's: nothing here is timed, and most of the corpus sleeps
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        python_run = pool.submit(run, program.python_command(), program.timeout)
        session = _on_stage(program)  # the stage process starts here too: the app's folder is the program's
        python = python_run.result()
    try:
        link = session.link
        assert link is not None and link.ended, f"the stage did not finish within {program.timeout:g} s"
        found: list[str] = []
        status = session.exit_status()
        expected_status = 130 if python.returncode == -2 else python.returncode  # killed by SIGINT: 130 as a shell says
        if status != expected_status:
            found.append(f"exit status: python {python.returncode}, stage {status}: {''.join(link._stderr)[-500:]}")
        shown = "".join(o["text"] for o in link.builder.outputs if o.get("stream") == "stdout").encode()
        if program.mask(shown) != program.mask(python.stdout):
            found.append(f"stdout: python {program.mask(python.stdout)[:200]!r}, stage {program.mask(shown)[:200]!r}")
        counts: dict[str, int] = {}
        for info in link.record.tasks:
            if info.coro.rsplit(".", 1)[-1] in ("shutdown_asyncgens", "shutdown_default_executor"):
                continue
            name = _OUTCOMES[info.outcome]
            counts[name] = counts.get(name, 0) + 1
        if program.skip_json is None and (diff := outcome_difference(program.expected(), counts)) is not None:
            found.append(diff)
        assert session.model is not None and len(session.model.tracks) == len(link.record.tasks), "every task is in the model"
        assert not found, f"{program.name} on a stage differs from python:\n  " + "\n  ".join(found)
    finally:
        session.close()


def test_corpus_is_found_here_too() -> None:
    assert len(corpus()) >= 30 and all(isinstance(p.source, Path) for p in corpus())
