"""Losses: one number saying how wrong a batch of outputs is, built from Values so it can be differentiated.

Every loss takes the model's outputs for a batch (one per sample) and the matching labels,
and returns a Value: the mean over the batch, except ``half_squared_error`` (a sum, as the
textbook writes E). ``mse_loss`` and ``half_squared_error`` also take plain floats, and then
return a float. ``l2_penalty`` is added to a loss to keep the weights small. Each pauses the cyclic
garbage collector while it builds its nodes (``autograd.gc_paused``): they make no reference cycles.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar, cast

from autograd import Value, arguments, gc_paused

Scalar = TypeVar("Scalar", Value, float)  # a loss of Values is a Value; of floats, a float


def _batch_size(outputs: Any, labels: Any, what: str) -> int:
    """The number of samples, after checking outputs and labels are equally long, non-empty lists."""
    for name, items in (("outputs", outputs), ("labels", labels)):
        if isinstance(items, (str, bytes)) or not isinstance(items, Sequence):
            raise TypeError(f"{what}: {name} must be a list with one entry per sample, got {type(items).__name__}")
    if len(outputs) != len(labels):
        raise ValueError(f"{what}: {len(outputs)} outputs but {len(labels)} labels")
    if not outputs:
        raise ValueError(f"{what}: the batch is empty")
    return len(outputs)


def _sum_of_squared_errors(predictions: Sequence[Scalar], targets: Sequence[float]) -> Scalar:
    total: Any = 0.0
    for a, y in zip(predictions, targets):
        d = y - a
        total = total + d * d
    return cast(Scalar, total)


def _mean(terms: list[Value], n: int) -> Value:
    """(0 + t1 + ... + tn) * (1 / n): the mean of a batch's terms, n >= 1, as a node of the graph."""
    return cast(Value, sum(terms)) * (1.0 / n)


def mse_loss(predictions: Sequence[Scalar], targets: Sequence[float]) -> Scalar:
    """Mean squared error: mean((y - a)^2) over the batch."""
    n = _batch_size(predictions, targets, "mse_loss")
    with gc_paused():
        return _sum_of_squared_errors(predictions, targets) * (1.0 / n)


def half_squared_error(predictions: Sequence[Scalar], targets: Sequence[float]) -> Scalar:
    """The textbook's E = 1/2 * sum((y - a)^2); the 1/2 cancels the 2 of the derivative."""
    _batch_size(predictions, targets, "half_squared_error")
    with gc_paused():
        return 0.5 * _sum_of_squared_errors(predictions, targets)


def hinge_loss(scores: Sequence[Value], labels: Sequence[int | float]) -> Value:
    """Max-margin loss, as micrograd's demo: mean(relu(1 - y * score)) for labels y of -1 or +1."""
    n = _batch_size(scores, labels, "hinge_loss")
    for y in labels:
        if y != 1 and y != -1:
            raise ValueError(f"hinge_loss: labels must be -1 or +1 (data sets: labels='signed'), got {y!r}")
    with gc_paused():
        return _mean([(1.0 - y * s).relu() for s, y in zip(scores, labels)], n)


def bce_with_logits(logits: Sequence[Value | float], labels: Sequence[int | float]) -> Value:
    """Binary cross-entropy on logits z for labels y in [0, 1]: mean(softplus(z) - y * z).

    The same as -y log sigmoid(z) - (1 - y) log(1 - sigmoid(z)), but it never takes the log of
    a rounded-off 0, and its gradient is exactly sigmoid(z) - y.
    """
    n = _batch_size(logits, labels, "bce_with_logits")
    for y in labels:
        if not (isinstance(y, (int, float)) and 0.0 <= y <= 1.0):
            raise ValueError(f"bce_with_logits: labels must be numbers in [0, 1] (data sets: labels='index'), got {y!r}")
    with gc_paused():
        return _mean([(z if isinstance(z, Value) else Value(z)).softplus() - y * z for z, y in zip(logits, labels)], n)


def cross_entropy(logits: Sequence[Sequence[Value]], labels: Sequence[int]) -> Value:
    """Softmax cross-entropy: mean(log(sum_j e^z_j) - z_label), one list of logits per sample.

    The log-sum-exp subtracts the largest logit first, so e^z never overflows.
    """
    n = _batch_size(logits, labels, "cross_entropy")
    total: Any = 0.0
    with gc_paused():
        for zs, label in zip(logits, labels):
            if not (isinstance(label, int) and 0 <= label < len(zs)):
                raise ValueError(f"cross_entropy: a label must be a class index in [0, {len(zs)}), got {label!r}")
            top = max(arguments.number(z, "cross_entropy: a logit") for z in zs)
            log_sum_exp = cast(Value, sum([(z - top).exp() for z in zs])).log() + top
            total = total + (log_sum_exp - zs[label])
        return cast(Value, total * (1.0 / n))


def l2_penalty(parameters: Iterable[Value], alpha: float = 1.0) -> Value | float:
    """alpha * sum(p^2): added to a loss, it pulls every weight towards 0 (0.0 for no parameters)."""
    alpha = arguments.real(alpha, "l2_penalty: alpha", low=0.0)
    with gc_paused():
        return alpha * sum([p * p for p in parameters])
