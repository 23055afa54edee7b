"""The headless timeline: one text row per task, a time axis, a loop lane and a summary."""

from __future__ import annotations

from collections import Counter
from operator import attrgetter, itemgetter

from rich.cells import cell_len, set_cell_size

from . import palette
from .text import visible
from .model.axis import format_duration, ticks
from .model.folding import Folding, folding_for
from .model.names import fit_name, task_name
from .model.primitives import NAME, holder_name, primitives_for
from .model.primitives import bar as object_bar
from .model.summary import Gain
from .model.timeline import BLOCK_NS, State, TimelineModel
from .model.waits import STATE_MASK

LABEL_WIDTH = 28
_CORO, _STATES, _LAST = attrgetter("info.coro"), attrgetter("states"), itemgetter(-1)  # a track's, in C


def fit_cells(text: str, width: int) -> str:
    """``text`` cut and padded to exactly ``width`` terminal cells (CJK and emoji take two)."""
    if cell_len(text) > width:
        text = set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


def _color(text: str, hex_color: str, enabled: bool) -> str:
    if not enabled or not text.strip():
        return text
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"\x1b[38;2;{r};{g};{b}m{text}\x1b[0m"


def _row(cells: bytearray, color: bool, thread: bool = False) -> str:
    """Cells from ``cells(..., kinds=True)``: each wait drawn in its kind's glyph and colour, an
    executor job's running in the thread colour."""
    out: list[str] = []
    glyphs, colors = palette.CELL_GLYPHS, palette.THREAD_CELL_COLORS if thread else palette.CELL_COLORS
    run_code, run_len = -1, 0
    for value in bytes(cells) + b"\xff":
        if value == run_code:
            run_len += 1
            continue
        if run_len:
            out.append(_color(glyphs[run_code] * run_len, colors[run_code], color))
        run_code, run_len = value, 1
    return "".join(out)


def fold_note(folding: Folding) -> str:
    """One line: how many library tasks the rows above fold, and the flag that shows them."""
    count = folding.folded
    owners = ", ".join(visible(group.owner) for group in folding.groups())
    return f"{count:,} library task{'s' if count != 1 else ''} ({owners}) folded into a row each; --all-tasks shows them"


def _segments(segments: list[palette.Segment], color: bool) -> str:
    return "".join(_color(text, style, color) if style else text for text, style in segments)


