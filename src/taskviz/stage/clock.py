"""The stage's own sense of time: a loop clock the viewer can pause, slow down and step.

A scenario runs on a loop we own. To let someone watch it at a human pace, that loop
reads its time from a :class:`StageClock` rather than from ``time.monotonic``, and waits
on a :class:`ScaledSelector` that stretches every timeout by the same factor. Timers,
``asyncio.sleep`` and timeouts therefore all keep their meaning in *loop* time while
taking longer in real time; nothing in the scenario needs to know.

Pausing has two halves. Freezing the clock stops timers from firing, but a task that is
ready (woken by I/O, or by another task) would still run, so each traced task step also
passes a :class:`StepGate` first; while paused the gate holds the loop thread until the
viewer resumes or lets one step through. :class:`TimeControl` ties the three together
and is the one object the command handler talks to, from its own thread.
"""

from __future__ import annotations

import asyncio
import math
import selectors
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

__all__ = ["MAX_SPEED", "ScaledSelector", "StageClock", "StageLoop", "StepGate", "TimeControl", "new_stage_loop"]

MAX_SPEED = 4.0
_NS = 1_000_000_000


def _noop() -> None:
    """Scheduled from another thread only for its side effect: the loop wakes up."""


class _Frame(NamedTuple):
    """Loop time as a line through one point: ``origin_ns`` at real ``anchor_ns``, then ``speed``."""

    origin_ns: int
    anchor_ns: int
    speed: float
    paused: bool

    def at(self, real_ns: int) -> int:
        if self.paused:
            return self.origin_ns
        elapsed = real_ns - self.anchor_ns
        if self.speed == 1.0:
            return self.origin_ns + elapsed
        return self.origin_ns + int(elapsed * self.speed)


