"""Argument checks shared by autograd and nn: each returns the argument, converted, or raises an error naming it.

``what`` names the argument, caller first (``"SGD: lr"``), so the message says who refused what.
A TypeError means the kind of value is wrong, a ValueError that the value is; a bool is neither a
count nor a number here. Messages echo the argument as ``repr`` writes it (an int too long for that
as ``shown_object`` does); ``shown_object`` is here for messages that must cut what they echo.
"""

from __future__ import annotations

import math
import numbers
import random
from collections.abc import Collection
from typing import Any

from .floats import as_float, number
from .messages import shown, shown_object

__all__ = ["choice", "count", "is_count", "number", "real", "rng", "shown", "shown_object", "whole_number"]


def is_count(value: Any, minimum: int = 0) -> bool:
    """Whether ``value`` is an int (of any integral type, but not a bool) of at least ``minimum``."""
    return _is_int(value) and value >= minimum


def count(value: Any, what: str, minimum: int = 1) -> int:
    """``value`` as an int of at least ``minimum``: a TypeError for another type, a ValueError below it."""
    if not _is_int(value):
        raise TypeError(f"{what} must be an int, got {type(value).__name__} {value!r}")
    if value < minimum:
        raise ValueError(f"{what} must be at least {minimum}, got {_echo(value)}")
    return int(value)


def whole_number(value: Any, what: str, minimum: int = 1) -> int:
    """``value`` as an int of at least ``minimum``, else one ValueError (for options such as ``precision``)."""
    if not is_count(value, minimum):
        raise ValueError(f"{what} must be a whole number >= {minimum}, got {_echo(value)}")
    return int(value)


def real(
    value: Any, what: str, low: float = -math.inf, high: float = math.inf, *, low_open: bool = False
) -> float:
    """``value`` as a finite float in [low, high], or in (low, high] when ``low_open``."""
    if isinstance(value, bool):
        raise TypeError(f"{what} must be a real number, got bool {value!r}")
    number = as_float(value, what)
    if not (math.isfinite(number) and (low < number if low_open else low <= number) and number <= high):
        raise ValueError(f"{what} must be a finite number{_bounds(low, high, low_open)}, got {value!r}")
    return number


def choice(value: Any, what: str, options: Collection[str]) -> str:
    """``value`` if it is one of the strings ``options``, else a ValueError listing them."""
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"{what} must be one of {sorted(options)}, got {value!r}")
    return value


def rng(seed: int | random.Random | None, what: str) -> random.Random:
    """A random number generator from a seed (reproducible), a generator (shared) or None (fresh)."""
    if isinstance(seed, random.Random):
        return seed
    if seed is None:
        return random.Random()
    if _is_int(seed):
        return random.Random(int(seed))
    raise TypeError(f"{what} must be an int, a random.Random or None, got {type(seed).__name__} {seed!r}")


def _is_int(value: Any) -> bool:
    # type() first: the usual case, without the slower check against numbers.Integral
    return type(value) is int or (isinstance(value, numbers.Integral) and not isinstance(value, bool))


def _echo(value: Any) -> str:
    """``repr(value)``, or ``shown_object``'s short form of an int whose repr would be too long to make."""
    return shown_object(value) if _is_int(value) else repr(value)


def _bounds(low: float, high: float, low_open: bool) -> str:
    """How ``real`` words its range: `` in [0, 1]``, `` >= 0``, `` > 0``, `` <= 1`` or nothing."""
    if math.isfinite(low) and math.isfinite(high):
        return f" in {'(' if low_open else '['}{low:g}, {high:g}]"
    if math.isfinite(low):
        return f" {'>' if low_open else '>='} {low:g}"
    return f" <= {high:g}" if math.isfinite(high) else ""
