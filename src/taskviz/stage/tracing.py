"""Instrumentation: every task a program creates is wrapped, and each of its steps recorded.

The hooks, all on the loop instance and only for the length of a run (besides the name
``asyncio.Task``, given a stand-in once and left, see ``task_class``):

* ``loop.create_task``, answered on the loop instance rather than through a task factory
  (``hooks``; :class:`~taskviz.stage.hooks._LoopHooks` says why): it wraps the coroutine
  of every task created while the run's context variable is set, then lets the loop, and
  any task factory the program set (eager ones included), make the task around the
  wrapper; asyncio copies that variable into every task created under the root task, so
  exactly the program's tasks are traced and the app's own never are;
* the wrapper itself (``wrapper``), one module-level class (asyncio caches every type that
  passes ``iscoroutine``, so a class per run would leak), which sees each step start and end;
* ``loop.call_soon`` (``wakeups``), answered on the loop instance for the whole run: a
  future that completes (``Event.set()``, ``Queue.put()``, ``cancel()``, a socket's data,
  a timer) schedules its waiters' wake-ups through it at that very instant, which is when
  they truly became ready, even if the step that completed it then blocks the loop. On
  asyncio's own loops it is asyncio's ``call_soon`` line for line plus one type test, so
  the loop's scheduling pays next to nothing. Sleeps are ready at their deadline, known
  when they suspend; a task's joiners when its last step ends;
* the loop's default executor (``hooks``, ``jobs``), so that jobs sent to threads show as
  rows of their own.

A watcher thread (``stall``) finds the line a long step is stuck on. ``Run`` (``run``)
is the lifecycle; a new task's row (``rows``), wake-ups (``wakeups``) and executor jobs
(``jobs``) are mixins of it, their state on the one instance so the wrapper reads it
without a hop. This package knows nothing about Textual; it only writes to an
``EventRecord``. This module is the public face: import ``Run`` and the rest from here.
"""

from __future__ import annotations

from .hooks import TracingExecutor
from .run import Run
from .stall import StallWatch
from .wrapper import TracedCoroutine

__all__ = ["Run", "StallWatch", "TracedCoroutine", "TracingExecutor"]
