"""draw_dot: the options checked, the graph's scene built (whole or collapsed), then rendered with Graphviz.

``scene`` decides what is drawn, ``render_dot`` how; ``graphviz`` is imported only when a drawing is made.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from . import arguments
from .backward import graph_size, topological_order
from .collapse import Grouping, find_grouping, group_nodes
from .language import resolve
from .render_dot import AUTO, fit_width, render
from .scene import Edge, collapsed_scene, graph_scene
from .trace import trace_backward
from .value import Value

if TYPE_CHECKING:
    from .digraph import Digraph

DEFAULT_FONT = "NanumGothic,Noto Sans CJK KR,Apple SD Gothic Neo,AppleGothic,Malgun Gothic,sans-serif"
DEFAULT_MAX_NODES = 2000
DEFAULT_MAX_WIDTH = 1000.0  # points: in a 900-pixel column, 10-point text is still 9 pixels tall
COUNTED_PER_LIMIT = 100  # a graph is counted up to 100 x max_nodes, so a refusal of a huge one is quick
RANKDIRS = (AUTO, "LR", "TB", "RL", "BT")


def draw_dot(
    root: Value,
    *,
    rankdir: str = AUTO,
    max_width: float = DEFAULT_MAX_WIDTH,
    precision: int = 4,
    edge_labels: bool = False,
    highlight: Iterable[Value] = (),
    params: Iterable[Value] = (),
    collapse: str | Grouping | None = None,
    max_nodes: int = DEFAULT_MAX_NODES,
    fontname: str = DEFAULT_FONT,
    lang: str | None = None,
) -> Digraph:
    """Draw the graph that computed ``root`` as a ``graphviz.Digraph`` (shown as SVG in Jupyter).

    Each Value is a box with its label, data and grad; each op is a small oval. Parameters
    (``params``, e.g. ``model.parameters()``) are blue, other leaves green, results white.
    ``edge_labels`` writes ``upstream × local = contribution`` on every edge and, where a node
    is used more than once, the sum of its contributions in its grad cell; these numbers come from
    a fresh backward pass from ``root`` that touches no ``.grad``. ``highlight`` outlines nodes.
    ``collapse`` draws each group of ``params`` as one box: ``"neuron"`` or ``"layer"`` (registered
    by ``nn``), or any function from a parameter to its group's name (None: no group).
    Graphs over ``max_nodes`` drawing nodes are refused (``dot`` slows down with the square).

    ``rankdir="auto"`` (the default) draws left to right unless that is wider than ``max_width``
    points (1,000: about a 900-pixel column, where smaller text could not be read), and then top to
    bottom, or whichever of the two is narrower; it lays the graph out with ``dot`` to measure.
    ``"LR"``, ``"TB"``, ``"RL"`` or ``"BT"`` fix the direction. Collapsed boxes are labelled in
    ``lang`` (``"en"`` or ``"ko"``; default: ``autograd.set_language``'s).
    """
    lang = resolve(lang)
    max_width = check_options("draw_dot", root, rankdir, precision, max_nodes, max_width)
    grouping = None if collapse is None else find_grouping(collapse)
    highlight = _values(highlight, "highlight")
    params = _values(params, "params")
    if grouping is None:
        check_size(root, max_nodes)
    elif edge_labels:
        raise ValueError("draw_dot: edge_labels cannot be combined with collapse (edges join whole boxes)")
    order = topological_order([root])
    if grouping is None:
        trace = trace_backward(root) if edge_labels else None
        scene = graph_scene(
            order, root, trace, params=params, highlight=highlight, precision=precision, rankdir=rankdir,
            fontname=fontname,
        )
        return render(fit_width(scene, max_width))
    scene = collapsed_scene(
        order, root, _groups(order, params, collapse, grouping), params=params, highlight=highlight,
        precision=precision, rankdir=rankdir, fontname=fontname, lang=lang,
    )
    units = sum(not isinstance(item, Edge) for item in scene.items)
    refuse_size(len(order), sum(node.op is not None for node in order), units, max_nodes)
    return render(fit_width(scene, max_width))


def _groups(
    order: list[Value], params: frozenset[Value], collapse: object, grouping: Grouping
) -> dict[Value, str]:
    """The box of each node that goes in one; a collapse that would draw no box is refused, naming ``collapse``."""
    if not params:
        raise ValueError(
            f"draw_dot: collapse={collapse!r} needs params=model.parameters(); their labels name the boxes"
        )
    group = group_nodes(order, params, grouping)
    if not group:
        raise ValueError(
            f"draw_dot: collapse={collapse!r} found no parameter label naming a "
            f"{collapse if isinstance(collapse, str) else 'group'}; "
            f"labels seen: {sorted({p.label for p in params})[:5]}"
        )
    return group


def check_size(root: Value, max_nodes: int) -> None:
    """Refuse to draw more than ``max_nodes`` Graphviz nodes, counting no further than needed to say so."""
    values, ops = graph_size(root, COUNTED_PER_LIMIT * max_nodes)
    refuse_size(values, ops, values + ops, max_nodes, exact=values + ops <= COUNTED_PER_LIMIT * max_nodes)


def refuse_size(values: int, ops: int, units: int, max_nodes: int, exact: bool = True) -> None:
    """The error for a drawing of ``units`` Graphviz nodes over ``max_nodes``, saying what to do instead."""
    if units <= max_nodes:
        return
    size = (f"{values:,} values and {ops:,} ops, {units:,} drawing nodes in all" if exact
            else f"at least {units:,} drawing nodes (values and ops)")
    raise ValueError(
        f"draw_dot: the graph has {size}, more than max_nodes={max_nodes:,}. Graphviz's dot takes about 2 s at "
        "2,000 nodes and 12 s at 5,000, and crashes near 20,000. Instead: draw a model's graph collapsed, one "
        "box per neuron or layer (draw_dot(out, params=model.parameters(), collapse='neuron' or 'layer')); "
        "draw a subgraph (draw_dot on an intermediate Value)"
        + (f"; or raise the limit (max_nodes={units})." if exact else ".")
    )


def check_options(who: str, root: Any, rankdir: Any, precision: Any, max_nodes: Any, max_width: Any) -> float:
    """Reject a bad root or drawing option with a message naming the function ``who``; return ``max_width``."""
    if not isinstance(root, Value):
        raise TypeError(f"{who}: root must be a Value, got {type(root).__name__} {root!r}")
    if rankdir not in RANKDIRS:
        raise ValueError(f"{who}: rankdir must be one of {RANKDIRS}, got {rankdir!r}")
    for name, number in (("precision", precision), ("max_nodes", max_nodes)):
        if not isinstance(number, int) or isinstance(number, bool) or number < 1:
            raise ValueError(f"{who}: {name} must be a whole number >= 1, got {number!r}")
    return arguments.real(max_width, f"{who}: max_width", low=0.0, low_open=True)


def _values(items: Iterable[Any], what: str) -> frozenset[Value]:
    if isinstance(items, Value):
        items = [items]
    found = []
    for item in items:
        if not isinstance(item, Value):
            raise TypeError(
                f"draw_dot: {what} must hold Values (e.g. model.parameters()), "
                f"got {type(item).__name__} {item!r}"
            )
        found.append(item)
    return frozenset(found)
