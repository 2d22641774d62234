"""Pictures of what a model learned, drawn with matplotlib (imported only here), and fonts for Hangul."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from autograd import arguments, no_grad

from .metrics import predicted_class

# Korean fonts, one per system: Linux (fonts-nanum), Windows, macOS (two), and Noto CJK
KOREAN_FONTS = ("NanumGothic", "Malgun Gothic", "AppleGothic", "Apple SD Gothic Neo", "Noto Sans CJK KR")


def use_korean_fonts() -> list[str]:
    """Let matplotlib draw Hangul: DejaVu Sans for Latin text, then each of ``KOREAN_FONTS`` installed here.

    Only installed fonts are named, so matplotlib warns about none; returns the list it set.
    """
    from matplotlib import font_manager, rcParams

    installed = {font.name for font in font_manager.fontManager.ttflist}
    families = ["DejaVu Sans", *(name for name in KOREAN_FONTS if name in installed)]
    rcParams["font.family"] = families
    return families


def plot_decision_boundary(
    model: Callable[[list[float]], Any],
    X: Sequence[Sequence[float]],
    y: Sequence[int | float],
    resolution: int = 80,
    ax: Any = None,
) -> Any:
    """Colour the plane by the class ``model`` predicts, over the points of (X, y); return the Figure.

    The model is evaluated on a ``resolution`` x ``resolution`` grid under ``no_grad``. The axes
    get a title, labels and a legend of the classes (shading: predicted, dots: true), all of which
    ``ax.set_title`` and friends can replace. Pass a matplotlib ``ax`` to draw into your own figure;
    otherwise a new Figure is made (no pyplot, so it works without a display): save it with
    ``figure.savefig("boundary.png")``.
    """
    from matplotlib import colormaps
    from matplotlib.figure import Figure
    from matplotlib.legend_handler import HandlerTuple
    from matplotlib.patches import Patch

    resolution = arguments.count(resolution, "plot_decision_boundary: resolution", minimum=2)
    if len(X) != len(y) or not X or any(len(x) != 2 for x in X):
        raise ValueError("plot_decision_boundary: needs 2-D points X and as many labels y, at least one")
    axes = [[x[i] for x in X] for i in (0, 1)]
    lows = [min(a) - 0.25 * (max(a) - min(a)) - 0.1 for a in axes]
    highs = [max(a) + 0.25 * (max(a) - min(a)) + 0.1 for a in axes]
    grid = [[low + (high - low) * i / (resolution - 1) for i in range(resolution)] for low, high in zip(lows, highs)]
    with no_grad():
        classes = [[predicted_class(model([g0, g1])) for g0 in grid[0]] for g1 in grid[1]]
    signed = min(y) < 0
    truths = [int(label > 0) if signed else int(label) for label in y]  # signed labels: -1 -> 0, +1 -> 1
    top = max(1, *truths, *[max(row) for row in classes])
    colours = [colormaps["coolwarm"](c / top) for c in range(top + 1)]
    if ax is None:
        ax = Figure(figsize=(5, 5), dpi=100, layout="tight").subplots()
    ax.contourf(grid[0], grid[1], classes, levels=[c - 0.5 for c in range(top + 2)], colors=colours, alpha=0.4)
    handles = []
    for c, colour in enumerate(colours):
        points = [i for i, truth in enumerate(truths) if truth == c]
        dots = ax.scatter([axes[0][i] for i in points], [axes[1][i] for i in points], color=colour, s=20,
                          edgecolors="black")
        handles.append((Patch(facecolor=colour, alpha=0.4), dots))
    names = ["−1", "+1"] if signed else [str(c) for c in range(top + 1)]
    ax.legend(handles, names, handler_map={tuple: HandlerTuple(ndivide=None)}, title="class", loc="best")
    ax.set_title("Predicted class (shading) and true class (dots)")
    ax.set_xlabel("x1 (first input)")
    ax.set_ylabel("x2 (second input)")
    ax.set_xlim(lows[0], highs[0])
    ax.set_ylim(lows[1], highs[1])
    return ax.figure
