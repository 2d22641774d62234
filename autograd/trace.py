"""The backward pass recorded step by step, so it can be shown, explained and replayed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .backward import topological_order
from .value import Value, as_float


def local_derivatives(node: Value) -> tuple[float, ...]:
    """d(node)/d(child) for each of the node's children, in order, as plain numbers."""
    if node.op is None:
        return ()
    local = tuple(node.op.derivatives(*[child.data for child in node.children], node.data))
    if len(local) != len(node.children):  # as backward(): a learner-defined rule must give one per input
        raise ValueError(
            f"{node.op.name!r}: derivative rule gave {len(local)} values for {len(node.children)} inputs"
        )
    return local


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
        """Redo the recorded chain rule: each step's gradient times each local derivative, summed.

        The result equals what ``backward()`` computes, bit for bit (same operations, same order).
        """
        grads: dict[Value, float] = {self.root: self.seed}
        for step in self.steps:
            upstream = grads[step.node]
            for edge in step.edges:
                contribution = upstream * edge.local
                grads[edge.child] = grads[edge.child] + contribution if edge.child in grads else contribution
        return grads


def trace_backward(root: Value, gradient: Any = 1.0) -> BackwardTrace:
    """Run the backward pass from ``root`` without touching any ``.grad`` and record every step.

    Nodes are visited as ``backward()`` visits them: each one after every node that uses it, so
    its gradient is complete when its step starts. Leaves have no step; they only receive.
    """
    if not isinstance(root, Value):
        raise TypeError(f"trace_backward: root must be a Value, got {type(root).__name__} {root!r}")
    seed = as_float(gradient, "trace_backward gradient")
    grads: dict[Value, float] = {root: seed}
    steps = []
    for node in reversed(topological_order([root])):
        if node.op is None:
            continue
        upstream = grads[node]
        edges = []
        for child, local in zip(node.children, local_derivatives(node)):
            contribution = upstream * local
            grads[child] = grads[child] + contribution if child in grads else contribution
            edges.append(EdgeStep(child, local, contribution, grads[child]))
        steps.append(Step(node, upstream, tuple(edges)))
    return BackwardTrace(root, seed, tuple(steps))
