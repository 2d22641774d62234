"""The op table: every primitive's forward rule next to its local derivatives, and how it is written as code.

An op knows nothing about graphs. ``forward`` maps input numbers to the output number;
``derivatives`` maps the inputs and the output to d(output)/d(input), one per input. The
backward pass (``backward.py``) multiplies these along the graph: that is the chain rule.

Derivative rules are written once and work on plain floats (a normal ``backward()``) and on
Values (``create_graph=True``, where the derivatives are themselves differentiable). So they
use only arithmetic, comparisons and the helpers below, never ``math`` directly.

Each built-in op also says how ``compile`` writes it out (its ``Code``): the same rules as Python
expressions, with the functions they call bound once for floats and once for NumPy arrays.
Adding a built-in op is one row here, its ``Value`` method, and its test case.
"""

from __future__ import annotations

import math
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from numbers import Real
from types import ModuleType
from typing import Any, Literal

from .floats import number

# ---------------------------------------------------------------- helpers for derivative rules


def exp(x: Any) -> Any:
    """e ** x of a float or a Value (inf past the largest float, as the op)."""
    return _exp(x) if type(x) is float else _number_or_value(x, _exp, "exp")


def power(a: Any, b: Any) -> Any:
    """a ** b of floats or Values (+-inf past the largest float, as the op; Python's ** raises)."""
    return _pow(a, b) if type(a) is float else _pow(number(a), number(b)) if isinstance(a, Real) else a**b


def log(x: Any) -> Any:
    """Natural log of a float or a Value."""
    return math.log(x) if type(x) is float else _number_or_value(x, math.log, "log")


def sin(x: Any) -> Any:
    """Sine of a float or a Value."""
    return math.sin(x) if type(x) is float else _number_or_value(x, math.sin, "sin")


def cos(x: Any) -> Any:
    """Cosine of a float or a Value."""
    return math.cos(x) if type(x) is float else _number_or_value(x, math.cos, "cos")


def sigmoid(x: Any) -> Any:
    """1 / (1 + e^-x) of a float or a Value, never overflowing."""
    return _sigmoid(x) if type(x) is float else _number_or_value(x, _sigmoid, "sigmoid")


def _number_or_value(x: Any, on_number: Callable[[float], float], method: str) -> Any:
    """For a real number that is not exactly a float (a NumPy float64 or a Fraction put in ``.data``):
    ``on_number(float(x))``; for a Value: its own op, so that the rule stays differentiable."""
    return on_number(float(x)) if isinstance(x, Real) else getattr(x, method)()


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
        result: float = a**b  # never complex: the negative base with a fraction is refused above
        return result
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


def _softplus(x: float) -> float:
    # log(1 + e^x) = max(x, 0) + log(1 + e^-|x|): exp() never overflows, log1p keeps tiny terms.
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def _relu(x: float) -> float:
    return 0.0 if x <= 0.0 else x  # NaN stays NaN (max(0.0, x) would give 0.0), -0.0 becomes 0.0


def _leaky_relu(x: float, slope: float) -> float:
    return slope * x if x <= 0.0 else x


# ---------------------------------------------------------------- derivative rules needing care


def _sign(x: Any) -> float:
    # d|x|/dx: 1 or -1; at the kink 0 (and for NaN) 0, as PyTorch.
    return 1.0 if x > 0.0 else -1.0 if x < 0.0 else 0.0


def _sqrt_derivative(out: Any) -> Any:
    # d sqrt(x)/dx = 0.5 / sqrt(x): a vertical slope (inf) at 0.
    return math.inf if number(out) == 0.0 else 0.5 / out


def _leaky_relu_slope(x: Any, slope: Any) -> Any:
    return 1.0 if x > 0.0 else slope


def _leaky_relu_slope_derivative(x: Any) -> Any:
    # d(leaky_relu(x, s))/ds: x where x <= 0, else 0.
    return 0.0 if x > 0.0 else x


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




# ---------------------------------------------------------------- the same rules on NumPy arrays, for compile
# Each mirrors its float rule case for case (a test checks that they agree). np.where computes
# both branches, so the warnings of the side not taken (0.5 / 0, log of a negative) are silenced.


