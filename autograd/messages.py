"""How text that users supply appears inside error messages: escaped, and short.

A label can hold anything: control characters, ANSI colour escapes, right-to-left overrides, a
megabyte of text. Messages show it through ``shown``, so what reaches a terminal or a log is
readable and never rewrites the line it sits on.
"""

from __future__ import annotations

from typing import Any

SHOWN_CHARACTERS = 60


def shown(text: str, limit: int = SHOWN_CHARACTERS) -> str:
    """``text`` with every non-printable character escaped as ``repr`` escapes it, cut to ``limit``.

    ``"a\x1b[31m"`` shows as ``a\x1b[31m``; a cut text ends in ``… (N characters)``.
    """
    cut = text if len(text) <= limit else text[:limit]
    escaped = "".join(char if char.isprintable() else repr(char)[1:-1] for char in cut)
    return escaped if cut is text else f"{escaped}… ({len(text):,} characters)"


def shown_object(x: Any, limit: int = SHOWN_CHARACTERS) -> str:
    """``repr(x)`` for a message, escaped and cut like ``shown`` (a huge int or list stays short)."""
    if isinstance(x, int) and x.bit_length() > 64:  # repr of a huge int is slow, and fails past 4,300 digits
        return f"an int of about {int(x.bit_length() * 0.30103) + 1:,} digits"
    try:
        text = repr(x)
    except Exception as error:  # noqa: BLE001 - a broken __repr__ must not hide the real problem
        return f"<{type(x).__name__} whose repr fails: {type(error).__name__}>"
    return shown(text, limit)
