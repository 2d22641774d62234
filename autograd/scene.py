"""What a drawing shows, as plain data: boxes, op nodes and edges, with every text and colour decided.

A scene is built from a graph (``draw_dot``) or from a backward trace (the player's frames), then
``render_dot`` turns it into a Graphviz drawing; nothing here knows Graphviz. Node ids come from
the traversal order, never from ``id()``, so the same program gives the same scene.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace

from .format import format_number, node_names
from .language import text
from .trace import BackwardTrace
from .value import Value

PARAM_FILL = "#dbeafe"  # blue: parameters, the numbers training changes
INPUT_FILL = "#dcfce7"  # green: inputs and constants (leaves that are not parameters)
VALUE_FILL = "#ffffff"  # white: intermediate results
OP_FILL = "#f1f5f9"
GROUP_FILL = "#ede9fe"  # violet: a collapsed neuron or layer
DONE_FILL = "#bbf7d0"  # green: this gradient is complete
PARTIAL_FILL = "#fef08a"  # yellow: some contributions have arrived, more are coming
LINE = "#475569"
HIGHLIGHT = "#ea580c"
DONE_TEXT = "#64748b"  # grey: the product on an edge already traversed
CHAR_WIDTH = 8.5  # points per character at font size 12, a little more than a digit in NanumGothic


@dataclass(frozen=True)
class Cell:
    """One text of a box, with its own background colour and least width in points (if any)."""

    text: str
    fill: str | None = None
    min_width: int | None = None  # keeps a box's size fixed from frame to frame


@dataclass(frozen=True)
class Box:
    """A value (title, data, grad side by side) or a group of them drawn as one (cells in rows).

    ``border`` is the outline's width; a highlighted box is outlined in ``HIGHLIGHT``.
    """

    id: str
    title: str
    cells: tuple[Cell, ...]
    fill: str
    border: int
    highlighted: bool = False
    bold: bool = False
    rows: bool = False


@dataclass(frozen=True)
class OpNode:
    """The small oval of the op that computed a value."""

    id: str
    text: str
    highlighted: bool = False


@dataclass(frozen=True)
class Edge:
    """An arrow between two ids, with an optional text (``text_color`` may be "transparent")."""

    tail: str
    head: str
    text: str = ""
    text_color: str | None = None
    highlighted: bool = False


Item = Box | OpNode | Edge


@dataclass(frozen=True)
class Scene:
    """A whole drawing: its items in drawing order (the layout follows it) and graph-wide settings."""

    items: list[Item]
    rankdir: str
    fontname: str


def graph_scene(
    order: list[Value],
    root: Value,
    trace: BackwardTrace | None,
    *,
    params: Collection[Value],
    highlight: Collection[Value],
    precision: int,
    rankdir: str,
    fontname: str,
) -> Scene:
    """Every node of ``order`` with its op and edges, grad cells showing ``.grad``.

    Given the ``trace`` of a backward pass from ``root``, each edge shows its product
    ``upstream × local = contribution`` and each grad cell the sum of what the node received.
    """
    if trace is None:
        grads = {node: format_number(node.grad, precision) for node in order}
        edge_texts = {}
    else:
        grads = _sums(trace, precision)
        edge_texts = {key: (text, None) for key, text in _products(trace, precision).items()}
    items = _value_items(
        order,
        root,
        {node: f"v{index}" for index, node in enumerate(order)},
        {node: Cell(f"grad {text}") for node, text in grads.items()},
        precision,
        params=params,
        highlight=highlight,
        edge_texts=edge_texts,
    )
    return Scene(items, rankdir, fontname)


def collapsed_scene(
    order: list[Value],
    root: Value,
    group: Mapping[Value, str],
    *,
    params: Collection[Value],
    highlight: Collection[Value],
    precision: int,
    rankdir: str,
    fontname: str,
    lang: str | None = None,
) -> Scene:
    """One box per group of ``group`` (node -> group name); nodes outside every group drawn as usual.

    The boxes' counts and outputs are written in ``lang`` (default: the language in effect).
    """
    members: dict[str, list[Value]] = {name: [] for name in sorted(set(group.values()), key=_natural)}
    for node in order:
        if node in group:
            members[group[node]].append(node)
    box_ids = {name: f"g{index}" for index, name in enumerate(members)}
    ids = {node: box_ids[group[node]] if node in group else f"v{i}" for i, node in enumerate(order)}
    users: dict[Value, set[str]] = {}
    for node in order:
        for child in node.children:
            users.setdefault(child, set()).add(ids[node])
    items: list[Item] = []
    for name, nodes in members.items():
        outputs = [n for n in nodes if n is root or users.get(n, set()) - {box_ids[name]}]
        parameters, ops = sum(n in params for n in nodes), sum(n.op is not None for n in nodes)
        texts = [f"{_counted(parameters, 'draw.param', lang)}, {_counted(ops, 'draw.op', lang)}"]
        texts += [
            text("draw.output", lang, data=format_number(n.data, precision), grad=format_number(n.grad, precision))
            for n in outputs[:3]
        ]
        texts += [_counted(len(outputs) - 3, "draw.more_output", lang)] if len(outputs) > 3 else []
        boxed = any(n in highlight for n in nodes)
        cells = tuple(Cell(text) for text in texts)
        border = _border(boxed, root in nodes)
        items.append(Box(box_ids[name], name, cells, GROUP_FILL, border, boxed, bold=True, rows=True))
    wires = dict.fromkeys(
        (ids[child], ids[node]) for node in order if node in group for child in node.children
    )
    items += [Edge(tail, head) for tail, head in wires if tail != head]  # each wire into a box, once
    visible = [node for node in order if node not in group]
    grads = {node: Cell(f"grad {format_number(node.grad, precision)}") for node in visible}
    items += _value_items(visible, root, ids, grads, precision, params=params, highlight=highlight)
    return Scene(items, rankdir, fontname)


def backward_scenes(
    order: list[Value],
    trace: BackwardTrace,
    *,
    precision: int,
    rankdir: str,
    fontname: str,
    forward: bool = False,
) -> list[Scene]:
    """The seed, then one scene per step of ``trace`` (``order``: its graph, children first).

    The step's node is outlined; complete gradients are green, partial sums yellow, missing ones
    ``?``. Every edge carries its product in every scene, invisible until traversed, and data and
    grad cells keep their width, so no frame moves a node. With ``forward``, one scene per node in
    ``order`` comes first: the forward pass, each value appearing when it is computed.
    """
    names = node_names(order, trace.root)
    finish = finishing_steps(trace)
    states = _running_grads(trace)
    texts = [
        {node: _grad_text(grads, finish, frame, node, precision) for node in order}
        for frame, grads in enumerate(states)
    ]
    widths = {
        node: round(CHAR_WIDTH * len("grad " + max((t[node] for t in texts), key=len))) for node in order
    }
    ids = {node: f"v{index}" for index, node in enumerate(order)}
    visit = {step.node: number for number, step in enumerate(trace.steps, start=1)}
    products = _products(trace, precision)
    values = {node: format_number(node.data, precision) for node in order}
    data = {node: Cell(f"data {values[node]}", None, round(CHAR_WIDTH * len(f"data {values[node]}"))) for node in order}
    scenes = []
    if forward:
        unknown = {node: Cell("grad ?", None, widths[node]) for node in order}
        hidden = {key: (text, "transparent") for key, text in products.items()}
        for k, current in enumerate(order):
            known = set(order[: k + 1])
            shown = {node: data[node] if node in known else replace(data[node], text="data ?") for node in order}
            items = _value_items(
                order, trace.root, ids, unknown, precision, highlight={current}, names=names, edge_texts=hidden,
                data=shown,
            )
            scenes.append(Scene(items, rankdir, fontname))
    for frame, grads in enumerate(states):
        fills = {node: DONE_FILL if finish[node] <= frame else PARTIAL_FILL for node in grads}
        cells = {node: Cell(f"grad {texts[frame][node]}", fills.get(node), widths[node]) for node in order}
        edge_texts = {key: (text, _edge_color(visit[key[0]], frame)) for key, text in products.items()}
        highlight = {trace.steps[frame - 1].node} if frame else set()
        items = _value_items(
            order, trace.root, ids, cells, precision, highlight=highlight, names=names, edge_texts=edge_texts,
            data=data,
        )
        scenes.append(Scene(items, rankdir, fontname))
    return scenes


def _value_items(
    nodes: list[Value],
    root: Value,
    ids: Mapping[Value, str],
    grads: Mapping[Value, Cell],
    precision: int,
    *,
    params: Collection[Value] = frozenset(),
    highlight: Collection[Value] = frozenset(),
    names: Mapping[Value, str] | None = None,
    edge_texts: Mapping[tuple[Value, int], tuple[str, str | None]] | None = None,
    data: Mapping[Value, Cell] | None = None,
) -> list[Item]:
    """A box per node (name, data, grad cell from ``grads``) and an oval per op, wired to ``ids``.

    Parameters are blue and bold, other leaves green, results white. ``names`` replaces labels as
    titles; ``edge_texts`` maps ``(node, i)`` to the text and colour on the edge from
    ``node.children[i]``; ``data`` replaces the data cells. A highlighted node's op and edges are
    highlighted too.
    """
    items: list[Item] = []
    for node in nodes:
        highlighted = node in highlight
        items.append(
            Box(
                ids[node],
                names[node] if names else node.label,
                (data[node] if data else Cell(f"data {format_number(node.data, precision)}"), grads[node]),
                PARAM_FILL if node in params else INPUT_FILL if node.op is None else VALUE_FILL,
                _border(highlighted, node is root),
                highlighted,
                bold=node in params,
            )
        )
        if node.op is None:
            continue
        op_id = ids[node] + "_op"
        items.append(OpNode(op_id, node.op.name, highlighted))
        for index, child in enumerate(node.children):
            text, color = edge_texts.get((node, index), ("", None)) if edge_texts else ("", None)
            items.append(Edge(ids[child], op_id, text, color, highlighted))
        items.append(Edge(op_id, ids[node], highlighted=highlighted))
    return items


def _border(highlighted: bool, is_root: bool) -> int:
    """A box's outline width: thickest when highlighted, thicker for the root."""
    return 3 if highlighted else 2 if is_root else 1


