"""Numbers as the engine keeps them: every real number becomes a Python float; anything else is refused."""

from __future__ import annotations

import numbers
from typing import Any

from .messages import shown_object


def as_float(x: Any, what: str = "Value data") -> float:
    """Convert a real number (int, float, bool, Fraction, NumPy scalar) to float, else TypeError.

    An int or Fraction beyond the largest float (about 1.8e308) is an OverflowError saying ``what``.
    """
    if type(x) is float:
        return x
    if isinstance(x, numbers.Real) or _is_numpy_real(x):
        try:
            return float(x)
        except OverflowError:
            raise OverflowError(
                f"{what} is {shown_object(x)}, too large for a float (the largest is about 1.8e308)"
            ) from None
    raise TypeError(f"{what} must be a real number, got {type(x).__name__} {shown_object(x)}")


def number(x: Any, what: str = "a number") -> float:
    """The float behind a Value or a real number: what a rule branches on, what a metric counts.

    A Value is recognised by its ``data`` (this module sits below ``value.py``); anything that is
    neither is a TypeError naming ``what``.
    """
    if type(x) is float:
        return x
    if isinstance(x, numbers.Real) or _is_numpy_real(x):
        return as_float(x, what)
    return as_float(getattr(x, "data", x), what)


def _is_numpy_real(x: Any) -> bool:
    # NumPy's bool_ and 0-d arrays are not registered as numbers.Real; check without importing NumPy.
    dtype = getattr(x, "dtype", None)
    return getattr(x, "ndim", None) == 0 and getattr(dtype, "kind", "") in "biuf"
