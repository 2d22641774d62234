"""chainrule's autograd: a scalar reverse-mode automatic differentiation engine.

>>> from autograd import Value
>>> a = Value(-4.0, label="a"); b = Value(2.0, label="b")
>>> c = a * b + b ** 3
>>> c.backward()
>>> a.grad, b.grad
(2.0, 8.0)
"""

from . import func
from .backward import backpropagate, grad, topological_order
from .check import check_local_derivatives, gradcheck, gradgradcheck
from .mode import enable_grad, is_grad_enabled, no_grad
from .ops import Op
from .value import Value, apply

__all__ = [
    "Op",
    "Value",
    "apply",
    "backpropagate",
    "check_local_derivatives",
    "enable_grad",
    "func",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "is_grad_enabled",
    "no_grad",
    "topological_order",
]
