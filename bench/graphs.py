"""Workloads 2 and 3: a deep chain and a wide graph, each built, differentiated and freed.

Deep chain: ``y = y * 1.0001 + 0.0001`` for N steps from a leaf x, then dy/dx. Every step is
two ops on the previous result, so the graph is 2N ops deep: micrograd's recursive topological
sort needs the recursion limit raised (``micrograd_recursion_limit``), the others are iterative.

Wide graph: ``sum(a[i] * b[i])`` over N pairs of leaves made once, then the gradient of every
leaf. Python's ``sum`` makes a chain of additions, as a learner's code would.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable

N = 100_000
SCALE, SHIFT = 1.0001, 0.0001

Step = Callable[[], float]  # builds, differentiates, and returns one gradient as a check


def micrograd_recursion_limit(depth: int) -> None:
    """micrograd 0.1.0 sorts the graph recursively, one Python frame per node of depth."""
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 2 * depth + 1000))


# ---------------------------------------------------------------- deep chain


def chain_steps(n: int = N) -> dict[str, Step | None]:
    """One step per implementation; None where the workload has nothing to vectorise."""
    import torch
    from micrograd.engine import Value as MValue

    from autograd import Value

    micrograd_recursion_limit(2 * n)

    def graph(x):  # the same code builds chainrule's, micrograd's and torch's graphs
        y = x
        for _ in range(n):
            y = y * SCALE + SHIFT
        return y

    def chainrule() -> float:
        x = Value(1.0)
        graph(x).backward()
        return x.grad

    def micrograd() -> float:
        x = MValue(1.0)
        graph(x).backward()
        return x.grad

    def torch_0d() -> float:
        x = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
        graph(x).backward()
        return x.grad.item()

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
            "python floats": floats, "numpy (vectorised)": None}


# ---------------------------------------------------------------- wide graph


def wide_steps(n: int = N) -> dict[str, Step | None]:
    """One step per implementation, each with its own 2N leaves made here, outside the timing."""
    import numpy as np
    import torch
    from micrograd.engine import Value as MValue

    from autograd import Value

    rng = random.Random(0)
    a_data = [rng.uniform(-1.0, 1.0) for _ in range(n)]
    b_data = [rng.uniform(-1.0, 1.0) for _ in range(n)]

    def leaves(make):
        return [make(v) for v in a_data], [make(v) for v in b_data]

    def graph_step(a, b, backward, read):  # builds sum(a*b), differentiates, reads d/d a[0]
        def step() -> float:
            s = sum(x * y for x, y in zip(a, b))
            backward(s)
            return read(a[0])
        return step

    ca, cb = leaves(Value)
    ma, mb = leaves(MValue)
    ta, tb = leaves(lambda v: torch.tensor(v, dtype=torch.float64, requires_grad=True))
    fa_grad, fb_grad = [0.0] * n, [0.0] * n
    na, nb = np.array(a_data), np.array(b_data)
    na_grad, nb_grad = np.zeros(n), np.zeros(n)

    def floats() -> float:
        s = 0.0
        for x, y in zip(a_data, b_data):
            s += x * y
        for i, (x, y) in enumerate(zip(a_data, b_data)):  # d s / d a[i] = b[i], and back
            fa_grad[i] += y
            fb_grad[i] += x
        return fa_grad[0]

    def numpy() -> float:
        s = na @ nb  # noqa: F841 (the forward pass)
        np.add(na_grad, nb, out=na_grad)  # d s / d a = b, and back
        np.add(nb_grad, na, out=nb_grad)
        return float(na_grad[0])

    return {
        "chainrule": graph_step(ca, cb, lambda s: s.backward(), lambda v: v.grad),
        "micrograd 0.1.0": graph_step(ma, mb, lambda s: s.backward(), lambda v: v.grad),
        "torch 0-d": graph_step(ta, tb, lambda s: s.backward(), lambda v: v.grad.item()),
        "python floats": floats,
        "numpy (vectorised)": numpy,
    }
