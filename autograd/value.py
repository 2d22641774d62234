"""The node of the graph: a Value holds one number, its gradient, and how it was made."""

from __future__ import annotations

from typing import Any

from . import ops
from .floats import as_float, number
from .messages import shown, shown_object
from .mode import _recording


class Value:
    """One scalar in a computation graph.

    ``data`` is the number, ``grad`` is d(root)/d(self) after ``backward()``, ``op`` is the Op
    that made it (None for a leaf) and ``children`` are its inputs, in order. Values compare by
    identity, so they work in sets and as dict keys; ``<``, ``<=``, ``>``, ``>=`` compare data, and
    ``bool(v)`` is the truth of the number, as for a PyTorch scalar.
    """

    __slots__ = ("_label", "children", "data", "grad", "op")
    __array_ufunc__ = None  # NumPy defers to us: `array * v` refuses as `v * array` does, no object arrays

    def __init__(self, data: Any, label: str = "") -> None:
        self.data = as_float(data)
        self.grad: float | Value = 0.0  # a Value after backward(create_graph=True)
        self._label = label if type(label) is str else _bad_label(label)
        self.op: ops.Op | None = None
        self.children: tuple[Value, ...] = ()

    @property
    def label(self) -> str:
        """The name shown in drawings, messages and compiled code ("" for none)."""
        return self._label

    @label.setter
    def label(self, label: str) -> None:
        self._label = label if type(label) is str else _bad_label(label)

    def __repr__(self) -> str:
        label = f"label='{shown(self.label)}', " if self.label else ""
        return f"Value({label}data={self.data!r}, grad={shown_object(self.grad)})"

    def __bool__(self) -> bool:
        return bool(self.data)

    def item(self) -> float:
        """The number, as in PyTorch's ``tensor.item()``."""
        return self.data

    def detach(self) -> Value:
        """A new leaf with the same data and label and no history."""
        return Value(self.data, self.label)

    def backward(self, gradient: Any = 1.0, create_graph: bool = False) -> None:
        """Fill in ``grad`` for every node this Value depends on (the chain rule, in reverse).

        Leaf gradients accumulate across calls until zeroed; interior gradients are recomputed
        from zero each call. With ``create_graph=True`` the gradients are Values you can
        differentiate again (this links each leaf to its gradient's graph: a reference cycle).
        """
        from .backward import backward  # deferred: backward.py imports Value

        backward(self, gradient, create_graph)

    # arithmetic: each operator records one op from the table
    def __add__(self, other: Any) -> Value: return apply(ops.ADD, self, other)
    def __radd__(self, other: Any) -> Value: return apply(ops.ADD, other, self)
    def __sub__(self, other: Any) -> Value: return apply(ops.SUB, self, other)
    def __rsub__(self, other: Any) -> Value: return apply(ops.SUB, other, self)
    def __mul__(self, other: Any) -> Value: return apply(ops.MUL, self, other)
    def __rmul__(self, other: Any) -> Value: return apply(ops.MUL, other, self)
    def __truediv__(self, other: Any) -> Value: return apply(ops.DIV, self, other)
    def __rtruediv__(self, other: Any) -> Value: return apply(ops.DIV, other, self)
    def __pow__(self, other: Any) -> Value: return apply(ops.POW, self, other)
    def __rpow__(self, other: Any) -> Value: return apply(ops.POW, other, self)
    def __neg__(self) -> Value: return apply(ops.NEG, self)
    def __abs__(self) -> Value: return apply(ops.ABS, self)

    def exp(self) -> Value: return apply(ops.EXP, self)
    def log(self) -> Value: return apply(ops.LOG, self)
    def sqrt(self) -> Value: return apply(ops.SQRT, self)
    def tanh(self) -> Value: return apply(ops.TANH, self)
    def sigmoid(self) -> Value: return apply(ops.SIGMOID, self)
    def relu(self) -> Value: return apply(ops.RELU, self)
    def leaky_relu(self, slope: float = 0.01) -> Value: return apply(ops.LEAKY, self, slope)
    def sin(self) -> Value: return apply(ops.SIN, self)
    def cos(self) -> Value: return apply(ops.COS, self)
    def softplus(self) -> Value: return apply(ops.SOFTPLUS, self)

    # comparisons look at the data only; == stays identity so Values can be dict keys
    def __lt__(self, other: Any) -> bool: return self.data < number(other, "operand of '<'")
    def __le__(self, other: Any) -> bool: return self.data <= number(other, "operand of '<='")
    def __gt__(self, other: Any) -> bool: return self.data > number(other, "operand of '>'")
    def __ge__(self, other: Any) -> bool: return self.data >= number(other, "operand of '>='")


def apply(op: ops.Op, *inputs: Any) -> Value:
    """Run ``op`` forward on Values or numbers and record the result as a new node.

    Plain numbers become constant leaves. Under ``no_grad`` the result is a leaf. When the
    forward rule raises, the error is kept as it is and a note names the op and its inputs.
    """
    children = inputs
    for x in inputs:
        if type(x) is not Value and not isinstance(x, Value):
            children = _with_constants(op, inputs)
            break
    try:
        if len(children) == 2:  # most nodes: unpacking directly saves a list per node
            data = op.forward(children[0].data, children[1].data)
        else:
            data = op.forward(*[c.data for c in children])
    except Exception as error:
        error.add_note(f"in op {op.name!r} with {_inputs_text(children)}")
        raise
    if type(data) is not float:  # a learner's forward rule may return an int, a NumPy scalar or worse
        data = as_float(data, f"{op.name!r}: the forward result for {_inputs_text(children)}")
    if _recording.get():
        return _node(data, op, children)
    return _node(data, None, ())


def _node(data: float, op: ops.Op | None, children: tuple[Value, ...]) -> Value:
    """A new Value holding ``data``, already a float, made by ``op`` from ``children`` (None and () for a
    leaf): the engine's hottest lines, so no __init__ checks."""
    out = _new(Value)
    out.data, out.grad, out._label, out.op, out.children = data, 0.0, "", op, children
    return out


def _with_constants(op: ops.Op, inputs: tuple[Any, ...]) -> tuple[Value, ...]:
    """The inputs, each plain number made a constant leaf; TypeError (OverflowError) naming the op and inputs."""
    children = []
    for x in inputs:
        if isinstance(x, Value):
            children.append(x)
            continue
        try:
            children.append(_node(x if type(x) is float else as_float(x, f"operand of {op.name!r}"), None, ()))
        except (TypeError, OverflowError) as error:
            values = tuple(c for c in inputs if isinstance(c, Value))
            error.add_note(f"in op {op.name!r} with the Value {_inputs_text(values)}")
            raise
    return tuple(children)


_new = object.__new__


def _inputs_text(children: tuple[Value, ...]) -> str:
    """Name the inputs of a failing op: "inputs a=-1.0, 2.0", labels escaped and shortened."""
    shown_inputs = [f"{shown(c.label)}={c.data!r}" if c.label else repr(c.data) for c in children]
    return ("inputs " if len(children) > 1 else "input ") + ", ".join(shown_inputs)


def _bad_label(label: Any) -> str:
    raise TypeError(f"Value label must be a str, got {type(label).__name__} {shown_object(label)}")
