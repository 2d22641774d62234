"""``fit``: the training loop every notebook writes by hand, once, with a progress bar and a history.

Each step: (a batch of) forward passes, the loss (plus an optional L2 penalty), ``zero_grad``,
``backward``, ``optimizer.step``. Writing the loop yourself stays the main way to learn it;
``fit`` is for when the loop is no longer the point.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from autograd import Value, arguments, gc_paused, language

from .losses import hinge_loss, l2_penalty
from .metrics import accuracy
from .optim import Optimizer
from .progress import Progress


class Model(Protocol):
    """What ``fit`` trains: a module called on one input (a Neuron, Layer, MLP or your own)."""

    def __call__(self, x: Sequence[float], /) -> Any: ...

    def parameters(self) -> list[Value]: ...


@dataclass
class History:
    """Per step: the loss (penalty included) and the accuracy on that step's batch, before its update."""

    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)


def fit(
    model: Model,
    X: Sequence[Sequence[float]],
    y: Sequence[int | float],
    optimizer: Optimizer,
    *,
    loss: Callable[[list[Any], Sequence[Any]], Value] = hinge_loss,
    steps: int = 100,
    l2: float = 0.0,
    schedule: Callable[[int], float] | None = None,
    batch_size: int | None = None,
    seed: int | random.Random | None = 0,
    progress: bool = True,
    lang: str | None = None,
) -> History:
    """Train a classifier for ``steps`` optimizer steps; return the loss and accuracy of each step.

    ``loss(outputs, labels)`` is any of nn's losses; ``l2`` adds ``l2_penalty(parameters, l2)``;
    ``schedule(k)`` sets ``optimizer.lr`` before step k (e.g. ``LinearDecay``). Without
    ``batch_size`` every step uses the whole data set; with it, a batch drawn with ``seed``.
    ``progress`` shows a tqdm bar while training (a widget in Jupyter) when tqdm is installed, then
    the final state as one line of plain text, ``fit: step 100/100: loss 0.0193, accuracy 100%``; in
    Jupyter the line takes the bar's place, so a saved notebook shows it. Both are written in
    ``lang`` (default: ``autograd.set_language``'s).
    """
    lang = language.resolve(lang)
    if len(X) != len(y) or not X:
        raise ValueError(f"fit: needs as many labels as inputs, at least one; got {len(X)} and {len(y)}")
    steps = arguments.count(steps, "fit: steps")
    l2 = arguments.real(l2, "fit: l2", low=0.0)
    size = len(X) if batch_size is None else min(arguments.count(batch_size, "fit: batch_size"), len(X))
    generator = arguments.rng(seed, "fit: seed")
    parameters = model.parameters()
    history = History()
    bar = Progress(steps, language.text("fit.bar", lang), language.text("fit.unit", lang)) if progress else None
    for k in range(steps):
        if schedule is not None:
            optimizer.lr = schedule(k)
        rows = range(len(X)) if size == len(X) else generator.sample(range(len(X)), size)
        with gc_paused():  # the step's graph holds no cycles and is freed inside, when _step returns
            step_loss, step_accuracy = _step(model, [X[i] for i in rows], [y[i] for i in rows], optimizer,
                                             loss, l2, parameters)
        history.loss.append(step_loss)
        history.accuracy.append(step_accuracy)
        if bar is not None:
            shown = {"fit.loss": f"{step_loss:.4f}", "fit.accuracy": f"{step_accuracy:.0%}"}
            bar.update({language.text(key, lang): number for key, number in shown.items()})
    if bar is not None:
        loss_text, accuracy_text = f"{history.loss[-1]:.4f}", f"{history.accuracy[-1]:.0%}"
        bar.finish(language.text("fit.summary", lang, steps=steps, loss=loss_text, accuracy=accuracy_text))
    return history


def _step(
    model: Model,
    inputs: list[Sequence[float]],
    labels: list[int | float],
    optimizer: Optimizer,
    loss: Callable[[list[Any], Sequence[Any]], Value],
    l2: float,
    parameters: list[Value],
) -> tuple[float, float]:
    """One optimizer step on a batch: forward, loss (plus the L2 penalty), zero_grad, backward, update.

    Returns the loss and the accuracy before the update, as numbers: the graph is gone on return.
    """
    outputs = [model(x) for x in inputs]
    total = loss(outputs, labels)
    if l2:
        total = total + l2_penalty(parameters, l2)
    optimizer.zero_grad()
    total.backward()
    optimizer.step()
    return total.data, accuracy(outputs, labels)
