"""Gradients of gradients: grad(create_graph=True) and backward(create_graph=True), to any order."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from autograd import Value, func, grad, no_grad, ops
from tests.conftest import require
from tests.op_cases import CASES, OpCase


def tanh_derivatives(x: float) -> list[float]:
    """tanh and its first four derivatives in closed form, with t = tanh x."""
    t = math.tanh(x)
    s = 1 - t * t
    return [t, s, -2 * t * s, -2 * s * (1 - 3 * t * t), 8 * t * s * (2 - 3 * t * t)]


def by_grad_of(f: Callable[[Value], Value], x0: float, order: int) -> list[float]:
    """[f(x0), f'(x0), ..., f^(order)(x0)] by differentiating the gradient's graph again and again."""
    x = Value(x0)
    d = f(x)
    found = [d.data]
    for _ in range(order):
        d = grad(d, [x], create_graph=True)[0]
        found.append(d.data)
    return found


def by_grad(x0: float) -> list[float]:
    return by_grad_of(Value.tanh, x0, 4)


def by_backward(x0: float) -> list[float]:
    x = Value(x0)
    d = x.tanh()
    found = [d.data]
    for _ in range(4):
        x.grad = 0.0
        d.backward(create_graph=True)
        d = x.grad
        found.append(d.data)
    return found


def by_func(x0: float) -> list[float]:
    derivative: Callable = lambda x: x.tanh()
    found = []
    for _ in range(4):
        derivative = func.grad(derivative)
        found.append(derivative(x0))
    return [math.tanh(x0), *found]


@pytest.mark.parametrize("route", [by_grad, by_backward, by_func], ids=lambda r: r.__name__)
@pytest.mark.parametrize("x", [-3.0, -1.0, -0.3, 0.0, 0.5, 1.2, 4.0])
def test_tanh_derivatives_one_to_four_match_their_closed_forms(route: Callable, x: float) -> None:
    assert route(x) == pytest.approx(tanh_derivatives(x), rel=1e-12, abs=1e-15)


# torch warns of the leaf <-> grad reference cycle, which is documented for both engines
@pytest.mark.filterwarnings("ignore:Using backward\\(\\) with create_graph=True:UserWarning")
def test_backward_create_graph_leaves_differentiable_grads_that_accumulate_as_pytorch() -> None:
    torch = require("torch")
    x = Value(0.8)
    y = x.sigmoid() * x
    y.backward(create_graph=True)
    first = x.grad
    assert isinstance(first, Value)
    first.backward()  # accumulates d(first)/dx into x.grad, as torch does
    t = torch.tensor(0.8, dtype=torch.float64, requires_grad=True)
    (torch.sigmoid(t) * t).backward(create_graph=True)
    t_first = t.grad
    assert first.data == pytest.approx(t_first.item(), rel=1e-12)
    t_first.backward()
    assert x.grad.data == pytest.approx(t.grad.item(), rel=1e-12)


def test_grad_touches_no_grad_and_gives_zero_for_unused_inputs() -> None:
    x, unused = Value(0.5), Value(2.0)
    dx, du = grad(x * x, [x, unused], create_graph=True)
    assert isinstance(du, Value) and du.data == 0.0 and dx.data == 1.0
    assert grad(dx, [x, unused]) == [2.0, 0.0]
    assert grad(du, [x]) == [0.0]
    assert grad(x * x, [unused]) == [0.0]
    assert x.grad == 0.0 and unused.grad == 0.0


def test_weighted_outputs_under_no_grad_still_give_a_differentiable_gradient() -> None:
    x = Value(0.5)
    y1, y2 = x * x, x.sin()
    with no_grad():  # create_graph records the backward pass anyway, as in PyTorch
        (g,) = grad([y1, y2], [x], grad_outputs=[1.0, 2.0], create_graph=True)
    assert g.data == pytest.approx(2 * 0.5 + 2 * math.cos(0.5), rel=1e-15)
    assert grad(g, [x]) == [pytest.approx(2 - 2 * math.sin(0.5), rel=1e-15)]


def test_second_order_through_a_chain_deeper_than_the_recursion_limit() -> None:
    x = Value(0.5)
    y = x
    for _ in range(10_000):
        y = y * 1.0001
    (g,) = grad(y * y, [x], create_graph=True)
    assert grad(g, [x]) == [pytest.approx(2 * 1.0001**20_000, rel=1e-9)]


def test_powers_at_zero_differentiate_to_every_order() -> None:
    # d/da a**b = b * a**(b-1) must not evaluate 0.0 ** -1 when b reaches 0 (x**0 is constant)
    assert by_grad_of(lambda x: x**0, 0.0, 2) == [1.0, 0.0, 0.0]
    assert by_grad_of(lambda x: x**2, 0.0, 4) == [0.0, 0.0, 2.0, 0.0, 0.0]
    assert by_grad_of(lambda x: x**3, 0.0, 5) == [0.0, 0.0, 0.0, 6.0, 0.0, 0.0]
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


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_second_derivatives_of_every_op_match_pytorch(case: OpCase) -> None:
    torch = require("torch")

    @given(st.tuples(*case.domain))
    def check(xs: tuple[float, ...]) -> None:
        # PyTorch's pow backward is 0 wherever the exponent is 0, which drops d2(a**b)/da db = 1/a
        # there; ours keeps it (gradgradcheck confirms it in test_check.py)
        assume(not (case.op is ops.POW and xs[1:] == (0.0,)))
        leaves = [Value(x) for x in xs]
        first = grad(case.call(*leaves), leaves, create_graph=True)
        tensors = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]
        t_first = torch.autograd.grad((case.torch_call or case.call)(*tensors), tensors, create_graph=True)
        for g, t_g in zip(first, t_first):
            second = grad(g, leaves)
            t_second = torch.autograd.grad(t_g, tensors, allow_unused=True) if t_g.requires_grad else None
            for i, h in enumerate(second):
                expected = 0.0 if t_second is None or t_second[i] is None else t_second[i].item()
                assert h == pytest.approx(expected, rel=1e-9, abs=1e-12), (xs, i)

    check()


def test_third_derivatives_of_a_mixed_expression_match_pytorch() -> None:
    torch = require("torch")

    def f(x, y):
        return (x * y).sigmoid() / y + (x - y).exp() * x**3 - (y * y + 1).log().sqrt() * x.sin()

    xs = [Value(0.4), Value(1.3)]
    ours = [k for g in grad(f(*xs), xs, create_graph=True)
            for h in grad(g, xs, create_graph=True) for k in grad(h, xs)]
    ts = [torch.tensor(x.data, dtype=torch.float64, requires_grad=True) for x in xs]
    differentiate = functools.partial(torch.autograd.grad, inputs=ts, create_graph=True)
    theirs = [k.item() for g in differentiate(f(*ts)) for h in differentiate(g) for k in differentiate(h)]
    assert ours == pytest.approx(theirs, rel=1e-11)
