"""The cases the engine checker runs: expressions any micrograd-style engine can compute, grouped in checks.

Each case is built from plain Python (operators and methods on the engine's Values), so the same
code runs on the learner's engine and on chainrule's ``Value``. An op case checks one op at one
point against the op table; the others check how gradients flow: a node used twice, diamonds,
numbers on either side, a deep chain, a second ``backward()``, whole expressions.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from . import ops
from .arguments import choice
from .format import format_number

Build = Callable[..., dict[str, Any]]
DEEP_CHAIN = 10_000
CHECKS = ("basics", "+", "-", "*", "/", "**", "neg", "exp", "log", "tanh", "relu", "sigmoid", "reuse", "order",
          "reflected", "deep", "twice", "expressions")  # fmt: skip
"""The checks, in the report's order: one column each in grading mode."""
PASS, FAIL, MISSING, TIMEOUT, ERROR, SKIPPED = "pass", "fail", "missing", "timeout", "error", "skipped"
FAILING = (FAIL, TIMEOUT, ERROR)
"""What a case can come to; these three fail the check (MISSING does when the check is required)."""


def checks_named(names: Iterable[str] | str, what: str) -> frozenset[str]:
    """Check names given as a list or as ``"tanh,exp"``; a name that is not a check is a ValueError."""
    listed = [name.strip() for name in names.split(",")] if isinstance(names, str) else list(names)
    return frozenset(choice(name, what, CHECKS) for name in listed if name)

Message = tuple[str, dict[str, str]]
"""One sentence of a finding: its key in the message table and the texts it fills in."""


@dataclass(frozen=True)
class Hint:
    """What a failing case tells the learner to look at: a message key, its texts, and whether an error
    (not only wrong numbers) calls for it too."""

    key: str
    params: Mapping[str, str] = field(default_factory=dict)
    on_error: bool = False


@dataclass(frozen=True, eq=False)
class Case:
    """One expression the engine computes; its named nodes' data and gradients are compared with chainrule's.

    ``build`` takes the engine's leaves (made from ``leaves``) and returns the named results in
    forward order, the output last. An op case (``op`` set) checks one op: the leaves are its first
    inputs, ``constants`` the rest, and the expected local derivatives come from the op table.
    """

    check: str
    name: str
    leaves: tuple[tuple[str, float], ...]
    build: Build
    needs: tuple[str, ...] = ()  # attributes the engine must have, else the case is MISSING
    op: ops.Op | None = None
    constants: tuple[tuple[str, float], ...] = ()
    reflected: str = ""  # a number on the left: the method Python calls for it (``__rsub__``)
    counterpart: str = ""  # the case this one relies on: MISSING with it (``2 ** x`` on ``x ** y``)
    refusal_is_missing: bool = False  # an error in the forward pass means the engine lacks this
    backward_calls: int = 1
    chain: int = 0  # a chain of this many ops: a RecursionError is measured, not just reported
    hint: Hint | None = None  # why the first gradient that differs differs
    hints: Mapping[str, Hint] = field(default_factory=dict)  # ... when it is this node's

    @property
    def where(self) -> str:
        """The inputs as the report shows them: ``x = 0.5``, ``x = 2.0, y = 3.0``."""
        return ", ".join(f"{name} = {format_number(x)}" for name, x in self.leaves + self.constants)


# ---------------------------------------------------------------- the cases

FORMULAS: dict[str, tuple[str, ...]] = {  # each op's local derivatives, one per input, as the report writes them
    "+": ("1", "1"), "-": ("1", "−1"), "*": ("b", "a"), "/": ("1/b", "−a/b²"),
    "**": ("y·x^(y−1)", "x^y·ln x"), "neg": ("−1",), "exp": ("exp(x)",), "log": ("1/x",),
    "tanh": ("1 − tanh²",), "relu": ("1 (x > 0), 0 (x ≤ 0)",), "sigmoid": ("σ·(1 − σ)",),
}  # fmt: skip