def _counted(number: int, key: str, lang: str | None) -> str:
    """``1 op``, ``2 ops``: the message ``key`` for one, ``key + "s"`` for any other count."""
    return text(key if number == 1 else key + "s", lang, count=number)


def _natural(name: str) -> list[str | int]:
    """Sort key putting ``neurons.2`` before ``neurons.10``."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


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


def _products(trace: BackwardTrace, precision: int) -> dict[tuple[Value, int], str]:
    """The product on each edge of ``trace``, keyed ``(node, i)`` for the edge from ``node.children[i]``."""
    return {
        (step.node, i): product_text(step.grad, edge.local, edge.contribution, precision)
        for step in trace.steps
        for i, edge in enumerate(step.edges)
    }


def _sums(trace: BackwardTrace, precision: int) -> dict[Value, str]:
    """Each node's gradient as the sum of the contributions it received, in arrival order."""
    received: dict[Value, list[float]] = {trace.root: [trace.seed]}
    for step in trace.steps:
        for edge in step.edges:
            received.setdefault(edge.child, []).append(edge.contribution)
    grads = trace.replay()
    return {node: sum_text(terms, grads[node], precision) for node, terms in received.items()}


def finishing_steps(trace: BackwardTrace) -> dict[Value, int]:
    """For each node, the frame from which its gradient is complete (0: the seed frame)."""
    finish = {trace.root: 0}
    for number, step in enumerate(trace.steps, start=1):
        for edge in step.edges:
            finish[edge.child] = number
    return finish


def _running_grads(trace: BackwardTrace) -> list[dict[Value, float]]:
    """Per frame: every gradient received so far (running sums for nodes still receiving)."""
    grads: dict[Value, float] = {trace.root: trace.seed}
    states = [dict(grads)]
    for step in trace.steps:
        for edge in step.edges:
            grads[edge.child] = edge.child_grad
        states.append(dict(grads))
    return states


def _grad_text(
    grads: dict[Value, float], finish: dict[Value, int], frame: int, node: Value, precision: int
) -> str:
    """``?`` before any contribution, ``0.5 + …`` while more are coming, then the number."""
    if node not in grads:
        return "?"
    text = format_number(grads[node], precision)
    return text if finish[node] <= frame else f"{text} + …"


def _edge_color(visited: int, frame: int) -> str:
    """The colour of an edge's product: highlighted while traversed, grey after, invisible before."""
    if visited == frame:
        return HIGHLIGHT
    return DONE_TEXT if visited < frame else "transparent"
