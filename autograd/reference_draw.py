"""A case's graph as the learner's engine built it, beside chainrule's, with the place where they part outlined.

Both graphs arrive as lists of ``GraphNode`` (read through ``_prev`` and ``_op``, or ``children`` and
``op``). Each is mirrored into chainrule Values whose ops only carry the engine's names (they never
run), so the project's scene draws them as ``draw_dot`` draws any graph; the two scenes become two
labelled clusters of one drawing.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from .draw import DEFAULT_FONT
from .ops import Op
from .reference_messages import say
from .render_dot import render
from .scene import LINE, Box, Edge, Item, Scene, graph_scene
from .value import Value

if TYPE_CHECKING:
    from .digraph import Digraph
    from .reference import GraphNode, Result

HIGHLIGHT_BORDER = 3  # as a highlighted box of draw_dot


def draw_comparison(result: Result, lang: str, rankdir: str = "LR", precision: int = 4) -> Digraph:
    """The learner's graph of ``result``'s case above (LR) or beside (TB) chainrule's; in both, the node where
    the numbers part and the edges that carry its gradient's contributions are outlined."""
    assert result.observed is not None and result.observed.graph is not None
    assert result.expected is not None and result.expected.graph is not None
    canvas = render(Scene([], rankdir, DEFAULT_FONT))
    parts = [("y", "draw_yours", result.observed.graph), ("c", "draw_chainrule", result.expected.graph)]
    for tag, caption, graph in parts if rankdir == "TB" else parts[::-1]:  # dot stacks LR clusters bottom up
        values = _mirror(graph)
        scene = graph_scene(values, values[-1], None, params=frozenset(), highlight=frozenset(), precision=precision,
                            rankdir=rankdir, fontname=DEFAULT_FONT)  # fmt: skip
        parted = _parted(graph, result.node)
        part = render(Scene([_tagged(item, tag, parted) for item in scene.items], rankdir, DEFAULT_FONT))
        part.name = f"cluster_{tag}"
        part.attr(label=say(lang, caption), fontname=DEFAULT_FONT, style="rounded", color=LINE)
        canvas.subgraph(part)
    return canvas


def _not_run(*inputs: Any) -> Any:
    raise RuntimeError("a mirrored graph is only drawn, never computed")


def _mirror(graph: tuple[GraphNode, ...]) -> list[Value]:
    """The graph as chainrule Values, children first: labels from the case, data and grads as read."""
    values: list[Value] = []
    for node in graph:
        value = Value(_float(node.data), label=node.name)
        value.grad = _float(node.grad)
        if node.children:
            value.op = Op(node.op or "?", _not_run, _not_run)
            value.children = tuple(values[i] for i in node.children)
        values.append(value)
    return values


def _float(x: float | str) -> float:
    return math.nan if isinstance(x, str) else x


def _parted(graph: tuple[GraphNode, ...], name: str) -> str:
    """The scene id of the node called ``name`` (scenes number nodes ``v0``, ``v1``... in graph order)."""
    return next((f"v{i}" for i, node in enumerate(graph) if name and node.name == name), "")


def _tagged(item: Item, tag: str, parted: str) -> Item:
    """``item`` with its ids prefixed by ``tag`` (two scenes share one drawing); the box ``parted`` and the
    edges from it, which carry its gradient's contributions, outlined."""
    if isinstance(item, Edge):
        return replace(item, tail=tag + item.tail, head=tag + item.head, highlighted=item.tail == parted)
    if isinstance(item, Box) and item.id == parted:
        return replace(item, id=tag + item.id, highlighted=True, border=HIGHLIGHT_BORDER)
    return replace(item, id=tag + item.id)
