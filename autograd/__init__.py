"""chainrule's autograd: a scalar reverse-mode automatic differentiation engine.

>>> from autograd import Value
>>> a = Value(-4.0, label="a"); b = Value(2.0, label="b")
>>> c = a * b + b ** 3
>>> c.backward()
>>> a.grad, b.grad
(2.0, 8.0)
"""

from . import arguments, func, language
from .backward import backpropagate, grad, topological_order
from .check import check_local_derivatives, gradcheck, gradgradcheck
from .collapse import register_grouping
from .collector import gc_paused
from .compile import Compiled, compile
from .draw import draw_dot
from .explain import Explanation, explain
from .files import write_atomically
from .format import format_number
from .language import get_language, set_language
from .mode import enable_grad, is_grad_enabled, no_grad
from .ops import Op
from .player import BackwardPlayer, backward_frames, backward_player
from .trace import BackwardTrace, trace_backward
from .value import Value, apply

__all__ = [
    "BackwardPlayer",
    "BackwardTrace",
    "Compiled",
    "Explanation",
    "Op",
    "Value",
    "apply",
    "arguments",
    "backpropagate",
    "backward_frames",
    "backward_player",
    "check_local_derivatives",
    "compile",
    "draw_dot",
    "enable_grad",
    "explain",
    "format_number",
    "func",
    "gc_paused",
    "get_language",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "is_grad_enabled",
    "language",
    "no_grad",
    "register_grouping",
    "set_language",
    "topological_order",
    "trace_backward",
    "write_atomically",
]
