"""Gradients as functions, in the style of JAX and ``torch.func``: ``grad(f)`` is a new function.

Numbers in, numbers out: ``grad(f)(0.5)`` returns a float. Called with Values, or from inside
another transform, the result is a Value whose graph can be differentiated again, so transforms
compose to any order: ``grad(grad(f))`` is the second derivative.

Each call differentiates with respect to fresh nodes standing for the chosen arguments, so
partial derivatives stay partial even when the same Value is passed twice or ``f`` also uses
it from outside (the "perturbation confusion" of naive nested differentiation).
"""

from __future__ import annotations

import contextvars
import functools
import inspect
from collections.abc import Callable, Iterable
from typing import Any

from .arguments import is_count
from .backward import grad as gradients_of
from .floats import as_float
from .mode import enable_grad
from .ops import Op
from .value import Value

_depth = contextvars.ContextVar("chainrule_transform_depth", default=0)

ARGUMENT = Op("argument", lambda x: x, lambda x, out: (1.0,))
"""Identity op: the node that stands for one differentiated argument of a transformed function."""


def grad(f: Callable[..., Any], argnums: int | tuple[int, ...] = 0) -> Callable[..., Any]:
    """The function computing d f / d (argument ``argnums``); a tuple of ints gives a tuple of them.

    >>> grad(lambda x: x * x * x)(3.0)
    27.0
    >>> grad(grad(lambda x: x * x * x))(3.0)
    18.0
    """
    value_and_grad_f = _value_and_grad(f, argnums, "grad")

    @functools.wraps(f)
    def grad_f(*args: Any, **kwargs: Any) -> Any:
        return value_and_grad_f(*args, **kwargs)[1]

    return grad_f


def value_and_grad(
    f: Callable[..., Any], argnums: int | tuple[int, ...] = 0
) -> Callable[..., tuple[Any, Any]]:
    """The function returning ``(f(*args), grad(f, argnums)(*args))`` from one forward pass."""
    return _value_and_grad(f, argnums, "value_and_grad")


def hessian(f: Callable[..., Any]) -> Callable[..., list[list[Any]]]:
    """The function returning the matrix of second derivatives of ``f`` in all positional arguments.

    For functions of a few scalars: ``hessian(f)(x, y)[i][j]`` is d2f / d(arg i) d(arg j), a float
    (a Value when called with Values or inside another transform). One backward pass builds the
    gradient's graph, then one more per argument differentiates it.
    """

    @functools.wraps(f)
    def hessian_f(*args: Any, **kwargs: Any) -> list[list[Any]]:
        positions = tuple(range(len(args))) or (0,)
        labels = parameter_names(f, len(positions))
        out, inputs, keep_graph = _trace(f, positions, labels, args, kwargs, "hessian")
        first = gradients_of(out, inputs, create_graph=True)
        return [gradients_of(g, inputs, create_graph=keep_graph) for g in first]

    return hessian_f


def parameter_names(f: Callable[..., Any], count: int, fallback: str = "x") -> list[str]:
    """Names of ``f``'s first ``count`` positional parameters; past those it has, ``fallback`` and the
    position: ``x2``, or ``arg2`` with ``fallback="arg"``. Transforms and checks label inputs with them."""
    parameters: Iterable[inspect.Parameter]
    try:
        parameters = inspect.signature(f).parameters.values()
    except (TypeError, ValueError):  # some builtins have no signature
        parameters = []
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    names = [p.name for p in parameters if p.kind in positional][:count]
    return names + [f"{fallback}{i}" for i in range(len(names), count)]


def _value_and_grad(f: Callable[..., Any], argnums: Any, transform: str) -> Callable[..., tuple[Any, Any]]:
    """``value_and_grad``, with the name of the public transform for messages."""
    positions = _positions(argnums, transform)
    labels = parameter_names(f, max(positions) + 1)  # once: inspect.signature is slow

    @functools.wraps(f)
    def value_and_grad_f(*args: Any, **kwargs: Any) -> tuple[Any, Any]:
        out, inputs, keep_graph = _trace(f, positions, labels, args, kwargs, transform)
        grads = gradients_of(out, inputs, create_graph=keep_graph)
        value = out if keep_graph else out.data
        return value, (grads[0] if isinstance(argnums, int) else tuple(grads))

    return value_and_grad_f


def _positions(argnums: Any, transform: str) -> tuple[int, ...]:
    """Validate ``argnums`` once, when the transform is made."""
    positions = (argnums,) if isinstance(argnums, int) else argnums
    if not isinstance(positions, tuple) or not positions or not all(is_count(p) for p in positions):
        raise TypeError(f"{transform}: argnums must be an int >= 0 or a non-empty tuple of them, "
                        f"got {argnums!r}")
    if len(set(positions)) != len(positions):
        raise ValueError(f"{transform}: argnums {argnums!r} repeats an argument")
    return positions


def _trace(
    f: Callable[..., Any],
    positions: tuple[int, ...],
    labels: list[str],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    transform: str,
) -> tuple[Value, list[Value], bool]:
    """Call ``f`` with a fresh node, labelled ``labels[p]``, at each differentiated position ``p``.

    Returns the output as a Value, the fresh nodes, and whether to keep the gradient's graph:
    when a Value came in, or when an outer transform is running (it will differentiate what we
    return, perhaps through ``f``'s closure).
    """
    name = getattr(f, "__name__", repr(f))
    if max(positions) >= len(args):
        raise TypeError(f"{transform}: {name} was called with {len(args)} positional arguments, "
                        f"so there is no argument {max(positions)} to differentiate")
    keep_graph = _depth.get() > 0 or any(isinstance(a, Value) for a in (*args, *kwargs.values()))
    args_list = list(args)
    inputs = []
    token = _depth.set(_depth.get() + 1)
    try:
        with enable_grad():  # an outer no_grad must not stop the transform from recording f
            for p in positions:
                a = args_list[p]
                if isinstance(a, Value):
                    node = ARGUMENT(a)
                    node.label = a.label or labels[p]
                else:
                    node = Value(as_float(a, f"{transform}: argument {labels[p]!r} of {name}"), labels[p])
                args_list[p] = node
                inputs.append(node)
            out = f(*args_list, **kwargs)
    finally:
        _depth.reset(token)
    if not isinstance(out, Value):
        out = Value(as_float(out, f"{transform}: the result of {name}"))  # a constant: gradient 0
    return out, inputs, keep_graph
