"""Classification accuracy, for a model with one score per sample or one logit per class."""

from __future__ import annotations

from collections.abc import Sequence

from autograd import Value, arguments

Output = Value | float | Sequence[Value | float]


def predicted_class(output: Output) -> int:
    """1 if a single score is positive, else 0; for a list of logits, the index of the largest."""
    if isinstance(output, Sequence):
        scores = [arguments.number(z) for z in output]
        return scores.index(max(scores))
    return int(arguments.number(output) > 0.0)


def accuracy(outputs: Sequence[Output], labels: Sequence[int | float]) -> float:
    """The fraction of samples classified right.

    With one score per sample, a positive score predicts the positive class: label +1 (signed
    labels) or 1 (index labels). With a list of logits, the label is the class index.
    """
    if len(outputs) != len(labels) or not outputs:
        raise ValueError(f"accuracy: needs as many labels as outputs, at least one; got {len(outputs)} and {len(labels)}")
    right = 0
    for output, label in zip(outputs, labels):
        truth = label if isinstance(output, Sequence) else int(label > 0)
        right += predicted_class(output) == truth
    return right / len(outputs)
