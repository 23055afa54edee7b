"""Instrumentation: every task a program creates is wrapped, and each of its steps recorded.

The hooks, all on one loop instance for the length of a run and nothing else patched but
the name ``asyncio.Task`` (see ``task_class``):

* ``loop.create_task``, answered on the loop instance (``hooks``): it wraps the coroutine
  of every task created while the run's context variable is set, then lets the loop (and
  any task factory the program set, eager ones included) make the task around it;
  asyncio copies that variable into every task created under the root task, so exactly
  the program's tasks are traced and nobody else's;
* the wrapper itself (``wrapper``), one module-level class, which sees each step start
  and end;
* while a traced step runs, a hook on the loop's ``call_soon`` (``wakeups``), so that a
  task is ready at the instant its wake-up is scheduled;
* the loop's default executor (``hooks``, ``jobs``), so that jobs sent to threads show
  as rows of their own;
* a watcher thread (``stall``) that finds the line a long step is stuck on.

This package knows nothing about Textual; it only writes to an ``EventRecord``. This
module is the public face: the pieces live in the modules named above, ``Run`` in ``run``.
"""

from __future__ import annotations

from .hooks import TracingExecutor
from .run import Run
from .stall import StallWatch
from .wrapper import TracedCoroutine

__all__ = ["Run", "StallWatch", "TracedCoroutine", "TracingExecutor"]
