"""The table that drives the op tests: how to call each op, its plain-float reference, its domain."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from autograd import ops


def interval(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


def away_from_zero(bound: float, gap: float = 1e-2) -> st.SearchStrategy[float]:
    """Both signs, but never within ``gap`` of a kink at 0 (finite differences straddle kinks)."""
    return interval(gap, bound) | interval(-bound, -gap)


@dataclass(frozen=True)
class OpCase:
    """One way of calling an op: on Values and torch tensors alike (``call``), and on floats."""

    name: str
    op: ops.Op
    call: Callable[..., Any]
    reference: Callable[..., float]
    domain: tuple[st.SearchStrategy[float], ...]
    torch_call: Callable[..., Any] | None = None  # when the torch spelling differs from ``call``


def _leaky_torch(x: Any) -> Any:
    import torch

    return torch.nn.functional.leaky_relu(x, 0.1)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _softplus_torch(x: Any) -> Any:
    import torch

    return torch.nn.functional.softplus(x, threshold=1000.0)  # its default turns linear past 20


WIDE = interval(-50.0, 50.0)

CASES = [
    OpCase("add", ops.ADD, lambda a, b: a + b, lambda a, b: a + b, (WIDE, WIDE)),
    OpCase("radd", ops.ADD, lambda a: 2.5 + a, lambda a: 2.5 + a, (WIDE,)),
    OpCase("sub", ops.SUB, lambda a, b: a - b, lambda a, b: a - b, (WIDE, WIDE)),
    OpCase("rsub", ops.SUB, lambda a: 2.5 - a, lambda a: 2.5 - a, (WIDE,)),
    OpCase("mul", ops.MUL, lambda a, b: a * b, lambda a, b: a * b, (WIDE, WIDE)),
    OpCase("div", ops.DIV, lambda a, b: a / b, lambda a, b: a / b, (WIDE, away_from_zero(50.0, 0.5))),
    OpCase("rdiv", ops.DIV, lambda a: 3.0 / a, lambda a: 3.0 / a, (away_from_zero(50.0, 0.5),)),
    OpCase("pow", ops.POW, lambda a, b: a**b, lambda a, b: a**b, (interval(0.1, 5.0), interval(-3.0, 3.0))),
    OpCase("pow_int", ops.POW, lambda a: a**3, lambda a: a**3, (interval(-5.0, 5.0),)),
    OpCase("pow_half", ops.POW, lambda a: a**0.5, lambda a: a**0.5, (interval(0.05, 50.0),)),
    OpCase("rpow", ops.POW, lambda a: 2.0**a, lambda a: 2.0**a, (interval(-10.0, 10.0),)),
    OpCase("neg", ops.NEG, lambda a: -a, lambda a: -a, (WIDE,)),
    OpCase("abs", ops.ABS, lambda a: abs(a), abs, (away_from_zero(50.0),)),
    OpCase("exp", ops.EXP, lambda a: a.exp(), math.exp, (interval(-20.0, 20.0),)),
    OpCase("log", ops.LOG, lambda a: a.log(), math.log, (interval(1e-2, 1e3),)),
    OpCase("sqrt", ops.SQRT, lambda a: a.sqrt(), math.sqrt, (interval(1e-2, 1e3),)),
    OpCase("tanh", ops.TANH, lambda a: a.tanh(), math.tanh, (interval(-10.0, 10.0),)),
    OpCase("sigmoid", ops.SIGMOID, lambda a: a.sigmoid(), _sigmoid, (interval(-30.0, 30.0),)),
    OpCase("relu", ops.RELU, lambda a: a.relu(), lambda a: max(a, 0.0), (away_from_zero(50.0),)),
    OpCase("leaky_relu", ops.LEAKY, lambda a: a.leaky_relu(0.1), lambda a: a if a > 0 else 0.1 * a,
           (away_from_zero(50.0),), _leaky_torch),
    OpCase("sin", ops.SIN, lambda a: a.sin(), math.sin, (interval(-10.0, 10.0),)),
    OpCase("cos", ops.COS, lambda a: a.cos(), math.cos, (interval(-10.0, 10.0),)),
    OpCase("softplus", ops.SOFTPLUS, lambda a: a.softplus(), lambda a: math.log1p(math.exp(a)),
           (interval(-30.0, 30.0),), _softplus_torch),
]


def central_difference(f: Callable[..., float], xs: list[float], i: int, eps: float = 1e-6) -> float:
    """d f / d xs[i] by central differences, with a step scaled to the size of xs[i]."""
    h = eps * max(1.0, abs(xs[i]))
    up, down = list(xs), list(xs)
    up[i] += h
    down[i] -= h
    return (f(*up) - f(*down)) / (2 * h)
