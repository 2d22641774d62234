"""Numbers and node names as people read them, shared by the drawings, the player and explain()."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from .arguments import whole_number
from .value import Value


def format_number(x: Any, precision: int = 4) -> str:
    """``x`` with ``precision`` significant digits, switching to exponent form for tiny and huge values.

    Unlike a fixed number of decimals, a gradient of 3e-7 shows as ``3e-7``, never ``0.0000``.
    Whole numbers keep a ``.0`` so floats look like floats: ``2.0``, ``-0.5``, ``1.235e5``.
    A Value (a gradient built with ``create_graph=True``) shows its data.
    """
    if isinstance(x, Value):
        x = x.data
    precision = whole_number(precision, "format_number: precision")
    x = float(x)
    if not math.isfinite(x):
        return repr(x)  # 'nan', 'inf', '-inf'
    text = f"{x:.{precision}g}"
    mantissa, _, exponent = text.partition("e")
    if "." not in mantissa:
        mantissa += ".0"
    if not exponent:
        return mantissa
    return f"{mantissa.removesuffix('.0')}e{int(exponent)}"


def node_names(order: list[Value], root: Value) -> dict[Value, str]:
    """A name for every node: its label, ``L`` for an unlabelled root, else ``v`` and its position.

    The position is the node's index in ``order`` (the drawing's node ids use the same index),
    so a sentence like ``dL/dv3`` points at the node drawn as ``v3``.
    """
    return {node: node.label or ("L" if node is root else f"v{index}") for index, node in enumerate(order)}


def local_derivative(node: Value, index: int, local: float, names: Mapping[Value, str], precision: int = 4) -> str:
    """``∂a/∂z = 1 − a² = 0.5``: the local derivative of ``node`` by its input ``index``, by its rule and value.

    The rule is the op's ``notation`` in the nodes' ``names`` (an unlabelled constant by its value);
    an op without notation, or a rule that is a bare number, shows ``∂a/∂z = 0.5``.
    """
    assert node.op is not None  # only an op's result has local derivatives
    symbol = f"∂{names[node]}/∂{names[node.children[index]]}"
    value = format_number(local, precision)
    inputs = [
        format_number(child.data, precision) if child.op is None and not child.label else names[child]
        for child in node.children
    ]
    rule = node.op.written(index, inputs, names[node])
    if rule is None or _is_number(rule):
        return f"{symbol} = {value}"
    return f"{symbol} = {rule} = {value}"


def _is_number(text: str) -> bool:
    try:
        float(text.replace("−", "-"))
    except ValueError:
        return False
    return True
