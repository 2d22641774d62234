"""Drawing a graph with Graphviz: one box per Value (label, data, grad), one small node per op.

Every piece of text goes through ``html_text``, so a label renders exactly as typed and can never
change the graph's structure. Node ids come from the traversal order, never from ``id()``, so the
same program gives byte-identical DOT. ``graphviz`` is imported only when a drawing is made.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .backward import graph_size, topological_order
from .collapse import LEVELS, group_nodes
from .format import format_number
from .trace import trace_backward
from .value import Value

if TYPE_CHECKING:
    import graphviz

DEFAULT_FONT = "NanumGothic,Noto Sans CJK KR,Apple SD Gothic Neo,Malgun Gothic,sans-serif"
DEFAULT_MAX_NODES = 2000
COUNTED_PER_LIMIT = 100  # a graph is counted up to 100 x max_nodes, so a refusal of a huge one is quick
RANKDIRS = ("LR", "TB", "RL", "BT")

PARAM_FILL = "#dbeafe"  # blue: parameters, the numbers training changes
INPUT_FILL = "#dcfce7"  # green: inputs and constants (leaves that are not parameters)
VALUE_FILL = "#ffffff"  # white: intermediate results
OP_FILL = "#f1f5f9"
GROUP_FILL = "#ede9fe"  # violet: a collapsed neuron or layer
LINE = "#475569"
HIGHLIGHT = "#ea580c"


def html_text(text: str) -> str:
    """``text`` as the content of a Graphviz HTML-like label that renders exactly as typed.

    XML's special characters become entities; backslashes are doubled because Graphviz expands
    ``\\N``, ``\\G`` and friends even inside HTML labels; newlines become ``<BR/>``; a tab becomes
    four spaces; characters XML cannot carry (control characters, lone surrogates) are shown as
    Python escapes such as ``\\x07``.
    """
    out = []
    for char in text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    "):
        if char == "\n":
            out.append("<BR/>")
        elif not _xml_char(char):
            out.append(_entities(ascii(char)[1:-1]))
        else:
            out.append(_entities(char))
    return "".join(out)


def _xml_char(char: str) -> bool:
    code = ord(char)
    return code >= 0x20 and not 0xD800 <= code <= 0xDFFF and code not in (0xFFFE, 0xFFFF)


def _entities(text: str) -> str:
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
        .replace("\\", "\\\\")
    )


@dataclass
class Look:
    """What a drawing shows on top of the graph: gradient texts, edge texts, names and highlights.

    ``grads`` maps a node to the text of its grad cell (``grad_fills`` to its colour, ``grad_widths``
    to its least width); ``edges`` maps ``(node, i)`` to the text on the edge from ``node.children[i]``
    (``edge_colors`` to the text's colour); ``names`` maps a node to the name shown in its box
    (default: its label). Edges of a highlighted node are highlighted too.
    """

    grads: Mapping[Value, str]
    grad_fills: Mapping[Value, str] = field(default_factory=dict)
    grad_widths: Mapping[Value, int] = field(default_factory=dict)  # points; keeps a box's size fixed
    edges: Mapping[tuple[Value, int], str] = field(default_factory=dict)
    edge_colors: Mapping[tuple[Value, int], str] = field(default_factory=dict)  # may be "transparent"
    names: Mapping[Value, str] = field(default_factory=dict)
    highlight: Collection[Value] = frozenset()


def draw_dot(
    root: Value,
    *,
    rankdir: str = "LR",
    precision: int = 4,
    edge_labels: bool = False,
    highlight: Iterable[Value] = (),
    params: Iterable[Value] = (),
    collapse: str | None = None,
    max_nodes: int = DEFAULT_MAX_NODES,
    fontname: str = DEFAULT_FONT,
) -> graphviz.Digraph:
    """Draw the graph that computed ``root`` as a ``graphviz.Digraph`` (shown as SVG in Jupyter).

    Each Value is a box with its label, data and grad; each op is a small oval. Parameters
    (``params``, e.g. ``model.parameters()``) are blue, other leaves green, results white.
    ``edge_labels`` writes ``upstream × local = contribution`` on every edge and, where a node
    is used more than once, the sum of its contributions in its grad cell; these numbers come from
    a fresh backward pass from ``root`` that touches no ``.grad``. ``highlight`` outlines nodes.
    ``collapse="neuron"`` or ``"layer"`` draws each neuron or layer of ``params`` as one box.
    Graphs over ``max_nodes`` drawing nodes are refused (``dot`` slows down with the square).
    """
    check_options("draw_dot", root, rankdir, precision, max_nodes)
    if collapse is not None and collapse not in LEVELS:
        raise ValueError(f"draw_dot: collapse must be None, 'neuron' or 'layer', got {collapse!r}")
    highlight = _values(highlight, "highlight")
    params = _values(params, "params")
    if collapse is None:
        check_size(root, max_nodes)
    order = topological_order([root])
    if collapse is not None:
        if edge_labels:
            raise ValueError(
                "draw_dot: edge_labels cannot be combined with collapse (edges join whole boxes)"
            )
        return _draw_collapsed(
            order, root, params, highlight, collapse, rankdir, precision, max_nodes, fontname
        )
    if edge_labels:
        look = _backward_look(root, precision)
    else:
        look = Look({node: format_number(node.grad, precision) for node in order})
    look.highlight = highlight
    return draw_graph(order, root, params, look, rankdir=rankdir, precision=precision, fontname=fontname)


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


def draw_graph(
    order: list[Value],
    root: Value,
    params: Collection[Value],
    look: Look,
    *,
    rankdir: str,
    precision: int,
    fontname: str,
) -> graphviz.Digraph:
    """Draw every node of ``order`` with its op and edges, as ``look`` says."""
    canvas = _canvas(rankdir, fontname)
    _draw_values(
        canvas, order, root, params, look, precision, {node: f"v{i}" for i, node in enumerate(order)}
    )
    return canvas


def _draw_values(
    canvas: graphviz.Digraph,
    nodes: list[Value],
    root: Value,
    params: Collection[Value],
    look: Look,
    precision: int,
    unit: Mapping[Value, str],
) -> None:
    """Add a box for each of ``nodes`` and an oval for its op, wired to what ``unit`` draws its inputs as."""
    for node in nodes:
        name = look.names.get(node, node.label)
        cells = [f"data {format_number(node.data, precision)}", f"grad {look.grads[node]}"]
        fill = PARAM_FILL if node in params else INPUT_FILL if node.op is None else VALUE_FILL
        highlighted = node in look.highlight
        grad_attrs = "".join(
            f' {attr}="{value}"'
            for attr, value in (("BGCOLOR", look.grad_fills.get(node)), ("WIDTH", look.grad_widths.get(node)))
            if value
        )
        box = _box(name, cells, fill, highlighted, node is root, bold=node in params, grad_attrs=grad_attrs)
        canvas.node(unit[node], box)
        if node.op is None:
            continue
        op_id = unit[node] + "_op"
        canvas.node(op_id, f"<{html_text(node.op.name)}>", **_op_style(highlighted))
        line = {"color": HIGHLIGHT, "penwidth": "2"} if highlighted else {}
        for index, child in enumerate(node.children):
            text = look.edges.get((node, index))
            if text:
                color = look.edge_colors.get((node, index))
                text = f'<FONT COLOR="{color}">{html_text(text)}</FONT>' if color else html_text(text)
            canvas.edge(unit[child], op_id, **line, **({"label": f"<{text}>"} if text else {}))
        canvas.edge(op_id, unit[node], **line)


def sum_text(terms: list[float], total: float, precision: int) -> str:
    """``a + b + c = total`` for the contributions that add up to one gradient (long sums shortened)."""
    if len(terms) == 1:
        return format_number(total, precision)
    shown = terms if len(terms) <= 4 else terms[:3]
    text = " + ".join(signed(t, precision) if i else format_number(t, precision) for i, t in enumerate(shown))
    if len(terms) > 4:
        text += f" + … ({len(terms)} terms)"
    return f"{text} = {format_number(total, precision)}"


def signed(x: float, precision: int) -> str:
    """A number to write after an operator: negatives in parentheses, as in ``2.0 × (-3.0)``."""
    text = format_number(x, precision)
    return f"({text})" if text.startswith("-") else text


def product_text(upstream: float, local: float, contribution: float, precision: int) -> str:
    """``upstream × local = contribution``: one use of the chain rule."""
    return (
        f"{format_number(upstream, precision)} × {signed(local, precision)} = "
        f"{format_number(contribution, precision)}"
    )


def _backward_look(root: Value, precision: int) -> Look:
    """Edge products and fan-out sums of a fresh backward pass from ``root``."""
    trace = trace_backward(root)
    received: dict[Value, list[float]] = {root: [trace.seed]}
    edges = {}
    for step in trace.steps:
        for index, edge in enumerate(step.edges):
            received.setdefault(edge.child, []).append(edge.contribution)
            edges[(step.node, index)] = product_text(step.grad, edge.local, edge.contribution, precision)
    grads = trace.replay()
    return Look(
        {node: sum_text(terms, grads[node], precision) for node, terms in received.items()}, edges=edges
    )


def _draw_collapsed(
    order: list[Value],
    root: Value,
    params: Collection[Value],
    highlight: Collection[Value],
    level: str,
    rankdir: str,
    precision: int,
    max_nodes: int,
    fontname: str,
) -> graphviz.Digraph:
    """One box per neuron or layer; values outside every box are drawn as usual."""
    if not params:
        raise ValueError(
            f"draw_dot: collapse={level!r} needs params=model.parameters(); their labels name the boxes"
        )
    group = group_nodes(order, params, level)
    if not group:
        raise ValueError(
            f"draw_dot: collapse={level!r} found no parameter label naming a {level} "
            "(like 'layers.0.neurons.3.w.1'); "
            f"labels seen: {sorted({p.label for p in params})[:5]}"
        )
    members: dict[str, list[Value]] = {name: [] for name in sorted(set(group.values()), key=_natural)}
    for node in order:
        if node in group:
            members[group[node]].append(node)
    box_ids = {name: f"g{index}" for index, name in enumerate(members)}
    unit = {node: box_ids[group[node]] if node in group else f"v{i}" for i, node in enumerate(order)}
    visible = [node for node in order if node not in group]
    units = len(members) + len(visible) + sum(1 for n in visible if n.op is not None)
    refuse_size(len(order), sum(1 for n in order if n.op is not None), units, max_nodes)
    users: dict[Value, set[str]] = {}
    for node in order:
        for child in node.children:
            users.setdefault(child, set()).add(unit[node])
    canvas = _canvas(rankdir, fontname)
    for name, nodes in members.items():
        outputs = [n for n in nodes if n is root or users.get(n, set()) - {box_ids[name]}]
        cells = [f"{sum(n in params for n in nodes)} params, {sum(n.op is not None for n in nodes)} ops"]
        cells += [
            f"out {format_number(n.data, precision)}, grad {format_number(n.grad, precision)}"
            for n in outputs[:3]
        ]
        cells += [f"… {len(outputs) - 3} more outputs"] if len(outputs) > 3 else []
        boxed = any(n in highlight for n in nodes)
        canvas.node(box_ids[name], _box(name, cells, GROUP_FILL, boxed, root in nodes, bold=True, rows=True))
    wired: set[tuple[str, str]] = set()
    for node in order:
        for child in node.children:
            wire = (unit[child], unit[node])
            if node in group and wire[0] != wire[1] and wire not in wired:
                wired.add(wire)
                canvas.edge(*wire)
    look = Look({node: format_number(node.grad, precision) for node in visible}, highlight=highlight)
    _draw_values(canvas, visible, root, params, look, precision, unit)
    return canvas


def _natural(name: str) -> list[str | int]:
    """Sort key putting ``neurons.2`` before ``neurons.10``."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def _box(
    name: str,
    cells: list[str],
    fill: str,
    highlighted: bool,
    is_root: bool,
    bold: bool,
    rows: bool = False,
    grad_attrs: str = "",
) -> str:
    """An HTML-like label: the name, then the cells side by side (or one per row).

    ``grad_attrs`` are extra attributes of the last cell (the grad), such as its colour.
    """
    parts = [f"<B>{html_text(name)}</B>" if bold else html_text(name)] if name else []
    parts += [html_text(cell) for cell in cells]
    tds = [f"<TD{grad_attrs if i == len(parts) - 1 else ''}>{part}</TD>" for i, part in enumerate(parts)]
    body = "".join(f"<TR>{td}</TR>" for td in tds) if rows else "<TR>" + "<VR/>".join(tds) + "</TR>"
    border, color = (3, HIGHLIGHT) if highlighted else (2 if is_root else 1, LINE)
    return (
        f'<<TABLE BORDER="{border}" COLOR="{color}" CELLBORDER="0" CELLSPACING="0" CELLPADDING="4" '
        f'BGCOLOR="{fill}" STYLE="ROUNDED">{body}</TABLE>>'
    )


