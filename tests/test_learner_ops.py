"""Learner-defined ops: Op(name, forward, derivatives) works like a built-in op everywhere."""

from __future__ import annotations

import math

import pytest
from hypothesis import given

from autograd import Op, Value, check_local_derivatives, func, grad, gradcheck, gradgradcheck, ops
from tests.conftest import require
from tests.op_cases import interval


def stable_softplus(x: float) -> float:
    """log(1 + e**x), written so that e**x never overflows."""
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


softplus = Op("softplus", stable_softplus, lambda x, out: (1.0 / (1.0 + ops.exp(-x)),))
cube = Op("cube", lambda x: x**3, lambda x, out: (3.0 * x * x,))
cube_with_a_typo = Op("cube", lambda x: x**3, lambda x, out: (3.0 * x,))


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


@given(interval(-20.0, 20.0))
def test_softplus_backward_and_second_derivative(x0: float) -> None:
    x = Value(x0)
    y = softplus(x)
    assert y.data == pytest.approx(math.log1p(math.exp(x0)), rel=1e-12)
    (first,) = grad(y, [x], create_graph=True)
    assert first.data == pytest.approx(sigmoid(x0), rel=1e-12)
    assert grad(first, [x]) == [pytest.approx(sigmoid(x0) * sigmoid(-x0), rel=1e-9)]  # sigmoid'(x)
    y.backward()
    assert x.grad == pytest.approx(sigmoid(x0), rel=1e-12)


def test_softplus_never_overflows() -> None:
    for x0, slope in ((800.0, 1.0), (-800.0, 0.0)):
        x = Value(x0)
        softplus(x).backward()
        assert x.grad == slope


@given(interval(-5.0, 5.0))
def test_cube_derivatives_to_third_order(x0: float) -> None:
    x = Value(x0)
    first = grad(cube(x), [x], create_graph=True)[0]
    second = grad(first, [x], create_graph=True)[0]
    assert (first.data, second.data, grad(second, [x])[0]) == pytest.approx((3 * x0**2, 6 * x0, 6.0))


@given(interval(-3.0, 3.0), interval(-3.0, 3.0))
def test_learner_ops_pass_every_check(x: float, y: float) -> None:
    def f(x, y):
        return softplus(x * y) + cube(y) * x

    assert gradcheck(f, [x, y]) and gradgradcheck(f, [x, y])
    assert check_local_derivatives(f(Value(x), Value(y)))


def test_learner_ops_hessian_matches_pytorch() -> None:
    torch = require("torch")
    point = (0.7, -1.1)
    expected = torch.autograd.functional.hessian(
        lambda x, y: torch.nn.functional.softplus(x * y) + y**3 * x,
        tuple(torch.tensor(p, dtype=torch.float64) for p in point),
    )
    found = func.hessian(lambda x, y: softplus(x * y) + cube(y) * x)(*point)
    assert found == [[pytest.approx(expected[i][j].item(), rel=1e-12) for j in range(2)] for i in range(2)]


def test_a_wrong_derivative_is_caught_and_named() -> None:
    def volume(side):
        return cube_with_a_typo(side)

    with pytest.raises(AssertionError, match=r"gradcheck: the gradient of volume at side=2.0 differs"):
        gradcheck(volume, 2.0)
    side = Value(2.0, label="side")
    volume = cube_with_a_typo(side)
    volume.label = "volume"
    with pytest.raises(AssertionError, match=r"op 'cube' is wrong at node 'volume' \(inputs side=2.0\)"):
        check_local_derivatives(volume * 1000.0)


def test_a_forward_rule_must_return_a_real_number() -> None:
    whole = Op("whole", lambda x: int(x), lambda x, out: (0.0,))
    assert type(whole(Value(2.5)).data) is float
    root = Op("root", lambda x: x**0.5, lambda x, out: (0.5 / out,))  # complex for x < 0 in Python
    message = r"'root': the forward result for input x=-4.0 must be a real number, got complex"
    with pytest.raises(TypeError, match=message):
        root(Value(-4.0, label="x"))
