"""Text that came from the program, made safe to draw: nothing in it can steer the terminal.

A program's names, reprs, prints and exception messages may hold escape sequences, carriage
returns or bidirectional overrides. Drawn raw they retitle the terminal, turn the mouse
off or blank a panel; here each control character becomes a visible stand-in
(``\\x1b`` is shown as ``␛``), so a person sees exactly what the program wrote.
"""

from __future__ import annotations

_BIDI = {0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}


def _stand_in(code: int) -> str:
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode control pictures: ␀ … ␟, ␛ for escape
    if code == 0x7F:
        return "␡"
    return f"\\u{code:04x}" if code > 0xFF else f"\\x{code:02x}"


_TABLE = {code: _stand_in(code) for code in (*range(0x20), 0x7F, *range(0x80, 0xA0), *_BIDI)}
_TABLE[0x09] = "    "  # a tab is harmless, but its width is the terminal's guess: four spaces


def visible(text: str) -> str:
    """``text`` with every control character shown as a visible stand-in, on one line."""
    if text.isascii() and text.isprintable():  # nothing to stand in for: the common case, checked in C
        return text
    return text.translate(_TABLE)
