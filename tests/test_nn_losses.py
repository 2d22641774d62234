"""nn losses: each against its formula, against PyTorch, stable where it must be, and strict about labels."""

from __future__ import annotations

import math

import pytest

import nn
from autograd import Value, gradcheck
from tests.conftest import require

SCORES = [0.7, -1.3, 2.5, -0.2]
SIGNED = [1, -1, -1, 1]
BINARY = [1, 0, 0, 1]


def values(numbers: list[float]) -> list[Value]:
    return [Value(x) for x in numbers]


def test_mse_and_the_seed_documents_half_squared_error() -> None:
    targets = [1.0, 0.0, -1.0, 2.0]
    squares = [(t - a) ** 2 for a, t in zip(SCORES, targets)]
    assert nn.mse_loss(values(SCORES), targets).data == pytest.approx(sum(squares) / 4, abs=1e-15)
    predictions = values(SCORES)
    error = nn.half_squared_error(predictions, targets)
    assert error.data == pytest.approx(0.5 * sum(squares), abs=1e-15)
    error.backward()  # dE/da = a - y: the 1/2 cancels the 2
    assert [a.grad for a in predictions] == pytest.approx([a - t for a, t in zip(SCORES, targets)], abs=1e-15)


def test_hinge_is_micrograds_max_margin_loss() -> None:
    expected = sum(max(0.0, 1.0 - y * s) for s, y in zip(SCORES, SIGNED)) / 4
    assert nn.hinge_loss(values(SCORES), SIGNED).data == pytest.approx(expected, abs=1e-15)


def test_bce_with_logits_equals_the_textbook_formula_and_stays_finite() -> None:
    def textbook(z: float, y: int) -> float:
        p = 1.0 / (1.0 + math.exp(-z))
        return -(y * math.log(p) + (1 - y) * math.log(1.0 - p))

    expected = sum(textbook(z, y) for z, y in zip(SCORES, BINARY)) / 4
    assert nn.bce_with_logits(values(SCORES), BINARY).data == pytest.approx(expected, abs=1e-14)
    z = Value(800.0)
    loss = nn.bce_with_logits([z], [0])  # the textbook formula takes log(1 - 1.0) here
    loss.backward()
    assert loss.data == 800.0 and z.grad == 1.0
    assert nn.bce_with_logits([Value(-800.0)], [0]).data == 0.0


def test_cross_entropy_uses_log_sum_exp_and_stays_finite() -> None:
    logits = [[1.0, 2.0, 0.5], [-1.0, 0.0, 3.0]]
    labels = [1, 0]
    expected = sum(math.log(sum(math.exp(z) for z in zs)) - zs[k] for zs, k in zip(logits, labels)) / 2
    assert nn.cross_entropy([values(zs) for zs in logits], labels).data == pytest.approx(expected, abs=1e-14)
    big = values([1000.0, 1001.0])
    loss = nn.cross_entropy([big], [1])
    loss.backward()
    assert loss.data == pytest.approx(math.log1p(math.exp(-1.0)), abs=1e-12)  # 1001 added, then taken off
    assert [z.grad for z in big] == pytest.approx([1 / (1 + math.e), -1 / (1 + math.e)], abs=1e-14)


def test_l2_penalty() -> None:
    params = values([0.5, -2.0])
    penalty = nn.l2_penalty(params, 0.1)
    penalty.backward()
    assert penalty.data == pytest.approx(0.1 * 4.25, abs=1e-15)
    assert [p.grad for p in params] == pytest.approx([0.1, -0.4], abs=1e-15)


@pytest.mark.parametrize(
    "loss, labels",
    [(nn.hinge_loss, SIGNED), (nn.bce_with_logits, BINARY), (nn.mse_loss, [0.5, 1.0, -1.0, 0.0])],
)
def test_gradients_of_losses_pass_gradcheck(loss, labels) -> None:
    assert gradcheck(lambda *s: loss(list(s), labels), [0.7, -1.3, 2.5, -0.3])


def test_losses_and_gradients_match_pytorch() -> None:
    torch = require("torch")
    F = torch.nn.functional
    cases = [
        (nn.mse_loss, lambda z, t: F.mse_loss(z, t), [0.5, 1.0, -1.0, 0.0]),
        (nn.bce_with_logits, lambda z, t: F.binary_cross_entropy_with_logits(z, t), BINARY),
        (nn.hinge_loss, lambda z, t: torch.relu(1 - t * z).mean(), SIGNED),
    ]
    for ours, theirs, labels in cases:
        z = values(SCORES)
        loss = ours(z, labels)
        loss.backward()
        zt = torch.tensor(SCORES, dtype=torch.float64, requires_grad=True)
        reference = theirs(zt, torch.tensor(labels, dtype=torch.float64))
        reference.backward()
        assert loss.data == pytest.approx(reference.item(), abs=1e-14)
        assert [v.grad for v in z] == pytest.approx(zt.grad.tolist(), abs=1e-14)
    logits = [[1.0, 2.0, 0.5], [-1.0, 0.0, 3.0], [0.3, 0.3, -4.0]]
    z = [values(row) for row in logits]
    loss = nn.cross_entropy(z, [1, 0, 2])
    loss.backward()
    zt = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
    reference = F.cross_entropy(zt, torch.tensor([1, 0, 2]))
    reference.backward()
    assert loss.data == pytest.approx(reference.item(), abs=1e-14)
    assert [v.grad for row in z for v in row] == pytest.approx(zt.grad.flatten().tolist(), abs=1e-14)


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: nn.hinge_loss([Value(1.0)], [0]), ValueError, "hinge_loss: labels must be -1 or \\+1"),
        (lambda: nn.bce_with_logits([Value(1.0)], [-1]), ValueError, "bce_with_logits: labels must be numbers in"),
        (lambda: nn.cross_entropy([[Value(1.0)]], [3]), ValueError, "cross_entropy: a label must be a class index"),
        (lambda: nn.mse_loss([Value(1.0)], [1.0, 2.0]), ValueError, "mse_loss: 1 outputs but 2 labels"),
        (lambda: nn.mse_loss([], []), ValueError, "mse_loss: the batch is empty"),
        (lambda: nn.hinge_loss(Value(1.0), [1]), TypeError, "hinge_loss: outputs must be a list"),
        (lambda: nn.l2_penalty([Value(1.0)], -1.0), ValueError, "l2_penalty: alpha must be"),
    ],
)
def test_bad_arguments_are_named(call, error, words) -> None:
    with pytest.raises(error, match=words):
        call()
