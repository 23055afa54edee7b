"""How each state looks, everywhere: a glyph (so it reads in monochrome) and a colour."""

from __future__ import annotations

from .model.timeline import State

GLYPHS: dict[State, str] = {
    State.NONE: " ",
    State.PENDING: "·",
    State.AWAITING: "━",
    State.READY: "▒",
    State.RUNNING: "█",
    State.DONE: "✓",
    State.FAILED: "✗",
    State.CANCELLED: "⊘",
    State.STEP: "▎",
}

COLORS: dict[State, str] = {
    State.NONE: "#000000",
    State.PENDING: "#9e9e9e",
    State.AWAITING: "#5f9fff",
    State.READY: "#ffb000",
    State.RUNNING: "#3ddc84",
    State.DONE: "#3ddc84",
    State.FAILED: "#ff5f5f",
    State.CANCELLED: "#d787ff",
    State.STEP: "#3ddc84",
}

NAMES: dict[State, str] = {
    State.PENDING: "pending",
    State.AWAITING: "awaiting",
    State.READY: "ready",
    State.RUNNING: "running",
    State.DONE: "done",
    State.FAILED: "failed",
    State.CANCELLED: "cancelled",
    State.STEP: "brief step",
}

THREAD_RUNNING_COLOR = "#c792ea"  # executor jobs run beside the loop, so they get a colour of their own

LOOP_BUSY = "▆"
LOOP_STEP = "▎"
LOOP_BLOCKED = "█"
LOOP_IDLE = " "
LOOP_BUSY_COLOR = "#3ddc84"
LOOP_BLOCKED_COLOR = "#ff5f5f"

LEGEND_ORDER = (
    State.RUNNING, State.STEP, State.READY, State.AWAITING, State.PENDING, State.DONE, State.FAILED, State.CANCELLED,
)
