"""Rendering a scene with Graphviz: the one place that writes DOT and HTML-like labels.

Every piece of text goes through ``html_text``, so a label renders exactly as typed and can never
change the graph's structure. ``graphviz`` is imported only when a drawing is made.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from .scene import HIGHLIGHT, LINE, OP_FILL, Box, Cell, Edge, OpNode, Scene

if TYPE_CHECKING:
    from .digraph import Digraph

AUTO = "auto"  # the rankdir that fit_width chooses
FITTED = ("LR", "TB")  # what AUTO tries, in order of preference


def render(scene: Scene) -> Digraph:
    """The scene as a ``graphviz.Digraph`` (shown as SVG in Jupyter), its items added in order."""
    assert scene.rankdir != AUTO, "fit_width chooses the direction before rendering"
    canvas = _canvas(scene.rankdir, scene.fontname)
    for item in scene.items:
        if isinstance(item, Box):
            canvas.node(item.id, _box(item))
        elif isinstance(item, OpNode):
            canvas.node(item.id, f"<{html_text(item.text)}>", **_op_style(item.highlighted))
        else:
            canvas.edge(item.tail, item.head, **_edge_style(item))
    return canvas


def fit_width(scene: Scene, max_width: float) -> Scene:
    """The scene with its ``rankdir`` chosen when it is ``"auto"``: left to right when that drawing is at
    most ``max_width`` points wide, else top to bottom when that is, else the narrower of the two.

    Each choice is measured by laying the graph out with ``dot``. Without ``dot`` nothing can be
    measured, and left to right is kept (rendering then says how to install Graphviz).
    """
    if scene.rankdir != AUTO:
        return scene
    tried = []
    for rankdir in FITTED:
        candidate = replace(scene, rankdir=rankdir)
        width = _width(render(candidate))
        if width is None:
            return replace(scene, rankdir=FITTED[0])
        if width <= max_width:
            return candidate
        tried.append((width, candidate))
    return min(tried, key=lambda pair: pair[0])[1]


def _width(graph: Digraph) -> float | None:
    """How wide ``graph`` is drawn, in points (the SVG's width), or None when ``dot`` is missing."""
    from .digraph import DotNotFound

    try:
        svg: str = graph.pipe(format="svg", encoding="utf-8")
    except DotNotFound:
        return None
    found = re.search(r'<svg width="([0-9.]+)pt"', svg)
    assert found is not None, "dot writes the width of an SVG in points"
    return float(found.group(1))


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


def _box(box: Box) -> str:
    """An HTML-like label: the title, then the cells side by side (or one per row)."""
    title = [f"<B>{html_text(box.title)}</B>" if box.bold else html_text(box.title)] if box.title else []
    tds = [f"<TD>{text}</TD>" for text in title]
    tds += [f"<TD{_cell_attributes(cell)}>{html_text(cell.text)}</TD>" for cell in box.cells]
    body = "".join(f"<TR>{td}</TR>" for td in tds) if box.rows else "<TR>" + "<VR/>".join(tds) + "</TR>"
    return (
        f'<<TABLE BORDER="{box.border}" COLOR="{HIGHLIGHT if box.highlighted else LINE}" CELLBORDER="0" '
        f'CELLSPACING="0" CELLPADDING="4" BGCOLOR="{box.fill}" STYLE="ROUNDED">{body}</TABLE>>'
    )


def _cell_attributes(cell: Cell) -> str:
    attributes = (("BGCOLOR", cell.fill), ("WIDTH", cell.min_width))
    return "".join(f' {name}="{value}"' for name, value in attributes if value is not None)


def _op_style(highlighted: bool) -> dict[str, str]:
    style = {
        "shape": "ellipse",
        "style": "filled",
        "fillcolor": OP_FILL,
        "margin": "0.04,0.02",
        "height": "0.3",
    }
    return style | ({"color": HIGHLIGHT, "penwidth": "3"} if highlighted else {"color": LINE})


def _edge_style(edge: Edge) -> dict[str, str]:
    style = {"color": HIGHLIGHT, "penwidth": "2"} if edge.highlighted else {}
    if edge.text:
        text = html_text(edge.text)
        if edge.text_color:
            text = f'<FONT COLOR="{edge.text_color}">{text}</FONT>'
        style["label"] = f"<{text}>"
    return style


def _canvas(rankdir: str, fontname: str) -> Digraph:
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
