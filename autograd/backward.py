"""The backward pass: walk the graph from the output back to the leaves, applying the chain rule."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence, Sized
from contextlib import nullcontext
from typing import TYPE_CHECKING, Any

from .collector import gc_paused
from .floats import as_float
from .messages import shown_object
from .mode import enable_grad
from .value import Value

if TYPE_CHECKING:
    from .ops import Op


def topological_order(roots: Iterable[Value]) -> list[Value]:
    """Every node the roots depend on, each after all of its children. Iterative: any depth works."""
    order: list[Value] = []
    seen: set[Value] = set()
    for root in roots:
        if root in seen:
            continue
        seen.add(root)
        stack = [root]
        while stack:  # depth-first: descend into the first unseen child, else the node is done
            node = stack[-1]
            for child in node.children:
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
                    break
            else:
                order.append(stack.pop())
    return order


def graph_size(root: Value, limit: int) -> tuple[int, int]:
    """How many values and ops ``root``'s graph has; counting stops once their sum passes ``limit``.

    So refusing a graph too big to draw or play costs about ``limit`` steps, not the whole graph.
    """
    values = ops = 0
    seen = {root}
    stack = [root]
    while stack and values + ops <= limit:
        node = stack.pop()
        values += 1
        ops += node.op is not None
        for child in node.children:
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return values, ops


EdgeWatcher = Callable[[Value, Any, Value, Any, Any, Any], None]
"""``on_edge(node, upstream, child, local, contribution, child_grad)``: one use of the chain rule."""


def backpropagate(
    roots: Sequence[Value], seeds: Sequence[Any], create_graph: bool = False, on_edge: EdgeWatcher | None = None
) -> dict[Value, Any]:
    """Return d(sum of seed * root)/d(node) for every node the roots depend on: the chain rule.

    Each node, visited after everything that uses it, passes its gradient to each child times
    the local derivative of the edge; where a child is used more than once, contributions add.
    With ``create_graph`` the arithmetic is done on Values, so the result can be differentiated.
    This is the only loop that walks a graph backwards: ``on_edge``, called for every edge in
    order with the child's gradient so far, lets traces, explanations and the compiler watch it.
    Two-input nodes, when nothing watches, take a written-out copy of the same loop.
    The cyclic collector is paused meanwhile (``gc_paused``): the walk makes no cycles.
    """
    if create_graph:
        seeds = [s if isinstance(s, Value) else Value(s) for s in seeds]
    grads: dict[Value, Any] = {}
    for root, seed in zip(roots, seeds):
        grads[root] = grads[root] + seed if root in grads else seed
    node = None
    try:
        with gc_paused(), enable_grad() if create_graph else nullcontext():
            for node in reversed(topological_order(roots)):
                if node.op is None:
                    continue
                upstream, children = grads[node], node.children
                if create_graph:
                    local = node.op.derivatives(*children, node)
                elif len(children) == 2:  # most nodes: unpacking directly saves a list per node
                    local = node.op.derivatives(children[0].data, children[1].data, node.data)
                else:
                    local = node.op.derivatives(*[child.data for child in children], node.data)
                if len(local) != len(children):  # zip(strict=True) would cost 25% of this loop
                    raise wrong_arity(node.op, local, children)
                if on_edge is None and len(children) == 2:
                    # Most nodes have two inputs: the loop below, written out for them (a fifth faster).
                    # The same steps in the same order; when a is b (x * x) both contributions add up.
                    a, b = children
                    da, db = local
                    contribution = upstream * da
                    grads[a] = grads[a] + contribution if a in grads else contribution
                    contribution = upstream * db
                    grads[b] = grads[b] + contribution if b in grads else contribution
                    continue
                for child, derivative in zip(children, local):
                    contribution = upstream * derivative
                    grads[child] = grads[child] + contribution if child in grads else contribution
                    if on_edge is not None:
                        on_edge(node, upstream, child, derivative, contribution, grads[child])
    except Exception as error:  # say where: a learner-defined derivative rule is the usual suspect
        if node is not None and node.op is not None:
            error.add_note(f"while applying the derivative rule of {node.op.name!r} to {node!r} "
                           f"with inputs {[c.data for c in node.children]}")
        raise
    return grads


def local_derivatives(node: Value) -> tuple[float, ...]:
    """d(node)/d(child) for each of the node's children, in order, as plain numbers (a leaf has none)."""
    if node.op is None:
        return ()
    local = tuple(node.op.derivatives(*[child.data for child in node.children], node.data))
    if len(local) != len(node.children):
        raise wrong_arity(node.op, local, node.children)
    return local


def wrong_arity(op: Op, local: Sized, inputs: Sized) -> ValueError:
    """The error for a derivative rule that does not give one derivative per input."""
    return ValueError(f"{op.name!r}: derivative rule gave {len(local)} values for {len(inputs)} inputs")


def backward(root: Value, gradient: Any = 1.0, create_graph: bool = False) -> None:
    """Store d(root)/d(node) in every node's ``grad``: leaves accumulate, interior nodes are reset."""
    seed = _seed(gradient, create_graph, "backward gradient")
    for node, g in backpropagate([root], [seed], create_graph).items():
        node.grad = node.grad + g if node.op is None else g


def grad(
    outputs: Value | Sequence[Value],
    inputs: Sequence[Value],
    grad_outputs: Any | Sequence[Any] | None = None,
    create_graph: bool = False,
) -> list[Any]:
    """d(outputs)/d(inputs) as a list, touching no ``.grad`` (as ``torch.autograd.grad``).

    ``grad_outputs`` weights each output (default 1.0). An input the outputs do not depend on
    gets 0.0. With ``create_graph=True`` every gradient is a Value that can be differentiated
    again, to any order.
    """
    for what, given in (("outputs", outputs), ("inputs", inputs)):
        if not isinstance(given, (Value, Iterable)) or isinstance(given, str):
            raise TypeError(f"grad: {what} must be a Value or a list of Values, "
                            f"got {type(given).__name__} {shown_object(given)}")
    outputs = [outputs] if isinstance(outputs, Value) else list(outputs)
    if isinstance(inputs, Value):
        inputs = [inputs]
    for x in [*outputs, *inputs]:
        if not isinstance(x, Value):
            raise TypeError(f"grad: outputs and inputs must be Values, got {type(x).__name__} {shown_object(x)}")
    if grad_outputs is None:
        grad_outputs = [1.0] * len(outputs)
    elif not isinstance(grad_outputs, (list, tuple)):
        grad_outputs = [grad_outputs]
    if len(grad_outputs) != len(outputs):
        raise ValueError(f"grad: {len(outputs)} outputs but {len(grad_outputs)} grad_outputs")
    seeds = [_seed(g, create_graph, "grad_outputs entry") for g in grad_outputs]
    grads = backpropagate(outputs, seeds, create_graph)
    zero = (lambda: Value(0.0)) if create_graph else (lambda: 0.0)
    return [grads[x] if x in grads else zero() for x in inputs]


def _seed(gradient: Any, create_graph: bool, what: str) -> Any:
    """A seed: a Value stays one under ``create_graph`` (to be differentiated too), else a float."""
    if isinstance(gradient, Value):
        return gradient if create_graph else gradient.data
    return as_float(gradient, what)
