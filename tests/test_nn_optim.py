"""nn optimizers: every update equals torch.optim's on the same problem, step after step; the schedule."""

from __future__ import annotations

import math

import pytest

import nn
from autograd import Value
from tests.conftest import require

START = [0.5, -1.5, 2.0]
STEPS = 6


def loss_of(ws: list) -> object:
    """A small non-quadratic problem whose gradients change from step to step."""
    a, b, c = ws
    return (a * b - 1.0) ** 2 + (b + c).tanh() * 3.0 + c * c * a


def descend(params: list, optimizer, number) -> list[float]:
    """Every parameter's value (read with ``number``) after each of STEPS steps of ``optimizer``."""
    path = []
    for _ in range(STEPS):
        optimizer.zero_grad()
        loss_of(params).backward()
        optimizer.step()
        path.extend(number(p) for p in params)
    return path


def run_ours(make) -> list[float]:
    params = [Value(x) for x in START]
    return descend(params, make(params), lambda p: p.data)


def run_torch(torch, make) -> list[float]:
    params = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in START]
    return descend(params, make(params), lambda p: p.item())


@pytest.mark.parametrize(
    "settings",
    [
        {"lr": 0.1},
        {"lr": 0.05, "momentum": 0.9},
        {"lr": 0.05, "momentum": 0.5, "weight_decay": 0.1},
    ],
)
def test_sgd_matches_torch(settings) -> None:
    torch = require("torch")
    ours = run_ours(lambda ps: nn.SGD(ps, **settings))
    theirs = run_torch(torch, lambda ps: torch.optim.SGD(ps, **settings))
    assert ours == pytest.approx(theirs, abs=1e-13)


@pytest.mark.parametrize(
    "settings",
    [
        {"lr": 0.1},
        {"lr": 0.05, "betas": (0.8, 0.99), "eps": 1e-6},
        {"lr": 0.05, "weight_decay": 0.3},
    ],
)
def test_adam_matches_torch_adamw(settings) -> None:
    torch = require("torch")
    ours = run_ours(lambda ps: nn.Adam(ps, **settings))
    theirs = run_torch(torch, lambda ps: torch.optim.AdamW(ps, **{"weight_decay": 0.0, **settings}))
    assert ours == pytest.approx(theirs, abs=1e-13)


def test_sgd_step_by_hand() -> None:
    p = Value(2.0)
    optimizer = nn.SGD([p], lr=0.5, momentum=0.5)
    for _ in range(2):
        optimizer.zero_grad()
        (p * p).backward()
        optimizer.step()
    # step 1: g = 4, v = 4, p = 2 - 0.5*4 = 0; step 2: g = 0, v = 2, p = 0 - 1 = -1
    assert p.data == -1.0


def test_gradients_accumulate_until_zero_grad() -> None:
    p = Value(1.0)
    optimizer = nn.SGD([p], lr=0.1)
    (p * 3.0).backward()
    (p * 3.0).backward()
    assert p.grad == 6.0
    optimizer.zero_grad()
    assert p.grad == 0.0


def test_linear_decay_is_micrograds_schedule() -> None:
    schedule = nn.LinearDecay(1.0, 0.1, 100)
    for k in (0, 1, 37, 99, 100):
        assert schedule(k) == pytest.approx(1.0 - 0.9 * k / 100, abs=1e-15)
    assert schedule(250) == pytest.approx(0.1)


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: nn.SGD([1.0], lr=0.1), TypeError, "SGD: parameters must be Values, got float"),
        (lambda: nn.SGD([Value(1.0)], lr=-1.0), ValueError, "SGD: lr must be"),
        (lambda: nn.SGD([Value(1.0)], lr=math.nan), ValueError, "SGD: lr must be a finite"),
        (lambda: nn.Adam([Value(1.0)], betas=(0.9,)), TypeError, "Adam: betas must be a pair"),
        (lambda: nn.Adam([Value(1.0)], betas=(1.0, 0.999)), ValueError, "Adam: betas must be below 1"),
        (lambda: nn.LinearDecay(1.0, 0.1, 0), ValueError, "LinearDecay: steps must be at least 1"),
    ],
)
def test_bad_arguments_are_named(call, error, words) -> None:
    with pytest.raises(error, match=words):
        call()


def test_a_parameter_listed_twice_is_refused() -> None:
    p = Value(1.0)
    with pytest.raises(ValueError, match="listed twice"):
        nn.Adam([p, p])


def test_step_refuses_a_gradient_that_is_a_graph() -> None:
    p = Value(1.0, label="p")
    (p * p).backward(create_graph=True)
    with pytest.raises(TypeError, match="the gradient of 'p' is Value"):
        nn.SGD([p], lr=0.1).step()


def test_a_new_optimizer_writes_only_its_update_rule() -> None:
    class HeavyBall(nn.Optimizer):  # SGD with momentum 0.5, on the base's state and weight decay
        def step(self) -> None:
            velocity = self.buffer("velocity")
            for i, (p, g) in enumerate(zip(self.parameters, self.decayed_gradients())):
                velocity[i] = 0.5 * velocity[i] + g
                p.data -= self.lr * velocity[i]

    ours = run_ours(lambda ps: HeavyBall(ps, lr=0.05, weight_decay=0.1))
    assert ours == run_ours(lambda ps: nn.SGD(ps, lr=0.05, momentum=0.5, weight_decay=0.1))
    with pytest.raises(TypeError, match="abstract"):
        nn.Optimizer([Value(1.0)], lr=0.1)  # type: ignore[abstract]
