"""Toy data sets of points in the plane, generated in pure Python from a seed (no scikit-learn needed).

Each function returns ``(X, y)``: ``X`` is a list of ``[x1, x2]`` float pairs, ``y`` the list of
int labels, shuffled together. ``labels="signed"`` gives -1 / +1 (two classes only; for
``hinge_loss``), ``labels="index"`` gives class indices 0, 1, ..., k-1 (for ``bce_with_logits``
and ``cross_entropy``). ``noise`` is the standard deviation of the Gaussian noise added to each
coordinate. The same ``seed`` always gives the same points.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

from autograd import arguments

Dataset = tuple[list[list[float]], list[int]]
Point = tuple[float, float]


def moons(n: int = 100, noise: float = 0.1, seed: int | random.Random | None = 0, labels: str = "signed") -> Dataset:
    """Two interleaving half circles, as scikit-learn's ``make_moons``: the upper one is class 0 (-1)."""
    n = arguments.count(n, "moons: n")
    upper = [(math.cos(t), math.sin(t)) for t in _spaced(0.0, math.pi, n // 2, endpoint=True)]
    lower = [(1.0 - math.cos(t), 0.5 - math.sin(t)) for t in _spaced(0.0, math.pi, n - n // 2, endpoint=True)]
    return _finish("moons", [upper, lower], noise, arguments.rng(seed, "moons: seed"), labels)


def circles(
    n: int = 100,
    noise: float = 0.05,
    factor: float = 0.5,
    seed: int | random.Random | None = 0,
    labels: str = "signed",
) -> Dataset:
    """A circle of radius 1 (class 0) around one of radius ``factor`` (class 1), as ``make_circles``."""
    n = arguments.count(n, "circles: n")
    factor = arguments.real(factor, "circles: factor", low=0.0, high=1.0)
    outer = [(math.cos(t), math.sin(t)) for t in _spaced(0.0, 2.0 * math.pi, n // 2, endpoint=False)]
    inner = [
        (factor * math.cos(t), factor * math.sin(t)) for t in _spaced(0.0, 2.0 * math.pi, n - n // 2, endpoint=False)
    ]
    return _finish("circles", [outer, inner], noise, arguments.rng(seed, "circles: seed"), labels)


def xor(n: int = 100, noise: float = 0.0, seed: int | random.Random | None = 0, labels: str = "signed") -> Dataset:
    """Points uniform in the square [-1, 1]^2; class 1 where exactly one coordinate is negative."""
    n = arguments.count(n, "xor: n")
    generator = arguments.rng(seed, "xor: seed")
    classes: list[list[Point]] = [[], []]
    for _ in range(n):
        x1, x2 = generator.uniform(-1.0, 1.0), generator.uniform(-1.0, 1.0)
        classes[(x1 < 0.0) != (x2 < 0.0)].append((x1, x2))
    return _finish("xor", classes, noise, generator, labels)


def spiral(
    n: int = 100,
    classes: int = 2,
    noise: float = 0.05,
    seed: int | random.Random | None = 0,
    labels: str = "signed",
) -> Dataset:
    """``classes`` spiral arms from the centre out to radius 1, each one full turn, evenly spaced in angle."""
    n = arguments.count(n, "spiral: n")
    k = arguments.count(classes, "spiral: classes")
    arms = []
    for j, size in enumerate(_sizes(n, k)):
        radii = _spaced(0.0, 1.0, size, endpoint=True)
        arms.append([(r * math.sin(2.0 * math.pi * (j / k + r)), r * math.cos(2.0 * math.pi * (j / k + r))) for r in radii])
    return _finish("spiral", arms, noise, arguments.rng(seed, "spiral: seed"), labels)


def blobs(
    n: int = 100,
    centers: int | Sequence[Point] = 2,
    noise: float = 0.5,
    seed: int | random.Random | None = 0,
    labels: str = "signed",
) -> Dataset:
    """Gaussian blobs around ``centers``: a list of (x1, x2) points, or a count spread on a circle of radius 2."""
    n = arguments.count(n, "blobs: n")
    if isinstance(centers, int):
        k = arguments.count(centers, "blobs: centers")
        middles = [(2.0 * math.cos(2.0 * math.pi * j / k), 2.0 * math.sin(2.0 * math.pi * j / k)) for j in range(k)]
    else:
        middles = [_point(c, "blobs: each of centers") for c in centers]
        arguments.count(len(middles), "blobs: the number of centers")
    classes = [[middle] * size for middle, size in zip(middles, _sizes(n, len(middles)))]
    return _finish("blobs", classes, noise, arguments.rng(seed, "blobs: seed"), labels)


def _spaced(start: float, stop: float, size: int, endpoint: bool) -> list[float]:
    """``size`` evenly spaced numbers from ``start`` (to ``stop`` inclusive if ``endpoint``)."""
    intervals = size - 1 if endpoint else size
    return [start + (stop - start) * i / intervals if intervals else start for i in range(size)]


def _sizes(n: int, k: int) -> list[int]:
    """Split ``n`` points into ``k`` classes as evenly as possible."""
    return [n // k + (j < n % k) for j in range(k)]


def _point(value: object, what: str) -> Point:
    if not isinstance(value, Sequence) or len(value) != 2:
        raise TypeError(f"{what} must be a pair (x1, x2), got {value!r}")
    return arguments.real(value[0], what), arguments.real(value[1], what)


def _finish(what: str, classes: list[list[Point]], noise: float, generator: random.Random, labels: str) -> Dataset:
    """Add noise to the points of each class, label them, shuffle them together."""
    noise = arguments.real(noise, f"{what}: noise", low=0.0)
    arguments.choice(labels, f"{what}: labels", ("signed", "index"))
    if labels == "signed" and len(classes) != 2:
        raise ValueError(f"{what}: labels='signed' needs two classes, got {len(classes)}; use labels='index'")
    names = [-1, 1] if labels == "signed" else list(range(len(classes)))
    rows = [
        ([x1 + generator.gauss(0.0, noise), x2 + generator.gauss(0.0, noise)], name)
        for points, name in zip(classes, names)
        for x1, x2 in points
    ]
    generator.shuffle(rows)
    return [x for x, _ in rows], [label for _, label in rows]
