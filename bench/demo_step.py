"""Workload 1: one training step of micrograd's moons demo, in eight implementations.

The step: 100 moons points (noise 0.1, fixed seed), ``MLP(2, [16, 16, 1])`` with ReLU hidden
layers and a linear output, loss = mean(relu(1 - y * score)) + 1e-4 * sum(p * p), full batch;
forward, zero_grad, backward, SGD update with micrograd's learning-rate schedule. Every
implementation starts from chainrule's initial weights and returns the loss before its update,
so the first step must give the same loss everywhere (``python -m bench`` checks it).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

import nn

N_POINTS, NOISE, SEED = 100, 0.1, 0
SIZES = [16, 16, 1]
ALPHA = 1e-4

Weights = list[list[tuple[list[float], float]]]  # per layer, per neuron: (w, b)


def learning_rate(k: int) -> float:
    """micrograd's demo schedule: linear decay from 1.0 over 100 steps."""
    return 1.0 - 0.9 * (k % 100) / 100


@dataclass
class Problem:
    """The data set and the initial weights every implementation starts from."""

    X: list[list[float]]
    y: list[float]  # -1.0 or +1.0
    weights: Weights


def problem() -> Problem:
    """chainrule's moons data set and a fresh chainrule MLP's weights, as plain floats."""
    X, y = nn.moons(N_POINTS, noise=NOISE, seed=SEED)
    model = nn.MLP(2, SIZES, seed=SEED)
    weights = [[([w.data for w in n.w], n.b.data) for n in layer.neurons] for layer in model.layers]
    return Problem([[float(v) for v in x] for x in X], [float(v) for v in y], weights)


class Chainrule:
    """chainrule as a user writes it: nn.MLP, nn's hinge loss and L2 penalty, nn.SGD."""

    name = "chainrule nn.MLP"

    def __init__(self, p: Problem) -> None:
        self.model = nn.MLP(2, SIZES, seed=SEED)
        for layer, neurons in zip(self.model.layers, p.weights):
            for neuron, (w, b) in zip(layer.neurons, neurons):
                assert [v.data for v in neuron.w] == w and neuron.b.data == b
        self.X, self.y, self.k = p.X, p.y, 0
        self.optimizer = nn.SGD(self.model.parameters(), lr=learning_rate(0))

    def loss(self) -> Any:
        """The forward pass over the batch: mean hinge loss plus the L2 penalty."""
        scores = [self.model(x) for x in self.X]
        return nn.hinge_loss(scores, self.y) + nn.l2_penalty(self.model.parameters(), ALPHA)

    def step(self) -> float:
        loss = self.loss()
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.lr = learning_rate(self.k)
        self.optimizer.step()
        self.k += 1
        return loss.data


def sample_loss(model: nn.MLP) -> Any:
    """The hinge loss of one sample, the function that gets compiled."""
    return lambda x, y: (1.0 - y * model(x)).relu()


class ChainruleCompiled(Chainrule):
    """nn.MLP with the one-sample loss traced once by ``autograd.compile``, then run as plain Python.

    ``loop`` runs the generated code sample after sample, adding up gradients as it goes. The
    L2 penalty depends on the parameters only, so it is compiled separately and added once.
    """

    name = "chainrule compiled"

    def __init__(self, p: Problem) -> None:
        from autograd import compile

        super().__init__(p)
        self.params = params = self.model.parameters()
        self.sample = compile(sample_loss(self.model), ([0.0, 0.0], 1.0), wrt=params)
        self.penalty = compile(lambda: nn.l2_penalty(params, ALPHA), (), wrt=params)

    def data_loss(self) -> tuple[float, list[float]]:
        return self.sample.loop(zip(self.X, self.y), reduction="mean")

    def step(self) -> float:
        loss, grads = self.data_loss()
        penalty, penalty_grads = self.penalty()
        for q, g, r in zip(self.params, grads, penalty_grads):
            q.grad = g + r
        self.optimizer.lr = learning_rate(self.k)
        self.optimizer.step()
        self.k += 1
        return loss + penalty


def sample_loss_and_penalty(model: nn.MLP) -> Any:
    """One sample's hinge loss plus the L2 penalty: its mean over the samples is the step's loss,
    as the penalty is the same for every sample."""
    params = model.parameters()
    return lambda x, y: (1.0 - y * model(x)).relu() + nn.l2_penalty(params, ALPHA)


