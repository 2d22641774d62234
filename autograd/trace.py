"""The backward pass recorded step by step, so it can be shown, explained and replayed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .backward import backpropagate
from .floats import as_float
from .messages import shown_object
from .value import Value


@dataclass(frozen=True, slots=True)
class EdgeStep:
    """One use of the chain rule: ``contribution = upstream * local`` added to the child's gradient."""

    child: Value
    local: float
    contribution: float
    child_grad: float  # the child's running gradient right after this contribution was added


@dataclass(frozen=True, slots=True)
class Step:
    """One node of the backward pass: its (final) gradient and what it sent to each child."""

    node: Value
    grad: float
    edges: tuple[EdgeStep, ...]


@dataclass(frozen=True, slots=True)
class BackwardTrace:
    """The steps of ``root.backward(seed)``, in the order the engine performs them."""

    root: Value
    seed: float
    steps: tuple[Step, ...]

    def replay(self) -> dict[Value, float]:
        """Every gradient the recorded pass ends with: ``backward()``'s, bit for bit, as it is that loop's record."""
        grads: dict[Value, float] = {self.root: self.seed}
        for step in self.steps:
            for edge in step.edges:
                grads[edge.child] = edge.child_grad
        return grads


def trace_backward(root: Value, gradient: Any = 1.0) -> BackwardTrace:
    """Run the backward pass from ``root`` without touching any ``.grad`` and record every step.

    Nodes are visited as ``backward()`` visits them: each one after every node that uses it, so
    its gradient is complete when its step starts. Leaves have no step; they only receive.
    """
    if not isinstance(root, Value):
        raise TypeError(f"trace_backward: root must be a Value, got {type(root).__name__} {shown_object(root)}")
    seed = as_float(gradient, "trace_backward gradient")
    steps: list[tuple[Value, float, list[EdgeStep]]] = []  # a node's edges arrive one after another

    def record(node: Value, upstream: float, child: Value, local: float, contribution: float, grad: float) -> None:
        if not steps or steps[-1][0] is not node:
            steps.append((node, upstream, []))
        steps[-1][2].append(EdgeStep(child, local, contribution, grad))

    backpropagate([root], [seed], on_edge=record)
    return BackwardTrace(root, seed, tuple(Step(node, grad, tuple(edges)) for node, grad, edges in steps))