def render(model: TimelineModel, *, title: str, wall_ns: int, gain: Gain, width: int = 100,
           max_rows: int = 40, color: bool = False, point: str = "", headline: str | None = None,
           all_tasks: bool = False) -> str:
    """The whole text timeline; rows past ``max_rows`` are counted by coroutine instead.

    Libraries' own tasks are folded into a row per library (``model/folding.py``) unless
    ``all_tasks``; a note under the rows says how many were folded and how to see them.

    ``headline``: the scenario's own measure (``model/headline.py``), shown instead of the
    waiting-against-wall-time line, which reads as a speed-up where there is none; "" for none.
    """
    chart_width = max(20, width - LABEL_WIDTH - 1)
    span = max(model.end_ns, wall_ns, 1)
    dt = max(1, -(-span // (chart_width - 1)))
    lines = [fit_cells(title, width).rstrip(), ""]

    axis = [" "] * chart_width
    marks = [" "] * chart_width
    for cell, _, label in ticks(0, dt, chart_width, min_gap=max(8, len(format_duration(span)) + 2)):
        marks[cell] = "┬"
        if cell + len(label) <= chart_width:
            axis[cell : cell + len(label)] = label
    lines.append(" " * LABEL_WIDTH + " " + "".join(axis).rstrip())
    lines.append(" " * LABEL_WIDTH + " " + "".join(marks).rstrip())

    lane = [_color(palette.LOOP_GLYPHS[kind], palette.LOOP_COLORS[kind], color)
            for kind, _ in model.loop_cells(0, dt, chart_width)]
    lines.append(f"{'event loop':<{LABEL_WIDTH}} " + "".join(lane).rstrip())
    lines += object_lines(model, dt, chart_width, color)

    folding = folding_for(model)
    rows = folding.rows(show_library=all_tasks)
    for row in rows[:max_rows]:
        if isinstance(row, str):
            group = folding.group(row)
            label = fit_cells(visible(group.label()) if group is not None else visible(row), LABEL_WIDTH)
            lines.append(f"{label} " + _row(folding.cells(row, 0, dt, chart_width), color).rstrip())
            continue
        track = model.tracks[row]
        label = fit_name("  " * min(folding.depth(row, all_tasks), 6) + task_name(model, row), LABEL_WIDTH)
        lines.append(f"{label} " + _row(model.cells(row, 0, dt, chart_width, kinds=True), color, track.thread).rstrip())
    hidden = [tid for tid in rows[max_rows:] if isinstance(tid, int)]
    if hidden:
        tracks = model.tracks
        by_coro: Counter[str] = Counter()
        for coro, n in Counter(map(_CORO, map(tracks.__getitem__, hidden))).items():  # each coroutine made safe once
            by_coro[visible(coro)] += n
        parts = ", ".join(f"{n:,} × {coro}" for coro, n in by_coro.most_common(4))
        more = "" if len(by_coro) <= 4 else f", {len(by_coro) - 4} more kinds"
        lines.append(fit_cells(f"… {len(hidden):,} more tasks not shown ({parts}{more})", width).rstrip())
    if not all_tasks and folding.folded:
        lines.append(fit_cells(fold_note(folding), width).rstrip())

    threads = any(track.thread for track in model.tracks)
    legend = _segments(palette.legend_segments(width, model.wait_kinds(), threads=threads), color)
    lines += ["", legend, _segments(palette.loop_legend_segments(), color), ""]
    lines += [fit_cells(line, width).rstrip() for line in summary_lines(model, wall_ns, gain, point, headline)]
    return "\n".join(lines)


def object_lines(model: TimelineModel, dt: int, width: int, color: bool) -> list[str]:
    """A row per queue, semaphore and lock the program used (``model/primitives.py``), under the loop lane."""
    primitives = primitives_for(model)
    lines = []
    for oid in primitives.shown():
        runs = object_bar(primitives, oid, primitives.cells(oid, 0, dt, width), lambda tid: holder_name(model, tid))
        room = len("".join(part for part, _ in runs).rstrip())  # trailing blanks left off, coloured or not
        text = []
        for part, what in runs:
            part, room = part[: max(0, room)], room - len(part)
            text.append(_color(part, palette.OBJECT_NAME_COLOR if what == NAME else palette.OBJECT_COLOR, color))
        lines.append(f"{fit_cells(primitives.label(oid), LABEL_WIDTH)} " + "".join(text))
    return lines


def summary_lines(model: TimelineModel, wall_ns: int, gain: Gain, point: str = "",
                  headline: str | None = None) -> list[str]:
    outcomes: Counter[int] = Counter()
    for code, n in Counter(map(_LAST, map(_STATES, model.tracks))).items():  # counted in C, each distinct code masked once
        outcomes[code & STATE_MASK] += n
    parts = ", ".join(f"{outcomes[s]:,} {palette.NAMES[s]}" for s in (State.DONE, State.FAILED, State.CANCELLED) if outcomes[s])
    lines = [f"wall time       {format_duration(wall_ns)}"]
    if point:
        lines.append(f"point           {point}")
    if headline is None:
        lines.append(f"waiting         {gain}")
    elif headline:
        lines.append(f"headline        {headline}")
    lines += [
        f"tasks           {len(model.tracks):,}" + (f" ({parts})" if parts else ""),
        f"loop busy       {format_duration(model.busy_ns)} in {len(model.step_starts):,} steps",
    ]
    if model.longest_step >= 0:
        step = model.step(model.longest_step)
        lines.append(f"longest step    {format_duration(step.end_ns - step.start_ns)} at {visible(model.step_where(model.longest_step))}")
    if model.blocks:
        lines.append(f"loop blocked    {len(model.blocks)} step(s) of {format_duration(BLOCK_NS)} or more held every other task")
    return lines
