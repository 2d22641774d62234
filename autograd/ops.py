"""The op table: every primitive's forward rule next to its local derivatives.

An op knows nothing about graphs. ``forward`` maps input numbers to the output number;
``derivatives`` maps the inputs and the output to d(output)/d(input), one per input. The
backward pass (``backward.py``) multiplies these along the graph: that is the chain rule.

Derivative rules are written once and work on plain floats (a normal ``backward()``) and on
Values (``create_graph=True``, where the derivatives are themselves differentiable). So they
use only arithmetic, comparisons and the helpers below, never ``math`` directly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

# ---------------------------------------------------------------- helpers for derivative rules


def number(x: Any) -> float:
    """The plain number behind a float or a Value, for rules that branch on it."""
    return x if type(x) is float else x.data


def exp(x: Any) -> Any:
    """e ** x of a float or a Value (inf past the largest float, as the op)."""
    return _exp(x) if type(x) is float else x.exp()


def power(a: Any, b: Any) -> Any:
    """a ** b of floats or Values (+-inf past the largest float, as the op; Python's ** raises)."""
    return _pow(a, b) if type(a) is float else a**b


def log(x: Any) -> Any:
    """Natural log of a float or a Value."""
    return math.log(x) if type(x) is float else x.log()


def sin(x: Any) -> Any:
    """Sine of a float or a Value."""
    return math.sin(x) if type(x) is float else x.sin()


def cos(x: Any) -> Any:
    """Cosine of a float or a Value."""
    return math.cos(x) if type(x) is float else x.cos()


# ---------------------------------------------------------------- forward rules needing care


def _div(a: float, b: float) -> float:
    if b == 0.0:
        raise ZeroDivisionError(f"division of {a!r} by zero")
    return a / b


def _pow(a: float, b: float) -> float:
    if a == 0.0 and b < 0.0:
        raise ZeroDivisionError(f"0.0 raised to the negative power {b!r}")
    if a < 0.0 and math.isfinite(b) and b != int(b):
        raise ValueError(f"negative base {a!r} raised to the non-integer power {b!r}")
    try:
        return a**b
    except OverflowError:  # IEEE 754 (and PyTorch) say +-inf; Python's float ** raises instead
        return math.copysign(math.inf, a) if b == int(b) and int(b) % 2 else math.inf


def _log(x: float) -> float:
    if x <= 0.0:  # NaN passes through, as in IEEE 754
        raise ValueError(f"logarithm of {x!r} is undefined (needs x > 0)")
    return math.log(x)


def _sqrt(x: float) -> float:
    if x < 0.0:
        raise ValueError(f"square root of {x!r} is undefined (needs x >= 0)")
    return math.sqrt(x)


def _exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:  # e**x beyond the largest float: +inf as in IEEE 754 and PyTorch
        return math.inf


def _sigmoid(x: float) -> float:
    # Two forms so that exp() only ever sees a non-positive argument: no overflow anywhere.
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


# ---------------------------------------------------------------- derivative rules needing care


def _pow_base_derivative(a: Any, b: Any) -> Any:
    # d(a**b)/da = b * a**(b-1). At a = 0 (where a**b needs b >= 0) that has no value for b < 1:
    # the slope is vertical for 0 < b < 1 (PyTorch: inf) and 0 for b = 0, as a**0 is constant.
    if number(a) == 0.0 and number(b) < 1.0:
        return math.inf if number(b) > 0.0 else 0.0
    return b * power(a, b - 1.0)


def _pow_exponent_derivative(a: Any, b: Any, out: Any) -> Any:
    # d(a**b)/db = a**b * ln(a). A negative (or NaN) base has no real logarithm: NaN, as PyTorch.
    # At a = 0 (only b > 0 is defined there) a**b is 0 whatever b is, so the slope is 0.
    if number(a) > 0.0:
        return out * log(a)
    return 0.0 if number(a) == 0.0 and not math.isnan(number(b)) else math.nan


# ---------------------------------------------------------------- the table


@dataclass(frozen=True, slots=True)
class Op:
    """A primitive operation: its name, its forward rule and its local derivative rule.

    ``forward(*inputs) -> output`` works on floats. ``derivatives(*inputs, out)`` returns a tuple
    with d(out)/d(input) for each input, for floats or Values alike. Calling an op on Values or
    numbers records a node, so learners can define new ops the same way the built-ins are:

    >>> cube = Op("cube", lambda x: x**3, lambda x, out: (3.0 * x * x,))
    >>> x = Value(2.0)
    >>> cube(x).backward()
    >>> x.grad
    12.0

    Write ``derivatives`` with arithmetic and the helpers above (``exp``, ``log``, ``sin``,
    ``cos``; ``number`` only to branch): then it also runs on Values, so ``grad(create_graph=True)``
    sees the op's second derivative. ``gradcheck`` and ``check_local_derivatives`` test a new op.

    ``expand``, optional, computes the same output from Values with built-in ops only (no
    branching on data); ``compile`` uses it to write the op out as plain arithmetic.
    """

    name: str
    forward: Callable[..., float]
    derivatives: Callable[..., tuple[Any, ...]]
    expand: Callable[..., Any] | None = None

    def __call__(self, *inputs: Any) -> Any:
        from .value import apply  # deferred: value.py imports this table

        return apply(self, *inputs)

    def __repr__(self) -> str:
        return f"Op({self.name!r})"


# fmt: off
#        name          forward (on floats)                      local derivatives d out / d input
ADD     = Op("+",       lambda a, b: a + b,                      lambda a, b, out: (1.0, 1.0))
SUB     = Op("-",       lambda a, b: a - b,                      lambda a, b, out: (1.0, -1.0))
MUL     = Op("*",       lambda a, b: a * b,                      lambda a, b, out: (b, a))
DIV     = Op("/",       _div,                                    lambda a, b, out: (1.0 / b, -out / b))
POW     = Op("**",      _pow,                                    lambda a, b, out: (_pow_base_derivative(a, b),
                                                                                    _pow_exponent_derivative(a, b, out)))
NEG     = Op("neg",     lambda x: -x,                            lambda x, out: (-1.0,))
ABS     = Op("abs",     abs,                                     lambda x, out: (1.0 if x > 0.0 else -1.0 if x < 0.0 else 0.0,))
EXP     = Op("exp",     _exp,                                    lambda x, out: (out,))
LOG     = Op("log",     _log,                                    lambda x, out: (1.0 / x,))
SQRT    = Op("sqrt",    _sqrt,                                   lambda x, out: (math.inf if number(out) == 0.0 else 0.5 / out,))
TANH    = Op("tanh",    math.tanh,                               lambda x, out: (1.0 - out * out,))
SIGMOID = Op("sigmoid", _sigmoid,                                lambda x, out: (out * (1.0 - out),))
RELU    = Op("relu",    lambda x: 0.0 if x <= 0.0 else x,         lambda x, out: (1.0 if x > 0.0 else 0.0,))
LEAKY   = Op("leaky_relu", lambda x, s: s * x if x <= 0.0 else x, lambda x, s, out: ((1.0, 0.0) if x > 0.0 else (s, x)))
SIN     = Op("sin",     math.sin,                                lambda x, out: (cos(x),))
COS     = Op("cos",     math.cos,                                lambda x, out: (-sin(x),))
# fmt: on

TABLE: tuple[Op, ...] = (ADD, SUB, MUL, DIV, POW, NEG, ABS, EXP, LOG, SQRT, TANH, SIGMOID, RELU, LEAKY, SIN, COS)