class ChainruleCompiledNumpy(Chainrule):
    """nn.MLP with the loss, penalty included, traced once by ``autograd.compile`` and run by
    ``Compiled.batch`` on NumPy arrays of all 100 points at once: each layer's neurons one matrix
    product, the penalty (shared by the samples) computed once; see ``batch_source``."""

    name = "chainrule compiled numpy"

    def __init__(self, p: Problem) -> None:
        import numpy as np

        from autograd import compile

        super().__init__(p)
        self.params = self.model.parameters()
        self.loss_and_grads = compile(sample_loss_and_penalty(self.model), ([0.0, 0.0], 1.0), wrt=self.params)
        self.X_array, self.y_array = np.array(p.X), np.array(p.y)

    def step(self) -> float:
        loss, grads = self.loss_and_grads.batch(self.X_array, self.y_array, reduction="mean")
        for q, g in zip(self.params, grads):
            q.grad = g
        self.optimizer.lr = learning_rate(self.k)
        self.optimizer.step()
        self.k += 1
        return loss


class Micrograd:
    """micrograd 0.1.0, the step exactly as its demo notebook writes it."""

    name = "micrograd 0.1.0"

    def __init__(self, p: Problem) -> None:
        from micrograd import nn as mnn
        from micrograd.engine import Value

        self.Value = Value
        self.model = mnn.MLP(2, SIZES)
        for layer, neurons in zip(self.model.layers, p.weights):
            for neuron, (w, b) in zip(layer.neurons, neurons):
                neuron.w = [Value(v) for v in w]
                neuron.b = Value(b)
        self.X, self.y, self.k = p.X, p.y, 0

    def step(self) -> float:
        Value, model = self.Value, self.model
        inputs = [list(map(Value, xrow)) for xrow in self.X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(self.y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = ALPHA * sum(p * p for p in model.parameters())
        total_loss = data_loss + reg_loss
        model.zero_grad()
        total_loss.backward()
        lr = learning_rate(self.k)
        for p in model.parameters():
            p.data -= lr * p.grad
        self.k += 1
        return total_loss.data


class ScalarGraph:
    """micrograd's graph, op for op, from one leaf per weight: w1*x1, + w2*x2, ..., relu, hinge, L2.

    Subclasses say how to make a leaf, zero the gradients and update the parameters.
    """

    name = ""

    def __init__(self, p: Problem) -> None:
        self.layers = [[([self.leaf(v) for v in w], self.leaf(b)) for w, b in neurons] for neurons in p.weights]
        self.params = [q for layer in self.layers for w, b in layer for q in (*w, b)]
        self.X, self.y, self.k = p.X, p.y, 0

    def score(self, x: list[Any]) -> Any:
        last = len(self.layers) - 1
        for i, layer in enumerate(self.layers):
            acts = [sum((wi * xi for wi, xi in zip(w, x)), b) for w, b in layer]
            x = acts if i == last else [a.relu() for a in acts]
        return x[0]

    def loss(self) -> Any:
        """The forward pass over the batch: mean hinge loss plus the L2 penalty."""
        scores = [self.score(x) for x in self.X]
        losses = [(1 + -yi * s).relu() for yi, s in zip(self.y, scores)]
        return sum(losses) * (1.0 / len(losses)) + ALPHA * sum(q * q for q in self.params)

    def step(self) -> float:
        loss = self.loss()
        self.zero_grad()
        loss.backward()
        self.update(learning_rate(self.k))
        self.k += 1
        return float(loss.data)

    def leaf(self, v: float) -> Any:
        raise NotImplementedError

    def zero_grad(self) -> None:
        for q in self.params:
            q.grad = 0.0

    def update(self, lr: float) -> None:
        for q in self.params:
            q.data -= lr * q.grad


class ChainruleElementwise(ScalarGraph):
    """chainrule Values building micrograd's graph node for node: the like-for-like comparison."""

    name = "chainrule elementwise"

    def leaf(self, v: float) -> Any:
        from autograd import Value

        return Value(v)


class Torch0d(ScalarGraph):
    """PyTorch with one 0-d float64 tensor per scalar: one Python op per scalar op, as micrograd."""

    name = "torch 0-d"

    def leaf(self, v: float) -> Any:
        import torch

        return torch.tensor(v, dtype=torch.float64, requires_grad=True)

    def zero_grad(self) -> None:
        for q in self.params:
            q.grad = None

    def update(self, lr: float) -> None:
        import torch

        with torch.no_grad():
            for q in self.params:
                q -= lr * q.grad


class Floats:
    """Plain Python floats and a hand-written backward pass: the floor for interpreted scalar code."""

    name = "python floats"

    def __init__(self, p: Problem) -> None:
        self.W = [[list(w) for w, _ in neurons] for neurons in p.weights]  # per layer: rows of weights
        self.B = [[b for _, b in neurons] for neurons in p.weights]
        self.X, self.y, self.k = p.X, p.y, 0

    def step(self) -> float:
        W, B, last = self.W, self.B, len(self.W) - 1
        gW = [[[0.0] * len(row) for row in layer] for layer in W]
        gB = [[0.0] * len(b) for b in B]
        scale = 1.0 / len(self.X)
        data_loss = 0.0
        for x, y in zip(self.X, self.y):
            acts = [x]  # forward, keeping each layer's input and pre-activation
            zs = []
            for i, (Wl, Bl) in enumerate(zip(W, B)):
                z = []
                for row, b in zip(Wl, Bl):
                    s = b
                    for w, a in zip(row, acts[-1]):
                        s += w * a
                    z.append(s)
                zs.append(z)
                acts.append(z if i == last else [v if v > 0.0 else 0.0 for v in z])
            margin = 1.0 - y * acts[-1][0]
            if margin <= 0.0:
                continue
            data_loss += margin
            dz = [-y * scale]  # d loss / d score
            for i in range(last, -1, -1):  # backward, layer by layer
                a_in, Wl, gWl, gBl = acts[i], W[i], gW[i], gB[i]
                da = [0.0] * len(a_in)
                for j, d in enumerate(dz):
                    gBl[j] += d
                    row, grow = Wl[j], gWl[j]
                    for k, a in enumerate(a_in):
                        grow[k] += d * a
                        da[k] += d * row[k]
                if i:
                    dz = [d if z > 0.0 else 0.0 for d, z in zip(da, zs[i - 1])]
        reg = 0.0
        lr = learning_rate(self.k)
        for Wl, gWl, Bl, gBl in zip(W, gW, B, gB):
            for row, grow in zip(Wl, gWl):
                for k, w in enumerate(row):
                    reg += w * w
                    row[k] = w - lr * (grow[k] + 2.0 * ALPHA * w)
            for j, b in enumerate(Bl):
                reg += b * b
                Bl[j] = b - lr * (gBl[j] + 2.0 * ALPHA * b)
        self.k += 1
        return data_loss * scale + ALPHA * reg


class Numpy:
    """NumPy, vectorised over the batch, hand-written backward pass (a reference, not a peer)."""

    name = "numpy (vectorised)"

    def __init__(self, p: Problem) -> None:
        import numpy as np

        self.np = np
        self.W = [np.array([w for w, _ in neurons]) for neurons in p.weights]
        self.B = [np.array([b for _, b in neurons]) for neurons in p.weights]
        self.X, self.y, self.k = np.array(p.X), np.array(p.y), 0

    def step(self) -> float:
        np, W, B, last = self.np, self.W, self.B, len(self.W) - 1
        acts, zs = [self.X], []
        for i, (Wl, Bl) in enumerate(zip(W, B)):
            zs.append(acts[-1] @ Wl.T + Bl)
            acts.append(zs[-1] if i == last else np.maximum(zs[-1], 0.0))
        margins = 1.0 - self.y * acts[-1][:, 0]
        n = len(self.y)
        loss = np.maximum(margins, 0.0).sum() / n + ALPHA * sum((w * w).sum() + (b * b).sum() for w, b in zip(W, B))
        dz = np.where(margins > 0.0, -self.y / n, 0.0)[:, None]
        lr = learning_rate(self.k)
        for i in range(last, -1, -1):
            gW, gB = dz.T @ acts[i] + 2.0 * ALPHA * W[i], dz.sum(axis=0) + 2.0 * ALPHA * B[i]
            if i:
                dz = (dz @ W[i]) * (zs[i - 1] > 0.0)
            W[i] -= lr * gW
            B[i] -= lr * gB
        self.k += 1
        return float(loss)


def compile_time(batch: bool, repeats: int = 5) -> tuple[float, int]:
    """Seconds to trace the compiled row's loss and write its code (best of ``repeats``), and its lines.

    ``batch``: the NumPy row's loss (penalty included), traced, grouped and written as batch code.
    """
    from autograd import compile

    model, best = nn.MLP(2, SIZES, seed=SEED), math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        if batch:
            compiled = compile(sample_loss_and_penalty(model), ([0.0, 0.0], 1.0), wrt=model.parameters())
            source = compiled.batch_source
        else:
            source = compile(sample_loss(model), ([0.0, 0.0], 1.0), wrt=model.parameters()).source
        best = min(best, time.perf_counter() - start)
    return best, source.count("\n")


def node_counts(p: Problem) -> dict[str, int]:
    """Nodes in one step's graph: chainrule's and micrograd's, counting constant leaves."""
    from autograd import topological_order

    counts = {}
    counts["chainrule nn.MLP"] = len(topological_order([Chainrule(p).loss()]))
    counts["chainrule elementwise"] = len(topological_order([ChainruleElementwise(p).loss()]))
    micro = Micrograd(p)
    inputs = [list(map(micro.Value, xrow)) for xrow in micro.X]
    losses = [(1 + -yi * s).relu() for yi, s in zip(micro.y, map(micro.model, inputs))]
    loss = sum(losses) * (1.0 / len(losses)) + ALPHA * sum(q * q for q in micro.model.parameters())
    seen, stack = {loss}, [loss]
    while stack:
        for child in stack.pop()._prev:
            if child not in seen:
                seen.add(child)
                stack.append(child)
    counts["micrograd 0.1.0"] = len(seen)
    return counts