def _op_cases(check: str, name: str, op: ops.Op, apply: Callable[..., Any], names: str,
              points: Iterable[tuple[float, ...]], needs: tuple[str, ...], constants: int = 0,
              refusal_is_missing: bool = False) -> list[Case]:
    """One case per point: ``apply`` on leaves named ``names`` (the last ``constants`` inputs are numbers)."""
    cases = []
    for point in points:
        count = len(point) - constants
        fixed = point[count:]
        cases.append(Case(
            check, name.format(*fixed), tuple(zip(names, point[:count])),
            lambda *leaves, fixed=fixed: {"out": apply(*leaves, *fixed)}, needs, op,
            tuple(zip(names[count:], fixed)), refusal_is_missing=refusal_is_missing,
        ))  # fmt: skip
    return cases


def chain(x: Any, length: int) -> dict[str, Any]:
    """x + 1 + 1 + ...: ``length`` ops, each using the one before."""
    for _ in range(length):
        x = x + 1.0
    return {"out": x}


def _micrograd_readme(a: Any, b: Any) -> dict[str, Any]:
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    return {"c": c, "d": d, "e": e, "f": f, "g": g}


def _tanh_neuron(x1: Any, x2: Any, w1: Any, w2: Any, b: Any) -> dict[str, Any]:
    x1w1, x2w2 = x1 * w1, x2 * w2
    n = x1w1 + x2w2 + b
    return {"x1*w1": x1w1, "x2*w2": x2w2, "n": n, "o": n.tanh()}


MLP_SAMPLES = (((1.0, 2.0), 1.0), ((-1.5, 0.5), -1.0))


def _mlp_loss(*parameters: Any) -> dict[str, Any]:
    """A 2-3-1 MLP with ReLU hidden units, half the squared error over two samples."""
    w, b, v, c = [parameters[0:2], parameters[2:4], parameters[4:6]], parameters[6:9], parameters[9:12], parameters[12]
    named: dict[str, Any] = {}
    loss: Any = 0.0
    for s, (x, y) in enumerate(MLP_SAMPLES, start=1):
        h = [(w[j][0] * x[0] + w[j][1] * x[1] + b[j]).relu() for j in range(3)]
        out = v[0] * h[0] + v[1] * h[1] + v[2] * h[2] + c
        named |= {f"h{j + 1} ({s})": h[j] for j in range(3)} | {f"out ({s})": out}
        loss = (out - y) ** 2 * 0.5 + loss
    return named | {"loss": loss}


def _square_twice(a: Any) -> dict[str, Any]:
    b = a * a
    return {"b": b, "c": b + b}


def _diamond(x: Any, y: Any) -> dict[str, Any]:
    a = x * y
    b, c = a + 1.0, a * 3.0
    return {"a": a, "b": b, "c": c, "out": b * c}


def _uneven_diamond(x: Any, y: Any) -> dict[str, Any]:
    """``a`` reaches the output in one step and in three: visiting nodes breadth-first passes it on too early."""
    a = x * y
    b = a + 1.0
    c = b * 2.0
    return {"a": a, "b": b, "c": c, "out": c * a}


def _twice(w: Any) -> dict[str, Any]:
    h = w * w
    return {"h": h, "loss": h * 2.0}