def _sigmoid_on_arrays(np: ModuleType) -> Callable[[Any], Any]:
    def sigmoid(x: Any) -> Any:
        e = np.exp(-np.abs(x))  # never overflows; the same two forms as _sigmoid
        return np.where(x >= 0.0, 1.0, e) / (1.0 + e)

    return sigmoid


def _softplus_on_arrays(np: ModuleType) -> Callable[[Any], Any]:
    return lambda x: np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


def _relu_on_arrays(np: ModuleType) -> Callable[[Any], Any]:
    return lambda x: np.where(x <= 0.0, 0.0, x)  # as _relu: NaN stays NaN, -0.0 becomes 0.0


def _sign_on_arrays(np: ModuleType) -> Callable[[Any], Any]:
    return lambda x: np.where(x > 0.0, 1.0, np.where(x < 0.0, -1.0, 0.0))


def _sqrt_derivative_on_arrays(np: ModuleType) -> Callable[[Any], Any]:
    def sqrt_derivative(out: Any) -> Any:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(out == 0.0, math.inf, np.divide(0.5, out))

    return sqrt_derivative


def _pow_base_derivative_on_arrays(np: ModuleType) -> Callable[[Any, Any], Any]:
    def pow_base_derivative(a: Any, b: Any) -> Any:
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            general = np.multiply(b, np.power(a, np.subtract(b, 1.0)))
        vertical = np.where(np.greater(b, 0.0), math.inf, 0.0)
        return np.where(np.equal(a, 0.0) & np.less(b, 1.0), vertical, general)

    return pow_base_derivative


def _pow_exponent_derivative_on_arrays(np: ModuleType) -> Callable[[Any, Any, Any], Any]:
    def pow_exponent_derivative(a: Any, b: Any, out: Any) -> Any:
        with np.errstate(divide="ignore", invalid="ignore"):
            slope = np.multiply(out, np.log(a))
        flat = np.where(np.isnan(b), math.nan, 0.0)
        return np.where(np.greater(a, 0.0), slope, np.where(np.equal(a, 0.0), flat, math.nan))

    return pow_exponent_derivative


def _leaky_relu_on_arrays(np: ModuleType) -> Callable[[Any, Any], Any]:
    return lambda x, slope: np.where(np.less_equal(x, 0.0), np.multiply(slope, x), x)


def _leaky_relu_slope_on_arrays(np: ModuleType) -> Callable[[Any, Any], Any]:
    return lambda x, slope: np.where(np.greater(x, 0.0), 1.0, slope)


def _leaky_relu_slope_derivative_on_arrays(np: ModuleType) -> Callable[[Any], Any]:
    return lambda x: np.where(np.greater(x, 0.0), 0.0, x)


def _same_on_arrays(function: Callable[..., Any]) -> Callable[[ModuleType], Callable[..., Any]]:
    """For a function that already works on arrays as on floats (``abs``)."""
    return lambda np: function


# ---------------------------------------------------------------- the table

Binding = tuple[Callable[..., Any], "str | Callable[[ModuleType], Callable[..., Any]]"]
"""A function generated code calls: its float version, and its NumPy version (a numpy attribute's
name, or a function that builds it from the numpy module)."""