class StageClock:
    """The stage loop's clock: real monotonic time until someone pauses or slows it.

    While :attr:`fast` is true the clock *is* ``time.monotonic``, so a recorder may read
    ``time.monotonic_ns`` directly and pay nothing. The first pause or speed change
    leaves that mode for good: from then on the clock is ``origin + (monotonic - anchor)
    * speed``, frozen while paused, and each change re-anchors it at the value it had at
    that instant, so it never jumps forwards or backwards. Having lost the paused time,
    it cannot rejoin ``monotonic``, which is why :attr:`fast` stays false even once it is
    back at speed 1 and running.

    Control calls (:meth:`pause`, :meth:`resume`, :meth:`set_speed`, :meth:`jump_to`) may
    come from any thread. Reads outside the fast mode take a lock, so that a read on the
    loop thread and a change on another are strictly ordered and the clock never goes
    back. Every listener in :attr:`on_change` is called, outside the lock, after each
    change; the stage loop uses that to wake its selector.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._frame: _Frame | None = None
        self.on_change: list[Callable[[], None]] = []

    @property
    def fast(self) -> bool:
        """True while never paused nor slowed: the clock is exactly ``time.monotonic``."""
        return self._frame is None

    @property
    def paused(self) -> bool:
        frame = self._frame
        return frame is not None and frame.paused

    @property
    def speed(self) -> float:
        frame = self._frame
        return 1.0 if frame is None else frame.speed

    def now_ns(self) -> int:
        """Loop time in nanoseconds."""
        if self._frame is None:
            return time.monotonic_ns()
        with self._lock:
            frame = self._frame
            assert frame is not None
            return frame.at(time.monotonic_ns())

    def time(self) -> float:
        """Loop time in seconds: what ``loop.time()`` returns."""
        if self._frame is None:
            return time.monotonic()
        return self.now_ns() / _NS

    def real_timeout(self, timeout: float | None) -> float | None:
        """How long to wait in real seconds for ``timeout`` loop seconds to pass; None: until woken."""
        frame = self._frame
        if frame is None or timeout is None or timeout <= 0:
            return timeout
        if frame.paused:
            return None
        return timeout / frame.speed

    def pause(self) -> None:
        """Freeze the clock where it is now. Nothing happens if it already is frozen."""
        self._change(lambda frame: None if frame.paused else frame._replace(paused=True))

    def resume(self) -> None:
        """Let the clock run again from the value it was frozen at."""
        self._change(lambda frame: frame._replace(paused=False) if frame.paused else None)

    def set_speed(self, speed: float) -> None:
        """Loop seconds per real second, ``0 < speed <= MAX_SPEED``; takes effect now."""
        if not 0 < speed <= MAX_SPEED:
            raise ValueError(f"speed must be in (0, {MAX_SPEED:g}], not {speed!r}")
        speed = float(speed)
        if self._frame is None and speed == 1.0:
            return
        self._change(lambda frame: None if frame.speed == speed else frame._replace(speed=speed))

    def jump_to(self, t: float) -> bool:
        """While paused, move the frozen clock forward to loop time ``t`` (seconds).

        Used to step past a wait on a timer without waiting for it. Never goes back, and
        does nothing while running; returns whether the clock moved. ``time()`` reads at
        least ``t`` afterwards, so a timer due at ``t`` is due.
        """
        target = math.ceil(t * _NS)
        while target / _NS < t:
            target += 1

        def forward(frame: _Frame) -> _Frame | None:
            if not frame.paused or target <= frame.origin_ns:
                return None
            return frame._replace(origin_ns=target)

        return self._change(forward)

    def _change(self, update: Callable[[_Frame], _Frame | None]) -> bool:
        """Re-anchor the clock at its present value, then apply ``update`` (None: no change)."""
        with self._lock:
            real = time.monotonic_ns()
            frame = self._frame
            if frame is None:
                frame = _Frame(real, real, 1.0, False)
            else:
                frame = frame._replace(origin_ns=frame.at(real), anchor_ns=real)
            changed = update(frame)
            if changed is None:
                return False
            self._frame = changed
        for listener in list(self.on_change):
            listener()
        return True


class ScaledSelector(selectors.BaseSelector):
    """A selector whose waits last ``timeout / speed`` real seconds, and forever while paused.

    The loop computes its timeout in loop time (until its next timer); this turns that
    into real time. A wait with no end ends when the loop is woken through its self-pipe,
    which :class:`StageLoop` does on every clock change, so a resume, a new speed or a
    jump takes effect at once rather than after the wait computed under the old rules.
    Everything else goes to the wrapped selector untouched.
    """

    def __init__(self, clock: StageClock, selector: selectors.BaseSelector | None = None) -> None:
        self._clock = clock
        self._selector = selector if selector is not None else selectors.DefaultSelector()

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        return self._selector.select(self._clock.real_timeout(timeout))

    def register(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        return self._selector.register(fileobj, events, data)

    def unregister(self, fileobj: Any) -> selectors.SelectorKey:
        return self._selector.unregister(fileobj)

    def modify(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        return self._selector.modify(fileobj, events, data)

    def get_key(self, fileobj: Any) -> selectors.SelectorKey:
        return self._selector.get_key(fileobj)

    def get_map(self) -> Mapping[Any, selectors.SelectorKey]:
        return self._selector.get_map()

    def close(self) -> None:
        self._selector.close()

    def __getattr__(self, name: str) -> Any:
        """Whatever else the concrete selector offers (``fileno()`` of epoll...)."""
        if name == "_selector":
            raise AttributeError(name)  # not set yet: no endless recursion
        return getattr(self._selector, name)


class StageLoop(asyncio.SelectorEventLoop):
    """The loop a scenario runs on: its time is the stage clock's, its waits are scaled.

    ``time`` is a method of the class, never an attribute set on the instance: an
    instance ``__dict__`` entry on a loop slows every attribute lookup on it.
    """

    def __init__(self, clock: StageClock) -> None:
        self._stage_clock = clock
        super().__init__(ScaledSelector(clock))
        self._stage_wake = self._wake_from_clock
        clock.on_change.append(self._stage_wake)

    def time(self) -> float:
        return self._stage_clock.time()

    def close(self) -> None:
        listeners = self._stage_clock.on_change
        if self._stage_wake in listeners:
            listeners.remove(self._stage_wake)
        super().close()

    def _wake_from_clock(self) -> None:
        """Break out of the current ``select`` so its timeout is computed again."""
        try:
            self.call_soon_threadsafe(_noop)
        except RuntimeError:
            pass  # closed: nothing to wake


def new_stage_loop(clock: StageClock) -> asyncio.AbstractEventLoop:
    """A new event loop on ``clock``, woken whenever the clock changes."""
    return StageLoop(clock)


def _next_deadline(loop: asyncio.AbstractEventLoop) -> float | None:
    """The loop time of the loop's next live timer, read from another thread.

    ``loop._scheduled`` is the loop's private heap and may change while we read it, so
    this copies it in one go and looks at every live handle, not just the head.
    """
    try:
        handles = list(getattr(loop, "_scheduled", ()))
    except Exception:
        return None
    deadlines = [handle.when() for handle in handles if not handle.cancelled()]
    return min(deadlines) if deadlines else None


class StepGate:
    """Where every traced task step waits while the stage is paused.

    The tracer calls ``if gate.armed: gate.enter()`` before each step, so the gate costs
    one attribute read while it is open. Closed, :meth:`enter` blocks the loop thread
    itself: nothing else on the loop runs until :meth:`open` or :meth:`step` lets it go,
    which is what makes a paused scenario truly still. Hence those two must be called
    from another thread.

    The gate is also where the stage's own chores get the loop's thread between two steps
    (:meth:`chore`): it is armed while one is due, and costs nothing otherwise.
    """

    SETTLE_S = 0.05
    STEP_TIMEOUT_S = 1.0
    BUSY_GRACE_S = 0.5

    def __init__(self, clock: StageClock, loop: asyncio.AbstractEventLoop | None = None) -> None:
        self.armed = False  # closed, or a chore is due
        self.closed = False
        self.steps_let_through = 0
        self.stepped_total = 0
        self._clock = clock
        self._loop: asyncio.AbstractEventLoop | None = loop
        self._cond = threading.Condition()
        self._permits = 0
        self._waiting = 0
        self._stepping = threading.Lock()
        self._chores: list[Callable[[], bool]] = []

    def follow(self, loop: asyncio.AbstractEventLoop) -> None:
        """Step this loop from now on: a program may run several loops, one after another."""
        self._loop = loop

    @property
    def waiting(self) -> int:
        """How many steps are held at the gate right now (0 or 1: only the loop thread enters)."""
        return self._waiting

    def enter(self) -> None:
        """Called before a step starts; returns at once unless the gate is closed (after any chore due)."""
        if self._chores:
            self._do_chores()
        with self._cond:
            if not self.closed:
                return
            if not self._permits:
                self._waiting += 1
                try:
                    while self.closed and not self._permits:
                        self._cond.wait()
                finally:
                    self._waiting -= 1
            if self.closed:
                self._permits -= 1
                self.stepped_total += 1
                self._cond.notify_all()
            self.steps_let_through += 1

    def chore(self, do: Callable[[], bool]) -> None:
        """Have ``do`` called on the loop's thread before the next step (once, however often asked):
        it returns False to be called again before the one after."""
        with self._cond:
            if do not in self._chores:
                self._chores.append(do)
            self.armed = True

    def _do_chores(self) -> None:
        with self._cond:
            chores, self._chores = self._chores, []
        left = [do for do in chores if not do()]
        with self._cond:
            self._chores[:0] = left
            self.armed = self.closed or bool(self._chores)

    def close(self) -> None:
        """From now on every step waits at the gate."""
        with self._cond:
            self.closed = self.armed = True

    def open(self) -> None:
        """Let every step through again, including one waiting now."""
        with self._cond:
            self.closed = False
            self.armed = bool(self._chores)
            self._permits = 0
            self._cond.notify_all()

    def step(self) -> bool:
        """Let exactly one step through the closed gate; return whether one ran within ~1 s.

        If no step arrives within ``SETTLE_S`` and the loop has nothing ready, every task
        is waiting, most likely on a timer: the frozen clock jumps to the loop's next
        timer so that it fires and its task comes to the gate, and again to the next
        one if that timer woke no task. A step that has not come by ``STEP_TIMEOUT_S``
        loses its turn, so a later arrival still waits for the next ``step()``.
        """
        loop_thread = getattr(self._loop, "_thread_id", None)
        if loop_thread == threading.get_ident():
            raise RuntimeError("StepGate.step() would block the loop it steps; call it from another thread")
        with self._stepping:
            with self._cond:
                if not self.closed:
                    return False
                before = self.stepped_total
                self._permits = 1
                self._cond.notify_all()
            started = time.monotonic()
            deadline = started + self.STEP_TIMEOUT_S
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._wait_for_step(before, min(self.SETTLE_S, remaining)):
                    break
                busy = bool(getattr(self._loop, "_ready", None))
                if not busy or time.monotonic() - started > self.BUSY_GRACE_S:
                    self._advance_to_next_timer()
            with self._cond:
                if self.stepped_total == before:
                    self._permits = 0
                return self.stepped_total != before

    def _wait_for_step(self, before: int, timeout: float) -> bool:
        """Wait until the permit is used or the gate opens; True if the wait is over."""
        with self._cond:
            return self._cond.wait_for(lambda: self.stepped_total != before or not self.closed, timeout)

    def _advance_to_next_timer(self) -> None:
        """Jump to the next timer unless one is already due (the loop has yet to run it)."""
        if self._loop is None:
            return
        when = _next_deadline(self._loop)
        if when is not None and when > self._clock.time():
            self._clock.jump_to(when)
        try:
            self._loop.call_soon_threadsafe(_noop)
        except RuntimeError:
            pass


class TimeControl:
    """Pause, resume, single steps and speed for one stage: what the command handler calls.

    Every method may be called from any thread, but :meth:`resume` and :meth:`step` must
    come from a thread other than the stage loop's, which is held at the gate while
    paused.
    """

    def __init__(self, clock: StageClock, gate: StepGate) -> None:
        self.clock = clock
        self.gate = gate
        self._lock = threading.Lock()

    @property
    def paused(self) -> bool:
        return self.clock.paused

    @property
    def speed(self) -> float:
        return self.clock.speed

    def pause(self) -> None:
        """Freeze loop time and hold every task step at the gate."""
        with self._lock:
            self.clock.pause()
            self.gate.close()

    def resume(self) -> None:
        """Let time run and steps through again."""
        with self._lock:
            self.clock.resume()
            self.gate.open()

    def step(self) -> bool:
        """Run exactly one task step, pausing first if running; True if one ran (see :meth:`StepGate.step`)."""
        if not self.gate.closed:
            self.pause()
        return self.gate.step()

    def set_speed(self, speed: float) -> None:
        """Loop seconds per real second, ``0 < speed <= MAX_SPEED``; ValueError otherwise."""
        self.clock.set_speed(speed)
