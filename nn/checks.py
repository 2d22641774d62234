"""Argument checks shared by nn's public functions: a clear TypeError or ValueError naming the caller."""

from __future__ import annotations

import math
import numbers
import random
from collections.abc import Collection
from typing import Any


def count(value: Any, what: str, minimum: int = 1) -> int:
    """``value`` as an int of at least ``minimum`` (bools are not counts)."""
    if not isinstance(value, numbers.Integral) or isinstance(value, bool):
        raise TypeError(f"{what} must be an int, got {type(value).__name__} {value!r}")
    if value < minimum:
        raise ValueError(f"{what} must be at least {minimum}, got {value!r}")
    return int(value)


def real(value: Any, what: str, low: float = -math.inf, high: float = math.inf) -> float:
    """``value`` as a finite float in [low, high]."""
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise TypeError(f"{what} must be a real number, got {type(value).__name__} {value!r}")
    number = float(value)
    if not (math.isfinite(number) and low <= number <= high):
        raise ValueError(f"{what} must be a finite number in [{low}, {high}], got {value!r}")
    return number


def choice(value: Any, options: Collection[str], what: str) -> str:
    """``value`` if it is one of ``options``."""
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"{what} must be one of {sorted(options)}, got {value!r}")
    return value


def rng(seed: int | random.Random | None, what: str) -> random.Random:
    """A random number generator from a seed (reproducible), a generator (shared) or None (fresh)."""
    if isinstance(seed, random.Random):
        return seed
    if seed is None:
        return random.Random()
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool):
        return random.Random(int(seed))
    raise TypeError(f"{what} must be an int, a random.Random or None, got {type(seed).__name__} {seed!r}")
