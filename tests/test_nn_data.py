"""nn data sets: shapes, labels in both forms, the same points for the same seed, and the geometry promised."""

from __future__ import annotations

import math

import pytest

import nn

GENERATORS = [nn.moons, nn.circles, nn.xor, nn.spiral, nn.blobs]


@pytest.mark.parametrize("make", GENERATORS)
def test_points_labels_and_seeds(make) -> None:
    X, y = make(101, seed=4)
    assert len(X) == len(y) == 101
    assert all(len(x) == 2 and all(isinstance(c, float) and math.isfinite(c) for c in x) for x in X)
    assert set(y) == {-1, 1}
    assert make(101, seed=4) == (X, y)
    assert make(101, seed=5) != (X, y)
    X_index, y_index = make(101, seed=4, labels="index")
    assert X_index == X and y_index == [(label + 1) // 2 for label in y]


def test_classes_are_balanced_and_shuffled() -> None:
    _, y = nn.moons(100, noise=0.1, seed=0)
    assert y.count(1) == y.count(-1) == 50
    assert y != sorted(y)


def test_moons_without_noise_lie_on_their_half_circles() -> None:
    X, y = nn.moons(40, noise=0.0, seed=0)
    for (x1, x2), label in zip(X, y):
        centre = (0.0, 0.0) if label == -1 else (1.0, 0.5)
        assert math.hypot(x1 - centre[0], x2 - centre[1]) == pytest.approx(1.0, abs=1e-12)
        assert (x2 >= -1e-12) if label == -1 else (x2 <= 0.5 + 1e-12)


def test_circles_radii_and_xor_quadrants() -> None:
    X, y = nn.circles(50, noise=0.0, factor=0.3, seed=0)
    for (x1, x2), label in zip(X, y):
        assert math.hypot(x1, x2) == pytest.approx(1.0 if label == -1 else 0.3, abs=1e-12)
    X, y = nn.xor(200, seed=0)
    for (x1, x2), label in zip(X, y):
        assert (label == 1) == ((x1 < 0) != (x2 < 0))


def test_spiral_and_blobs_with_several_classes() -> None:
    X, y = nn.spiral(90, classes=3, noise=0.0, seed=0, labels="index")
    assert sorted(set(y)) == [0, 1, 2] and all(math.hypot(*x) <= 1.0 + 1e-12 for x in X)
    X, y = nn.blobs(60, centers=[(5.0, 5.0), (-5.0, -5.0), (5.0, -5.0)], noise=0.1, seed=0, labels="index")
    centres = [(5.0, 5.0), (-5.0, -5.0), (5.0, -5.0)]
    assert all(math.dist(x, centres[label]) < 1.0 for x, label in zip(X, y))


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: nn.moons(0), ValueError, "moons: n must be at least 1"),
        (lambda: nn.moons(10, noise=-0.1), ValueError, "moons: noise must be"),
        (lambda: nn.circles(10, labels="one-hot"), ValueError, "circles: labels must be one of"),
        (lambda: nn.spiral(10, classes=3), ValueError, "labels='signed' needs two classes, got 3"),
        (lambda: nn.blobs(10, centers=[(1.0,)]), TypeError, "blobs: each of centers must be a pair"),
        (lambda: nn.xor(10, seed=1.5), TypeError, "xor: seed must be an int"),
    ],
)
def test_bad_arguments_are_named(call, error, words) -> None:
    with pytest.raises(error, match=words):
        call()