class Code:
    """An op as Python source for ``compile``: its output and each local derivative as an expression.

    ``{0}``, ``{1}`` stand for the inputs and ``{out}`` for the output, e.g.
    ``Code("tanh({0})", "(1.0 - {out} * {out})", tanh=(math.tanh, "tanh"))``. Each keyword binds a
    function the expressions call, for floats and for NumPy arrays, so one program runs on both.

    ``matmul`` is the op's part in a matrix product, for compile's NumPy batches: "sum" for an
    addition whose chains may be summed in any order, "product" for a multiplication. A layer's
    sums of products (b + w1*x1 + ... + wn*xn, one per neuron) then become one ``X @ W.T + b``.
    """

    __slots__ = ("calls", "derivatives", "forward", "matmul")

    def __init__(self, forward: str, *derivatives: str, matmul: Literal["sum", "product"] | None = None,
                 **calls: Binding) -> None:
        self.forward, self.derivatives, self.matmul, self.calls = forward, derivatives, matmul, calls


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
    ``cos``, ``sigmoid``; ``number`` only to branch): then it also runs on Values, so
    ``grad(create_graph=True)`` sees the op's second derivative. ``gradcheck`` and
    ``check_local_derivatives`` test a new op.

    ``expand``, optional, computes the same output from Values with built-in ops only (no
    branching on data); ``compile`` uses it to write the op out as plain arithmetic. ``code``,
    optional, is the op written as Python (see ``Code``); ``compile`` calls an op without it by
    reference, which on NumPy batches runs at Python speed, one element at a time.

    ``notation``, optional, is each local derivative as people write it, one formula per input,
    with ``{0}``, ``{1}`` for the inputs and ``{out}`` for the output: tanh's is ``("1 − {out}²",)``.
    The player and ``explain`` show it next to the number; without it they show ``∂out/∂in`` alone.
    """

    name: str
    forward: Callable[..., float]
    derivatives: Callable[..., tuple[Any, ...]]
    expand: Callable[..., Any] | None = None
    code: Code | None = None
    notation: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if self.notation is None:
            return
        if not isinstance(self.notation, tuple) or not all(isinstance(rule, str) for rule in self.notation):
            raise TypeError(f"Op {self.name!r}: notation must be a tuple of str, got {self.notation!r}")
        for rule in self.notation:
            fields = {field for _, field, _, _ in string.Formatter().parse(rule) if field is not None}
            if not all(field == "out" or field.isdigit() for field in fields):
                raise ValueError(
                    f"Op {self.name!r}: notation {rule!r} may name only the inputs {{0}}, {{1}}, ... and {{out}}"
                )

    def written(self, index: int, inputs: Sequence[str], out: str) -> str | None:
        """The local derivative by input ``index`` as people write it, in the names given (None: no notation)."""
        if self.notation is None or index >= len(self.notation):
            return None
        return self.notation[index].format(*inputs, out=out)

    def __call__(self, *inputs: Any) -> Any:
        from .value import apply  # deferred: value.py imports this table

        return apply(self, *inputs)

    def __repr__(self) -> str:
        return f"Op({self.name!r})"


POWER = (_pow, "power")
SIN_CALL, COS_CALL = (math.sin, "sin"), (math.cos, "cos")
SIGMOID_CALL = (_sigmoid, _sigmoid_on_arrays)

# fmt: off
# Each row: the op's name, forward rule and local derivatives (d out / d input, one per input);
# below it, the same as code for compile: the forward expression, each derivative, the functions called;
# last, the derivatives as people write them, for the player and explain.
ADD     = Op("+",       lambda a, b: a + b,      lambda a, b, out: (1.0, 1.0),
             code=Code("{0} + {1}",              "1.0", "1.0", matmul="sum"),
             notation=("1", "1"))
SUB     = Op("-",       lambda a, b: a - b,      lambda a, b, out: (1.0, -1.0),
             code=Code("{0} - {1}",              "1.0", "-1.0"),
             notation=("1", "−1"))
MUL     = Op("*",       lambda a, b: a * b,      lambda a, b, out: (b, a),
             code=Code("{0} * {1}",              "{1}", "{0}", matmul="product"),
             notation=("{1}", "{0}"))
DIV     = Op("/",       _div,                    lambda a, b, out: (1.0 / b, -out / b),
             code=Code("{0} / {1}",              "(1.0 / {1})", "(-{out} / {1})"),
             notation=("1/{1}", "−{out}/{1}"))
POW     = Op("**",      _pow,                    lambda a, b, out: (_pow_base_derivative(a, b),
                                                                    _pow_exponent_derivative(a, b, out)),
             code=Code("power({0}, {1})",        "pow_da({0}, {1})", "pow_db({0}, {1}, {out})", power=POWER,
                       pow_da=(_pow_base_derivative, _pow_base_derivative_on_arrays),
                       pow_db=(_pow_exponent_derivative, _pow_exponent_derivative_on_arrays)),
             notation=("{1}·{0}^({1} − 1)", "{out}·ln {0}"))
NEG     = Op("neg",     lambda x: -x,            lambda x, out: (-1.0,),
             code=Code("-{0}",                   "-1.0"),
             notation=("−1",))
ABS     = Op("abs",     abs,                     lambda x, out: (_sign(x),),
             code=Code("abs({0})",               "abs_dx({0})", abs=(abs, _same_on_arrays(abs)),
                       abs_dx=(_sign, _sign_on_arrays)),
             notation=("sign({0})",))
EXP     = Op("exp",     _exp,                    lambda x, out: (out,),
             code=Code("exp({0})",               "{out}", exp=(_exp, "exp")),
             notation=("{out}",))
LOG     = Op("log",     _log,                    lambda x, out: (1.0 / x,),
             code=Code("log({0})",               "(1.0 / {0})", log=(_log, "log")),
             notation=("1/{0}",))
SQRT    = Op("sqrt",    _sqrt,                   lambda x, out: (_sqrt_derivative(out),),
             code=Code("sqrt({0})",              "sqrt_dx({out})", sqrt=(_sqrt, "sqrt"),
                       sqrt_dx=(_sqrt_derivative, _sqrt_derivative_on_arrays)),
             notation=("1/(2·{out})",))
TANH    = Op("tanh",    math.tanh,               lambda x, out: (1.0 - out * out,),
             code=Code("tanh({0})",              "(1.0 - {out} * {out})", tanh=(math.tanh, "tanh")),
             notation=("1 − {out}²",))
SIGMOID = Op("sigmoid", _sigmoid,                lambda x, out: (out * (1.0 - out),),
             code=Code("sigmoid({0})",           "({out} * (1.0 - {out}))", sigmoid=SIGMOID_CALL),
             notation=("{out}·(1 − {out})",))
# relu's code is its own rule, relu(z): +0.0 for -0.0 and NaN kept, as eager (max(z, 0.0) keeps -0.0).
# The Python call measured 5-16 % faster than the builtin max in compiled MLPs (loop over 100 points).
RELU    = Op("relu",    _relu,                   lambda x, out: (1.0 if x > 0.0 else 0.0,),
             code=Code("relu({0})",              "({0} > 0.0)", relu=(_relu, _relu_on_arrays)),
             notation=("1 if {0} > 0, else 0",))
LEAKY   = Op("leaky_relu", _leaky_relu,          lambda x, s, out: (_leaky_relu_slope(x, s),
                                                                    _leaky_relu_slope_derivative(x)),
             code=Code("leaky_relu({0}, {1})",   "leaky_relu_dx({0}, {1})", "leaky_relu_ds({0})",
                       leaky_relu=(_leaky_relu, _leaky_relu_on_arrays),
                       leaky_relu_dx=(_leaky_relu_slope, _leaky_relu_slope_on_arrays),
                       leaky_relu_ds=(_leaky_relu_slope_derivative, _leaky_relu_slope_derivative_on_arrays)),
             notation=("1 if {0} > 0, else {1}", "0 if {0} > 0, else {0}"))
SIN     = Op("sin",     math.sin,                lambda x, out: (cos(x),),
             code=Code("sin({0})",               "cos({0})", sin=SIN_CALL, cos=COS_CALL),
             notation=("cos {0}",))
COS     = Op("cos",     math.cos,                lambda x, out: (-sin(x),),
             code=Code("cos({0})",               "(-sin({0}))", sin=SIN_CALL, cos=COS_CALL),
             notation=("−sin {0}",))
SOFTPLUS = Op("softplus", _softplus,             lambda x, out: (sigmoid(x),),
             code=Code("softplus({0})",          "sigmoid({0})", softplus=(_softplus, _softplus_on_arrays),
                       sigmoid=SIGMOID_CALL),
             notation=("σ({0})",))
# fmt: on

TABLE: tuple[Op, ...] = (ADD, SUB, MUL, DIV, POW, NEG, ABS, EXP, LOG, SQRT, TANH, SIGMOID, RELU, LEAKY, SIN, COS,
                         SOFTPLUS)