def _op_style(highlighted: bool) -> dict[str, str]:
    style = {
        "shape": "ellipse",
        "style": "filled",
        "fillcolor": OP_FILL,
        "margin": "0.04,0.02",
        "height": "0.3",
    }
    return style | ({"color": HIGHLIGHT, "penwidth": "3"} if highlighted else {"color": LINE})


def _canvas(rankdir: str, fontname: str) -> graphviz.Digraph:
    try:
        from .digraph import Digraph
    except ImportError as error:
        raise ModuleNotFoundError(
            "draw_dot needs the graphviz Python package: "
            "pip install 'chainrule[viz]' (or pip install graphviz)"
        ) from error
    return Digraph(
        graph_attr={"rankdir": rankdir, "fontname": fontname, "bgcolor": "white", "nodesep": "0.25"},
        node_attr={"shape": "plain", "fontname": fontname, "fontsize": "12"},
        edge_attr={"fontname": fontname, "fontsize": "10", "color": LINE, "arrowsize": "0.7"},
    )


def check_options(who: str, root: Any, rankdir: Any, precision: Any, max_nodes: Any) -> None:
    """Reject a bad root or drawing option with a message naming the function ``who``."""
    if not isinstance(root, Value):
        raise TypeError(f"{who}: root must be a Value, got {type(root).__name__} {root!r}")
    if rankdir not in RANKDIRS:
        raise ValueError(f"{who}: rankdir must be one of {RANKDIRS}, got {rankdir!r}")
    for name, number in (("precision", precision), ("max_nodes", max_nodes)):
        if not isinstance(number, int) or isinstance(number, bool) or number < 1:
            raise ValueError(f"{who}: {name} must be a whole number >= 1, got {number!r}")


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
