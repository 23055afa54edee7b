"""Running a program as ``python FILE`` (or ``python -m MODULE``) would, and ending as it would.

The file runs once, as ``__main__``, with its own ``sys.argv`` and its folder first on
``sys.path``, so ``if __name__ == "__main__":`` blocks, ``import helper`` beside it,
``Path(__file__)`` and pickling its functions for a process pool all work as under
``python``. Its event loops are traced by a :class:`~taskviz.stage.loops.LoopWatch`. A
file that only defines ``async def main()`` (and starts no loop itself) has its ``main()``
run with ``asyncio.run``, as taskviz's scenarios could always be written. The exit
status, and the traceback printed for an uncaught exception, are ``python``'s, without
taskviz's own frames.
"""

from __future__ import annotations

import asyncio
import atexit
import builtins
import importlib.machinery
import os
import runpy
import signal
import sys
import threading
import traceback
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from .loops import LoopWatch
from .reprs import exception_careful

INTERRUPTED = 130  # what a shell reports for a program ended by ctrl+c


@dataclass(frozen=True)
class Program:
    """What to run: a file, or a module as with ``-m``; and the arguments it is given."""

    path: Path | None = None
    module: str | None = None
    args: tuple[str, ...] = field(default_factory=tuple)

    @property
    def name(self) -> str:
        return self.module if self.module is not None else Path(str(self.path)).stem


class Ending(NamedTuple):
    """How a program ended: ``python``'s exit status, and the uncaught exception (``Type: message``), if any."""

    code: int
    raised: str | None = None


def run_as_main(program: Program, watch: LoopWatch, quiet: Callable[[], bool] = lambda: False) -> Ending:
    """Run ``program`` to its end under ``watch``, and end as ``python`` would.

    ``quiet()`` true when it ends: its uncaught exception is taskviz's doing, not printed.
    """
    argv, orig_argv, path0 = list(sys.argv), list(sys.orig_argv), sys.path[0] if sys.path else None
    if program.module is not None:
        sys.argv[:] = [program.module, *program.args]
        sys.orig_argv[:] = [sys.executable, "-m", program.module, *program.args]
        _set_path0(os.getcwd())
    else:
        assert program.path is not None
        sys.argv[:] = [str(program.path), *program.args]
        sys.orig_argv[:] = [sys.executable, str(program.path), *program.args]
        _set_path0(os.path.dirname(os.path.realpath(program.path)))
    main_before = sys.modules.get("__main__")
    main = sys.modules["__main__"] = _fresh_main()
    watch.install()
    try:
        if program.module is not None:
            runpy._run_module_as_main(program.module, alter_argv=True)  # type: ignore[attr-defined]
        else:
            _run_file(str(program.path), main)
        namespace = main.__dict__
        if not watch.runs:
            _run_its_main(namespace)
        return Ending(0)
    except SystemExit as exc:
        return Ending(exit_status(exc))
    except KeyboardInterrupt as exc:
        if not quiet():
            report(exc)
        return Ending(INTERRUPTED, "KeyboardInterrupt")
    except BaseException as exc:
        if not quiet():
            report(exc)
        return Ending(1, exception_careful(exc))
    finally:
        watch.uninstall()
        if main_before is not None:
            sys.modules["__main__"] = main_before
        sys.argv[:] = argv
        sys.orig_argv[:] = orig_argv
        if path0 is not None:
            _set_path0(path0)


def _fresh_main() -> types.ModuleType:
    """An empty ``__main__`` module, as the interpreter makes one: ``__builtins__`` is the module."""
    main = types.ModuleType("__main__")
    main.__builtins__ = builtins  # type: ignore[attr-defined]
    return main


def _run_file(path: str, main: types.ModuleType) -> None:
    """What ``python FILE`` does with the file: compile it (its coding declaration honoured) and run it as ``__main__``."""
    full = os.path.abspath(path)
    with open(full, "rb") as fh:
        source = fh.read()
    main.__file__ = full
    main.__cached__ = None  # type: ignore[attr-defined]
    main.__loader__ = importlib.machinery.SourceFileLoader("__main__", full)
    code = compile(source, full, "exec", dont_inherit=True)
    exec(code, main.__dict__)


_interrupted = threading.Event()


def interrupt() -> None:
    """Stop the program as ctrl+c would, once: SIGINT, which ``asyncio.run`` turns into cancelling main.

    Once per process: a viewer stopping a run also closes its control pipe, and a second
    SIGINT is ``asyncio.run``'s hard interrupt, which would cut short the cleanup (the
    program's ``finally`` blocks) the first one began. The stage process serves one program.
    """
    if not _interrupted.is_set():
        _interrupted.set()
        os.kill(os.getpid(), signal.SIGINT)


def _set_path0(folder: str) -> None:
    if sys.path:
        sys.path[0] = folder
    else:
        sys.path.append(folder)


def _run_its_main(namespace: dict[str, Any]) -> None:
    """A file that started no loop but has ``async def main()``: run it as ``asyncio.run`` does."""
    main = namespace.get("main")
    if callable(main) and asyncio.iscoroutinefunction(main):
        asyncio.run(main())


def run_exit_functions() -> None:
    """The ``atexit`` handlers, where ``python`` runs them: right after the program, before
    anything taskviz prints. Only for a process that ends with the program (they run once)."""
    sys.stdout.flush()
    try:
        atexit._run_exitfuncs()
    except BaseException:
        pass
    sys.stdout.flush()


def exit_status(exc: SystemExit) -> int:
    """What ``python`` exits with for ``sys.exit(code)``: a message is printed and means 1."""
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code & 0xFF
    print(exc.code, file=sys.stderr)
    return 1


def report(exc: BaseException) -> None:
    """Print an uncaught exception as ``python`` would: through the program's excepthook, if it set one."""
    sys.stderr.flush()
    if sys.excepthook is not sys.__excepthook__:
        tb = exc.__traceback__
        while tb is not None and _ours(tb.tb_frame.f_code.co_filename):
            tb = tb.tb_next
        try:
            sys.excepthook(type(exc), exc, tb)
            return
        except BaseException:
            pass
    print(program_traceback(exc), end="", file=sys.stderr)
    sys.stderr.flush()


_PACKAGE = str(Path(__file__).resolve().parent.parent) + os.sep
_BUNDLED = _PACKAGE + "scenarios" + os.sep  # inside an installed wheel the scenarios are the program's
_RUNPY = os.path.realpath(runpy.__file__)


def _ours(filename: str) -> bool:
    return (filename.startswith(_PACKAGE) and not filename.startswith(_BUNDLED)) or filename in (_RUNPY, runpy.__file__)


def program_traceback(exc: BaseException) -> str:
    """The traceback ``python`` would print, without taskviz's own frames in between."""
    report_ = traceback.TracebackException.from_exception(exc)
    seen: set[int] = set()
    todo = [report_]
    while todo:
        part = todo.pop()
        if id(part) in seen:
            continue
        seen.add(id(part))
        part.stack = traceback.StackSummary.from_list([f for f in part.stack if not _ours(f.filename)])
        todo.extend(p for p in (part.__cause__, part.__context__, *(getattr(part, "exceptions", None) or ())) if p is not None)
    return "".join(report_.format())
