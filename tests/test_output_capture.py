"""Nothing the program prints is lost at its end, however long the sending takes.

The stage exits (``os._exit``) right after its capture stops, and a headless run prints its
timeline right after its tee stops: a reader still sending then loses the program's last
lines. On a loaded machine a reader can wait far past any fixed timeout (behind a stream
flush to a slow viewer), so the stop waits for the reader to reach its pipe's end; only a
child still holding the pipe is given up on after a grace (what the reader has not sent by
then may be lost: the child may never let go).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pytest

from taskviz.recording.output_tee import OutputTee
from taskviz.stage.broadcast import OutputCapture

SLOW_S = 0.4  # each send takes this long: four times the grace the stops below are given
GRACE_S = 0.1


class SlowSink:
    """Where the readers send lines, as slow as a writer held up behind a long flush."""

    def __init__(self, delay: float = SLOW_S) -> None:
        self.lines: list[tuple[str, str]] = []
        self._delay = delay
        self._lock = threading.Lock()

    def send(self, stream: str, text: str) -> None:
        time.sleep(self._delay)
        with self._lock:
            self.lines.append((stream, text))

    def output(self, t_ns: int, stream: str, text: str) -> None:  # the StreamWriter's method
        self.send(stream, text)


def _capture(sink: SlowSink) -> OutputCapture | OutputTee:
    return OutputCapture(sink, time.monotonic_ns)  # type: ignore[arg-type]


def _tee(sink: SlowSink) -> OutputCapture | OutputTee:
    return OutputTee(sink.send)


@pytest.mark.parametrize("make", [_capture, _tee], ids=["stage-capture", "headless-tee"])
def test_the_last_lines_are_sent_before_the_stop_returns(make, capfd: pytest.CaptureFixture[str]) -> None:
    sink = SlowSink()
    catcher = make(sink)
    catcher.start()
    os.write(1, b"first\nlast words")
    os.write(2, b"an error\n")
    catcher.stop(GRACE_S)
    assert sorted(sink.lines) == [("stderr", "an error\n"), ("stdout", "first\n"), ("stdout", "last words")]


@pytest.mark.skipif(sys.platform == "win32", reason="file descriptors 1 and 2 as pipes")
def test_a_child_still_holding_the_output_is_given_up_on_after_the_grace(capfd: pytest.CaptureFixture[str]) -> None:
    sink = SlowSink(delay=0.0)
    catcher = OutputCapture(sink, time.monotonic_ns)  # type: ignore[arg-type]
    catcher.start()
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])  # inherits fds 1 and 2
    try:
        os.write(1, b"before the end\n")
        started = time.monotonic()
        catcher.stop(GRACE_S)
        took = time.monotonic() - started
    finally:
        child.kill()
        child.wait()
    assert ("stdout", "before the end\n") in sink.lines, "what the program printed is sent all the same"
    assert took < 5, "the child's pipe is not waited for to its end (30 s)"
