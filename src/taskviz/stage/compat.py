"""Where asyncio differs between the Pythons taskviz supports (3.11–3.13), named once.

Everything version-dependent in the instrumentation reads a flag from here, each with the
CPython change it follows, so that the next version's differences have one place to go.
Python 3.14 (not yet tested here) brings ``asyncio`` introspection (``capture_call_graph``)
and free threading; neither is relied on or bet against.
"""

from __future__ import annotations

import sys

# gh-97696 (3.12): eager tasks. ``asyncio.eager_task_factory`` and ``Task(..., eager_start=True)``
# run a task's first step inside ``Task.__init__``, within the creator's own step; aiohttp on
# 3.12+ builds its server and client tasks that way, calling ``asyncio.Task`` directly.
EAGER_TASKS = sys.version_info >= (3, 12)

# gh-96764 (3.12): ``wait_for`` awaits its coroutine inside ``asyncio.timeout`` instead of
# wrapping it in a task of its own, so on 3.12+ the waited-for work runs in the caller.
WAIT_FOR_MAKES_A_TASK = sys.version_info < (3, 12)

# gh-97696 (3.12): ``gather`` counts children that are already done at once, so gathering
# finished tasks completes without suspending the caller.
GATHER_OF_DONE_TASKS_SUSPENDS = sys.version_info < (3, 12)
