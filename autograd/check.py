"""Checking derivatives numerically: analytic gradients against central differences.

``gradcheck`` and ``gradgradcheck`` test a whole function of scalars (first and second order);
``check_local_derivatives`` tests every op in a graph on its own, to find the one whose
derivative rule is wrong (the usual suspect: an op a learner defined).

A derivative passes when ``|analytic - numeric| <= atol + rtol * |numeric|``, as in PyTorch's
``gradcheck``; the numeric one is ``(f(x + eps) - f(x - eps)) / (2 eps)``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from . import func
from .arguments import number, real
from .backward import topological_order
from .floats import as_float
from .language import columns, resolve, text
from .mode import no_grad
from .ops import Op
from .value import Value

Row = tuple[str, float, float]  # the input(s) differentiated by, analytic, numeric


def gradcheck(
    f: Callable[..., Any],
    inputs: Any,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    lang: str | None = None,
) -> bool:
    """True when ``f``'s gradient at ``inputs`` (numbers or Values) matches central differences.

    Otherwise raises an AssertionError whose message is a table of every partial derivative,
    the worst one marked; with ``raise_exception=False`` returns False instead. The title stays
    English (it is an exception); the table is in ``lang`` (default: ``autograd.set_language``'s).
    """
    _check_settings("gradcheck", eps, atol, rtol)
    lang = resolve(lang)
    xs = _point(inputs, "gradcheck")
    names = func.parameter_names(f, len(xs))
    analytic = func.grad(f, argnums=tuple(range(len(xs))))(*xs)
    rows = [(name, number(a), _central_difference(lambda *p: number(f(*map(Value, p))), xs, i, eps))
            for i, (name, a) in enumerate(zip(names, analytic))]
    title = f"gradcheck: the gradient of {_name(f)} at {_where(names, xs)} differs from central differences"
    return _verdict(title, rows, atol, rtol, eps, raise_exception, lang)


def gradgradcheck(
    f: Callable[..., Any],
    inputs: Any,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    lang: str | None = None,
) -> bool:
    """Like ``gradcheck`` for second derivatives: the Hessian against differences of the gradient."""
    _check_settings("gradgradcheck", eps, atol, rtol)
    lang = resolve(lang)
    xs = _point(inputs, "gradgradcheck")
    names = func.parameter_names(f, len(xs))
    analytic = func.hessian(f)(*xs)
    gradient = func.grad(f, argnums=tuple(range(len(xs))))
    columns = [_central_difference(lambda *p: [number(g) for g in gradient(*p)], xs, j, eps)
               for j in range(len(xs))]
    rows = [(f"{names[i]}, {names[j]}", number(analytic[i][j]), columns[j][i])
            for i in range(len(xs)) for j in range(len(xs))]
    title = (f"gradgradcheck: the second derivatives of {_name(f)} at {_where(names, xs)} differ from "
             "central differences of its gradient")
    return _verdict(title, rows, atol, rtol, eps, raise_exception, lang)


def check_local_derivatives(
    root: Value,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    lang: str | None = None,
) -> bool:
    """True when every op node in ``root``'s graph has local derivatives matching its forward rule.

    Each node's ``op.derivatives`` at the node's inputs is compared with central differences of
    ``op.forward``; the first wrong node in forward order is reported by label and op name.
    Inputs where that cannot be decided are skipped: non-finite numbers, a step that leaves the
    forward rule's domain (``sqrt`` at 0), and kinks, where the two one-sided slopes differ.
    """
    if not isinstance(root, Value):
        raise TypeError(f"check_local_derivatives: root must be a Value, got {type(root).__name__} {root!r}")
    _check_settings("check_local_derivatives", eps, atol, rtol)
    lang = resolve(lang)
    for node in topological_order([root]):
        xs = [child.data for child in node.children]
        if node.op is None or not all(math.isfinite(x) for x in [*xs, node.data]):
            continue
        names = [child.label or f"{text('check.input', lang)} {i}" for i, child in enumerate(node.children)]
        rows = _local_rows(node.op, xs, node.data, names, eps, atol, rtol)
        if not all(_close(a, n, atol, rtol) for _, a, n in rows):
            where = f"'{node.label}'" if node.label else "(unlabelled)"
            title = (f"check_local_derivatives: the derivative rule of op {node.op.name!r} is wrong "
                     f"at node {where} (inputs {_where(names, xs)})")
            return _verdict(title, rows, atol, rtol, eps, raise_exception, lang)
    return True


def _local_rows(op: Op, xs: list[float], out: float, names: list[str], eps: float, atol: float,
                rtol: float) -> list[Row]:
    """One row per input of one node where its derivative can be checked: name, analytic, numeric."""
    analytic = [as_float(a, f"derivative rule of {op.name!r}") for a in op.derivatives(*xs, out)]
    if len(analytic) != len(xs):
        raise ValueError(f"{op.name!r}: derivative rule gave {len(analytic)} values for {len(xs)} inputs")
    rows = []
    for i, (name, a) in enumerate(zip(names, analytic)):
        try:
            low, high = _either_side(op.forward, xs, i, eps)
        except (ArithmeticError, ValueError):
            continue  # a step leaves the domain of the forward rule (sqrt at 0)
        numeric = (high - low) / (2 * eps)
        one_sided_agree = _close((high - out) / eps, (out - low) / eps, atol, rtol)
        if not (_close(a, numeric, atol, rtol) or one_sided_agree):
            continue  # a kink: the slopes on the two sides differ, so there is no derivative to check
        rows.append((name, a, numeric))
    return rows


def _check_settings(check: str, eps: float, atol: float, rtol: float) -> None:
    """The step must be a positive number and the tolerances non-negative ones."""
    real(eps, f"{check}: eps", low=0.0, low_open=True)
    real(atol, f"{check}: atol", low=0.0)
    real(rtol, f"{check}: rtol", low=0.0)


def _point(inputs: Any, check: str) -> list[float]:
    """The inputs as a list of floats: one number or Value, or a sequence of them."""
    items = inputs if isinstance(inputs, (list, tuple)) else [inputs]
    if not items:
        raise ValueError(f"{check}: inputs is empty; give the point to check, e.g. [0.5, 2.0]")
    return [number(x, f"{check}: input {i}") for i, x in enumerate(items)]


def _central_difference(f: Callable[..., Any], xs: list[float], i: int, eps: float) -> Any:
    """(f(x + eps e_i) - f(x - eps e_i)) / (2 eps), for f returning a number or a list of numbers."""
    low, high = _either_side(f, xs, i, eps)
    if isinstance(high, list):
        return [(h - l) / (2 * eps) for h, l in zip(high, low)]
    return (high - low) / (2 * eps)


def _either_side(f: Callable[..., Any], xs: list[float], i: int, eps: float) -> tuple[Any, Any]:
    """f one step below and one step above ``xs`` in input ``i``, recording no graph."""
    down, up = list(xs), list(xs)
    down[i] -= eps
    up[i] += eps
    with no_grad():
        return f(*down), f(*up)


def _name(f: Callable[..., Any]) -> str:
    return getattr(f, "__name__", repr(f))


def _where(names: Sequence[str], xs: Sequence[float]) -> str:
    return ", ".join(f"{name}={x!r}" for name, x in zip(names, xs))


def _close(analytic: float, numeric: float, atol: float, rtol: float) -> bool:
    return abs(analytic - numeric) <= atol + rtol * abs(numeric)


def _verdict(
    title: str, rows: list[Row], atol: float, rtol: float, eps: float, raise_exception: bool, lang: str
) -> bool:
    """True when every row is close; else False or an AssertionError with the table."""
    if all(_close(a, n, atol, rtol) for _, a, n in rows):
        return True
    if not raise_exception:
        return False
    raise AssertionError(_table(title, rows, atol, rtol, eps, lang))


def _table(title: str, rows: list[Row], atol: float, rtol: float, eps: float, lang: str) -> str:
    """The rows as aligned columns, failing rows marked, the worst one (most over tolerance) named.

    The title stays English, as exceptions do; the table and its rule are in ``lang``.
    """

    def excess(row: Row) -> tuple[float, float]:  # error over allowance, then error; NaN is the worst
        _, a, n = row
        error, allowance = abs(a - n), atol + rtol * abs(n)
        if math.isnan(error):
            return math.inf, math.inf
        if allowance == 0.0:
            return (math.inf if error > 0.0 else 0.0), error
        return error / allowance, error

    worst = max(rows, key=excess)
    header = (*(text(f"check.{key}", lang) for key in ("input", "analytic", "numeric", "abs_err", "rel_err")), "")
    lines = [header]
    for row in rows:
        label, a, n = row
        error = abs(a - n)
        relative = error / abs(n) if n != 0.0 else (0.0 if error == 0.0 else math.inf)
        failing = not _close(a, n, atol, rtol)
        mark = text("check.worst", lang) if row is worst else (text("check.fails", lang) if failing else "")
        lines.append((label, f"{a:.10g}", f"{n:.10g}", f"{error:.3g}", f"{relative:.3g}", mark))
    widths = [max(columns(line[k]) for line in lines) for k in range(len(header))]
    table = ["  ".join(cell + " " * (w - columns(cell)) for cell, w in zip(line, widths)).rstrip() for line in lines]
    rule = text("check.rule", lang, settings=f"{atol=}, {rtol=}, {eps=}")
    return "\n".join([title, *table, rule])
