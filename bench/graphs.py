"""Workloads 2 and 3: a deep chain and a wide graph, each built, differentiated and freed.

Deep chain: ``y = y * 1.0001 + 0.0001`` for N steps from a leaf x, then dy/dx. Every step is
two ops on the previous result, so the graph is 2N ops deep: micrograd's recursive topological
sort needs the recursion limit raised (``micrograd_recursion_limit``), the others are iterative.

Wide graph: ``sum(a[i] * b[i])`` over N pairs of leaves made once, then the gradient of every
leaf. Python's ``sum`` makes a chain of additions, as a learner's code would.

Each function returns, per implementation, a maker: called, it imports the implementation and
returns its step, so a heap only ever imports the peers that run in it.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable

N = 50_000
SCALE, SHIFT = 1.0001, 0.0001

Step = Callable[[], float]  # builds, differentiates, and returns one gradient as a check
Makers = dict[str, Callable[[], Step]]


def micrograd_recursion_limit(depth: int) -> None:
    """micrograd 0.1.0 sorts the graph recursively, one Python frame per node of depth."""
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 2 * depth + 1000))


# ---------------------------------------------------------------- deep chain


def chain_steps(n: int = N) -> Makers:
    """One maker per implementation (numpy has nothing to vectorise here)."""

    def graph(x):  # the same code builds chainrule's, micrograd's and torch's graphs
        y = x
        for _ in range(n):
            y = y * SCALE + SHIFT
        return y

    def chainrule() -> Step:
        from autograd import Value

        def step() -> float:
            x = Value(1.0)
            graph(x).backward()
            return x.grad

        return step

    def micrograd() -> Step:
        from micrograd.engine import Value as MValue

        micrograd_recursion_limit(2 * n)

        def step() -> float:
            x = MValue(1.0)
            graph(x).backward()
            return x.grad

        return step

    def torch_0d() -> Step:
        import torch

        def step() -> float:
            x = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
            graph(x).backward()
            return x.grad.item()

        return step

    def floats() -> float:
        y, tape = 1.0, []
        for _ in range(n):  # forward, recording each step's local derivative
            y = y * SCALE + SHIFT
            tape.append(SCALE)
        g = 1.0
        for d in reversed(tape):  # backward: the chain rule, one multiplication per step
            g *= d
        return g

    return {"chainrule": chainrule, "micrograd 0.1.0": micrograd, "torch 0-d": torch_0d,
            "python floats": lambda: floats}


# ---------------------------------------------------------------- wide graph


def wide_steps(n: int = N) -> Makers:
    """One maker per implementation; each makes its own 2N leaves, outside the timing."""
    rng = random.Random(0)
    a_data = [rng.uniform(-1.0, 1.0) for _ in range(n)]
    b_data = [rng.uniform(-1.0, 1.0) for _ in range(n)]

    def graph_step(make: Callable[[float], object], read: Callable[[object], float]) -> Step:
        a, b = [make(v) for v in a_data], [make(v) for v in b_data]

        def step() -> float:  # builds sum(a*b), differentiates, reads d/d a[0]
            sum(x * y for x, y in zip(a, b)).backward()
            return read(a[0])

        return step

    def chainrule() -> Step:
        from autograd import Value

        return graph_step(Value, lambda v: v.grad)

    def micrograd() -> Step:
        from micrograd.engine import Value as MValue

        micrograd_recursion_limit(2 * n)  # its sort recurses down the chain of additions
        return graph_step(MValue, lambda v: v.grad)

    def torch_0d() -> Step:
        import torch

        return graph_step(lambda v: torch.tensor(v, dtype=torch.float64, requires_grad=True),
                          lambda v: v.grad.item())

    def floats() -> Step:
        fa_grad, fb_grad = [0.0] * n, [0.0] * n

        def step() -> float:
            s = 0.0
            for x, y in zip(a_data, b_data):
                s += x * y
            for i, (x, y) in enumerate(zip(a_data, b_data)):  # d s / d a[i] = b[i], and back
                fa_grad[i] += y
                fb_grad[i] += x
            return fa_grad[0]

        return step

    def numpy() -> Step:
        import numpy as np

        na, nb = np.array(a_data), np.array(b_data)
        na_grad, nb_grad = np.zeros(n), np.zeros(n)

        def step() -> float:
            s = na @ nb  # noqa: F841 (the forward pass)
            np.add(na_grad, nb, out=na_grad)  # d s / d a = b, and back
            np.add(nb_grad, na, out=nb_grad)
            return float(na_grad[0])

        return step

    return {"chainrule": chainrule, "micrograd 0.1.0": micrograd, "torch 0-d": torch_0d,
            "python floats": floats, "numpy (vectorised)": numpy}