def _cases() -> list[Case]:
    binary = [(2.0, -3.0), (-0.5, 0.25), (0.0, 5.0)]
    reuse, order = Hint("hint_accumulate"), {name: Hint("hint_order", {"shared": "a"}) for name in "xy"}
    expression = Hint("hint_expression")
    cases = [Case("basics", "a + b", (("a", 2.0), ("b", -3.0)), lambda a, b: {"out": a + b}, hint=expression)]
    cases += _op_cases("+", "a + b", ops.ADD, operator.add, "ab", binary, ("__add__",))
    cases += _op_cases("-", "a - b", ops.SUB, operator.sub, "ab", binary, ("__sub__",))
    cases += _op_cases("*", "a * b", ops.MUL, operator.mul, "ab", binary, ("__mul__",))
    cases += _op_cases("/", "a / b", ops.DIV, operator.truediv, "ab", [(3.0, 2.0), (1.0, -4.0)], ("__truediv__",))
    cases += _op_cases("**", "x ** {0:g}", ops.POW, operator.pow, "xy", [(2.0, 3.0), (-1.5, 2.0), (4.0, 0.5),
                       (4.0, -1.0)], ("__pow__",), constants=1)
    cases += _op_cases("**", "x ** y", ops.POW, operator.pow, "xy", [(2.0, 3.0), (0.5, -2.0)], ("__pow__",),
                       refusal_is_missing=True)
    cases += _op_cases("neg", "-x", ops.NEG, operator.neg, "x", [(2.0,), (-0.5,)], ("__neg__",))
    for method, op, points in [("exp", ops.EXP, [0.5, -10.0, 10.0]), ("log", ops.LOG, [0.5, 3.0, 1e-6]),
                               ("tanh", ops.TANH, [0.5, -2.0, 10.0, 400.0]), ("relu", ops.RELU, [2.0, -1.0, 0.0]),
                               ("sigmoid", ops.SIGMOID, [0.0, 3.0, -800.0])]:
        cases += _op_cases(method, f"x.{method}()", op, operator.methodcaller(method), "x",
                           [(x,) for x in points], (method,))
    cases += [
        Case("reuse", "a + a", (("a", 3.0),), lambda a: {"out": a + a}, hint=reuse),
        Case("reuse", "a * a", (("a", 3.0),), lambda a: {"out": a * a}, hint=reuse),
        Case("reuse", "b = a * a; c = b + b", (("a", 3.0),), _square_twice, hint=reuse,
             hints={"a": Hint("hint_order", {"shared": "b"})}),
        Case("order", "a = x * y; out = (a + 1) * (a * 3)", (("x", 2.0), ("y", -1.5)), _diamond,
             hint=reuse, hints=order),
        Case("order", "a = x * y; out = ((a + 1) * 2) * a", (("x", 2.0), ("y", -1.5)), _uneven_diamond,
             hint=reuse, hints=order),
    ]
    for symbol, method in [("+", "__add__"), ("-", "__sub__"), ("*", "__mul__"), ("/", "__truediv__"),
                           ("**", "__pow__")]:
        apply, reflected = getattr(operator, method), method.replace("__", "__r", 1)
        right = Hint("hint_number_right", {"method": method}, on_error=True)
        left = Hint("hint_number_left", {"method": reflected, "symbol": symbol}, on_error=True)
        cases += [
            Case("reflected", f"x {symbol} 2", (("x", 3.0),), lambda x, apply=apply: {"out": apply(x, 2.0)},
                 (method,), hint=right),
            Case("reflected", f"2 {symbol} x", (("x", 3.0),), lambda x, apply=apply: {"out": apply(2.0, x)},
                 (method,), reflected=reflected, counterpart="x ** y" if symbol == "**" else "", hint=left),
        ]
    leaves = ["w1.1", "w1.2", "w2.1", "w2.2", "w3.1", "w3.2", "b1", "b2", "b3", "v1", "v2", "v3", "c"]
    values = [0.5, 1.0, 1.5, 0.3, -0.7, 0.8, 0.1, -0.2, 0.05, 1.2, -0.6, 0.9, 0.3]
    cases += [
        Case("deep", f"x + 1 + 1 + … ({DEEP_CHAIN:,} ops)", (("x", 0.5),), partial(chain, length=DEEP_CHAIN),
             chain=DEEP_CHAIN, hint=expression),
        Case("twice", "h = w * w; loss = h * 2", (("w", 3.0),), _twice, backward_calls=2, hint=reuse),
        Case("expressions", "micrograd README (g)", (("a", -4.0), ("b", 2.0)), _micrograd_readme,
             ("relu", "__truediv__", "__rtruediv__", "__pow__", "__sub__", "__neg__", "__radd__", "__rmul__"),
             hint=expression),
        Case("expressions", "tanh(x1*w1 + x2*w2 + b)", (("x1", 2.0), ("x2", 0.0), ("w1", -3.0), ("w2", 1.0),
             ("b", 6.8813735870195432)), _tanh_neuron, ("tanh",), hint=expression),
        Case("expressions", "MLP 2-3-1 ReLU, ½ Σ (out − y)²", tuple(zip(leaves, values)), _mlp_loss,
             ("relu", "__sub__", "__pow__"), hint=expression),
    ]
    return cases


CASES: tuple[Case, ...] = tuple(_cases())


