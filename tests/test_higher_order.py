"""Gradients of gradients: grad(create_graph=True) and backward(create_graph=True), to any order."""

from __future__ import annotations

import pytest

from autograd import Value, grad


def derivatives(f, x0: float, order: int) -> list[float]:
    """[f(x0), f'(x0), ..., f^(order)(x0)] by differentiating the gradient graph again and again."""
    x = Value(x0)
    d = f(x)
    found = [d.data]
    for _ in range(order):
        d = grad(d, [x], create_graph=True)[0]
        found.append(d.data)
    return found


def test_powers_at_zero_differentiate_to_every_order() -> None:
    # d/da a**b = b * a**(b-1) must not evaluate 0.0 ** -1 when b reaches 0 (x**0 is constant)
    assert derivatives(lambda x: x**0, 0.0, 2) == [1.0, 0.0, 0.0]
    assert derivatives(lambda x: x**2, 0.0, 4) == [0.0, 0.0, 2.0, 0.0, 0.0]
    assert derivatives(lambda x: x**3, 0.0, 5) == [0.0, 0.0, 0.0, 6.0, 0.0, 0.0]
    x = Value(0.0)
    (x**0).backward()
    assert x.grad == 0.0  # as PyTorch


def test_value_seeds_give_float_gradients_unless_create_graph() -> None:
    x = Value(0.5)
    y = x * x
    assert grad(y, [x], grad_outputs=Value(2.0)) == [2.0]  # floats, as create_graph=False promises
    y.backward(Value(2.0))
    assert x.grad == 2.0
    seed = Value(2.0)
    (dx,) = grad(y, [x], grad_outputs=seed, create_graph=True)
    assert grad(dx, [x, seed]) == [4.0, 1.0]  # d(seed * 2x)/dx, d(seed * 2x)/dseed
