"""What the program is told about itself besides its steps, kept as alerts for the findings.

* asyncio's loop exception handler: "Task exception was never retrieved" and "Task was
  destroyed but it is pending!" are said when a task is collected, through
  ``loop.call_exception_handler``. It is answered on the loop instance (as
  ``create_task`` is, see ``hooks``) and always calls through: the program's own
  handler, or asyncio's logging, says what it always said.
* warnings: ``RuntimeWarning: coroutine 'f' was never awaited`` is a warning shown when
  the coroutine is collected. ``warnings._showwarnmsg``, which every shown warning passes
  (the C ``warn`` looks it up each time), is wrapped while a run is attached, and calls
  through, so what is printed, and where, is unchanged (a program's own ``showwarning``
  too). A filtered-out warning is not seen, as it is not shown.

Both are rare: nothing here runs per step.
"""

from __future__ import annotations

import asyncio
import threading
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..wire.record import Alert
from .awaits import display_path
from .wrapper import TracedCoroutine

if TYPE_CHECKING:
    from .run import Run

_guard = threading.Lock()
_installed = 0
_original_showwarnmsg: Any = None


def traced_id(task: Any, run: Run) -> int:
    """The id ``run`` gave ``task``, or -1 if it is not one of its tasks."""
    coro = getattr(task, "_coro", None)  # not get_coro(): on 3.12.0-1 it crashes for a task finished eagerly
    if type(coro) is TracedCoroutine and coro._run is run:
        return coro._tid
    return -1


def exception_handler_hook(loop: asyncio.AbstractEventLoop, runs: Callable[[], list[Run]]) -> Callable[[dict[str, Any]], None]:
    """A ``call_exception_handler`` for ``loop``'s instance: notes the call for the run whose task it is about."""
    original = type(loop).call_exception_handler.__get__(loop)

    def call_exception_handler(context: dict[str, Any]) -> None:
        try:
            _note_handler_call(context, runs())
        except Exception:  # noting must never stop asyncio from reporting
            pass
        original(context)

    return call_exception_handler


def _note_handler_call(context: dict[str, Any], runs: list[Run]) -> None:
    task = context.get("task") or context.get("future")
    message = context.get("message")
    text = message if isinstance(message, str) else "exception handler called"
    exc = context.get("exception")
    if isinstance(exc, BaseException):
        text = f"{text}: {type(exc).__name__}"
    for run in runs:
        tid = traced_id(task, run)
        if tid >= 0 or (task is None and run.finished_ns is None):
            run.record.alerts.append(Alert(run.clock(), "exception_handler", tid, "", text))
            return


def _note_warning(message: Any) -> None:
    """A warning is being shown: note it for the run going on in this thread, if any."""
    from .hooks import current_traced_task, run_for

    try:
        run = run_for(asyncio.events._get_running_loop())
    except Exception:
        return
    if run is None or run.finished_ns is not None:
        return
    category = getattr(message, "category", None)
    name = getattr(category, "__name__", "Warning")
    text = f"{name}: {message.message}" if isinstance(getattr(message, "message", None), Warning) else name
    filename, lineno = getattr(message, "filename", ""), getattr(message, "lineno", 0)
    where = f"{display_path(filename)}:{lineno}" if isinstance(filename, str) and filename else ""
    tid = current_traced_task(run)
    run.record.alerts.append(Alert(run.clock(), "warning", -1 if tid is None else tid, where, text))


def _showwarnmsg(message: Any) -> None:
    try:
        _note_warning(message)
    except Exception:
        pass
    _original_showwarnmsg(message)


def install_warnings() -> None:
    """Wrap ``warnings._showwarnmsg``, for one more run."""
    global _installed, _original_showwarnmsg
    with _guard:
        _installed += 1
        if _installed == 1:
            _original_showwarnmsg = warnings._showwarnmsg  # type: ignore[attr-defined]
            warnings._showwarnmsg = _showwarnmsg  # type: ignore[attr-defined]


def uninstall_warnings() -> None:
    """One run fewer; the last puts ``warnings._showwarnmsg`` back, unless someone replaced it since."""
    global _installed
    with _guard:
        _installed = max(0, _installed - 1)
        if _installed == 0 and _original_showwarnmsg is not None:
            if warnings._showwarnmsg is _showwarnmsg:  # type: ignore[attr-defined]
                warnings._showwarnmsg = _original_showwarnmsg  # type: ignore[attr-defined]
