"""A classifier's decision boundary over its 2-D data, drawn with matplotlib (imported only here)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from autograd import arguments, no_grad

from .metrics import predicted_class


def plot_decision_boundary(
    model: Callable[[list[float]], Any],
    X: Sequence[Sequence[float]],
    y: Sequence[int | float],
    resolution: int = 80,
    ax: Any = None,
) -> Any:
    """Colour the plane by the class ``model`` predicts, over the points of (X, y); return the Figure.

    The model is evaluated on a ``resolution`` x ``resolution`` grid under ``no_grad``. Pass a
    matplotlib ``ax`` to draw into your own figure; otherwise a new Figure is made (no pyplot,
    so it works without a display): save it with ``figure.savefig("boundary.png")``.
    """
    from matplotlib.figure import Figure

    resolution = arguments.count(resolution, "plot_decision_boundary: resolution", minimum=2)
    if len(X) != len(y) or not X or any(len(x) != 2 for x in X):
        raise ValueError("plot_decision_boundary: needs 2-D points X and as many labels y, at least one")
    axes = [[x[i] for x in X] for i in (0, 1)]
    lows = [min(a) - 0.25 * (max(a) - min(a)) - 0.1 for a in axes]
    highs = [max(a) + 0.25 * (max(a) - min(a)) + 0.1 for a in axes]
    grid = [[low + (high - low) * i / (resolution - 1) for i in range(resolution)] for low, high in zip(lows, highs)]
    with no_grad():
        classes = [[predicted_class(model([g0, g1])) for g0 in grid[0]] for g1 in grid[1]]
    truths = [int(label > 0) if min(y) < 0 else int(label) for label in y]  # signed labels: -1 -> 0, +1 -> 1
    top = max(1, *truths, *[max(row) for row in classes])
    colours = {"cmap": "coolwarm", "vmin": 0, "vmax": top}
    if ax is None:
        ax = Figure(figsize=(5, 5), dpi=100, layout="tight").subplots()
    ax.contourf(grid[0], grid[1], classes, levels=[c - 0.5 for c in range(top + 2)], alpha=0.4, **colours)
    ax.scatter(axes[0], axes[1], c=truths, s=20, edgecolors="black", **colours)
    ax.set_xlim(lows[0], highs[0])
    ax.set_ylim(lows[1], highs[1])
    return ax.figure
