"""Benchmark: compiled graphs against the eager engine and hand-written code, one training step each.

The step: 100 moons-like points, an MLP(2, [16, 16, 1]) of ReLU neurons with a linear output,
loss = mean over points of the hinge loss relu(1 - y * score), every parameter's gradient,
then an SGD update. Five implementations, all starting from the same weights:

    eager            chainrule Values: build the graph for all 100 points, backward(), update
    compiled python  autograd.compile of the one-sample loss, called per point on floats
    compiled numpy   the same generated code, run once on NumPy arrays of all 100 points
    floats           hand-written Python floats with a hand-written backward pass (the floor)
    numpy            hand-written NumPy with matrix products (the vectorised reference)

Also reported: tracing plus code generation time. Run: python bench/compiled.py [--rounds N]
Timings depend on the machine; this is not part of the test suite.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout, no install needed

from autograd import Value, compile  # noqa: E402

N_POINTS, SIZES, SEED, LR = 100, [2, 16, 16, 1], 0, 0.05
Weights = list[list[list[float]]]  # per layer, per neuron: [w_1, ..., w_n, b]


def moons(n: int, noise: float = 0.1, seed: int = SEED) -> tuple[list[list[float]], list[float]]:
    """Two interleaving half circles with Gaussian noise, labels -1 and +1 (as sklearn's make_moons)."""
    rng = random.Random(seed)
    X, y = [], []
    for i in range(n):
        t = math.pi * rng.random()
        upper = i % 2 == 0
        px, py = (math.cos(t), math.sin(t)) if upper else (1.0 - math.cos(t), 0.5 - math.sin(t))
        X.append([px + rng.gauss(0.0, noise), py + rng.gauss(0.0, noise)])
        y.append(-1.0 if upper else 1.0)
    return X, y


def initial_weights(seed: int = SEED) -> Weights:
    rng = random.Random(seed)
    return [[[rng.uniform(-1.0, 1.0) for _ in range(n_in + 1)] for _ in range(n_out)]
            for n_in, n_out in zip(SIZES, SIZES[1:])]


# ---------------------------------------------------------------- chainrule Values, eager and compiled


def value_model(weights: Weights) -> list[list[list[Value]]]:
    return [[[Value(w) for w in neuron] for neuron in layer] for layer in weights]


def score(model: list[list[list[Value]]], x: list[Any]) -> Value:
    """The MLP as a learner writes it with Values: sum(w * x, b), relu between layers."""
    for k, layer in enumerate(model):
        z = [sum((w * xi for w, xi in zip(neuron, x)), neuron[-1]) for neuron in layer]
        x = z if k == len(model) - 1 else [zi.relu() for zi in z]
    return x[0]


def hinge(model: list[list[list[Value]]], x: list[Any], y: Any) -> Value:
    """The loss of one sample: the per-sample function that gets compiled."""
    return (1.0 - y * score(model, x)).relu()


class Eager:
    name = "eager"

    def __init__(self, weights: Weights, X: list[list[float]], y: list[float]) -> None:
        self.model, self.X, self.y = value_model(weights), X, y
        self.params = [p for layer in self.model for neuron in layer for p in neuron]

    def step(self) -> tuple[float, list[float]]:
        loss = sum(hinge(self.model, x, t) for x, t in zip(self.X, self.y)) * (1.0 / len(self.X))
        for p in self.params:
            p.grad = 0.0
        loss.backward()
        grads = [p.grad for p in self.params]
        for p in self.params:
            p.data -= LR * p.grad
        return loss.data, grads


class CompiledPython:
    name = "compiled python"

    def __init__(self, weights: Weights, X: list[list[float]], y: list[float]) -> None:
        self.model, self.X, self.y = value_model(weights), X, y
        self.params = [p for layer in self.model for neuron in layer for p in neuron]
        self.f = compile(lambda x, t: hinge(self.model, x, t), ([0.0, 0.0], 0.0), wrt=self.params)

    def step(self) -> tuple[float, list[float]]:
        f, total, summed = self.f, 0.0, [0.0] * len(self.params)
        for x, t in zip(self.X, self.y):
            out, grads = f(x, t)
            total += out
            summed = list(map(float.__add__, summed, grads))
        scale = 1.0 / len(self.X)
        grads = [g * scale for g in summed]
        for p, g in zip(self.params, grads):
            p.data -= LR * g
        return total * scale, grads


class CompiledNumpy:
    name = "compiled numpy"

    def __init__(self, weights: Weights, X: list[list[float]], y: list[float]) -> None:
        import numpy as np

        self.model, self.X, self.y = value_model(weights), np.array(X), np.array(y)
        self.params = [p for layer in self.model for neuron in layer for p in neuron]
        self.f = compile(lambda x, t: hinge(self.model, x, t), ([0.0, 0.0], 0.0), wrt=self.params)

    def step(self) -> tuple[float, list[float]]:
        loss, grads = self.f.batch(self.X, self.y, reduction="mean")
        for p, g in zip(self.params, grads):
            p.data -= LR * g
        return loss, grads


# ---------------------------------------------------------------- hand-written


class Floats:
    name = "floats by hand"

    def __init__(self, weights: Weights, X: list[list[float]], y: list[float]) -> None:
        self.W = [[list(neuron) for neuron in layer] for layer in weights]  # each row: w_1..w_n, b
        self.X, self.y = X, y

    def step(self) -> tuple[float, list[float]]:
        W, last = self.W, len(self.W) - 1
        G = [[[0.0] * len(row) for row in layer] for layer in W]
        scale, total = 1.0 / len(self.X), 0.0
        for x, t in zip(self.X, self.y):
            acts, zs = [x], []
            for k, layer in enumerate(W):
                z = []
                for row in layer:
                    s = row[-1]
                    for w, a in zip(row, acts[-1]):
                        s += w * a
                    z.append(s)
                zs.append(z)
                acts.append(z if k == last else [v if v > 0.0 else 0.0 for v in z])
            margin = 1.0 - t * acts[-1][0]
            if margin <= 0.0:
                continue
            total += margin
            dz = [-t * scale]
            for k in range(last, -1, -1):
                a_in, da = acts[k], [0.0] * len(acts[k])
                for j, d in enumerate(dz):
                    row, grow = W[k][j], G[k][j]
                    grow[-1] += d
                    for i, a in enumerate(a_in):
                        grow[i] += d * a
                        da[i] += d * row[i]
                if k:
                    dz = [d if z > 0.0 else 0.0 for d, z in zip(da, zs[k - 1])]
        for layer, glayer in zip(W, G):
            for row, grow in zip(layer, glayer):
                for i, g in enumerate(grow):
                    row[i] -= LR * g
        return total * scale, [g for glayer in G for grow in glayer for g in grow]


class Numpy:
    name = "numpy by hand"

    def __init__(self, weights: Weights, X: list[list[float]], y: list[float]) -> None:
        import numpy as np

        self.np = np
        self.W = [np.array([neuron[:-1] for neuron in layer]) for layer in weights]
        self.B = [np.array([neuron[-1] for neuron in layer]) for layer in weights]
        self.X, self.y = np.array(X), np.array(y)

    def step(self) -> tuple[float, list[float]]:
        np, W, B, last, n = self.np, self.W, self.B, len(self.W) - 1, len(self.y)
        acts, zs = [self.X], []
        for k in range(last + 1):
            zs.append(acts[-1] @ W[k].T + B[k])
            acts.append(zs[-1] if k == last else np.maximum(zs[-1], 0.0))
        margins = 1.0 - self.y * acts[-1][:, 0]
        dz = np.where(margins > 0.0, -self.y / n, 0.0)[:, None]
        grads = []
        for k in range(last, -1, -1):
            gW, gB = dz.T @ acts[k], dz.sum(axis=0)
            grads.insert(0, np.concatenate([gW, gB[:, None]], axis=1).ravel())
            if k:
                dz = (dz @ W[k]) * (zs[k - 1] > 0.0)
            W[k] -= LR * gW
            B[k] -= LR * gB
        return float(np.maximum(margins, 0.0).sum() / n), np.concatenate(grads).tolist()


IMPLEMENTATIONS = [Eager, CompiledPython, CompiledNumpy, Floats, Numpy]


# ---------------------------------------------------------------- measuring


def check_agreement(steps: dict[str, Callable[[], tuple[float, list[float]]]]) -> None:
    """Every implementation's first step gives the same loss and gradients as the eager engine."""
    results = {name: step() for name, step in steps.items()}
    loss, grads = results["eager"]
    for name, (other_loss, other_grads) in results.items():
        worst = max([abs(other_loss - loss), *(abs(a - b) for a, b in zip(other_grads, grads))])
        if len(other_grads) != len(grads) or worst > 1e-12:
            raise AssertionError(f"{name} disagrees with eager by {worst:.3g}")


def time_steps(steps: dict[str, Callable[[], Any]], rounds: int) -> dict[str, list[float]]:
    """Each round runs every implementation once, in an order rotated from round to round."""
    times: dict[str, list[float]] = {name: [] for name in steps}
    names = list(steps)
    for r in range(rounds):
        for name in names[r % len(names):] + names[: r % len(names)]:
            start = time.perf_counter()
            steps[name]()
            times[name].append(time.perf_counter() - start)
    return times


def milliseconds(t: float) -> str:
    return f"{t * 1e3:9.3f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    rounds = parser.parse_args().rounds

    X, y = moons(N_POINTS)
    weights = initial_weights()
    impls = {cls.name: cls(weights, X, y) for cls in IMPLEMENTATIONS}
    check_agreement({name: impl.step for name, impl in impls.items()})
    times = time_steps({name: impl.step for name, impl in impls.items()}, rounds)
    median = {name: statistics.median(ts) for name, ts in times.items()}

    model = value_model(weights)
    params = [p for layer in model for neuron in layer for p in neuron]
    compile_times = []
    for _ in range(5):
        start = time.perf_counter()
        f = compile(lambda x, t: hinge(model, x, t), ([0.0, 0.0], 0.0), wrt=params)
        compile_times.append(time.perf_counter() - start)
    lines = f.source.count("\n")

    print(f"one training step: {N_POINTS} points, MLP{tuple(SIZES)}, hinge loss, relu; "
          f"median of {rounds} rounds (first step checked equal to eager to 1e-12)")
    for name in impls:
        print(f"    {name:<16} {milliseconds(median[name])}   {median['eager'] / median[name]:7.1f}x faster than eager")
    print(f"compiled python / floats by hand: {median['compiled python'] / median['floats by hand']:.2f}x  (target <= 2)")
    print(f"compiled numpy  / numpy by hand:  {median['compiled numpy'] / median['numpy by hand']:.2f}x  (target <= 3)")
    print(f"trace + code generation: {milliseconds(min(compile_times))} for {len(params)} parameters, "
          f"{lines} lines of generated code")


if __name__ == "__main__":
    main()
