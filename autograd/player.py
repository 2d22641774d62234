"""The backward pass as a slide show: one drawing per step, and a self-contained HTML player.

Each frame is the graph at one step of ``trace_backward``: the node being processed outlined,
complete gradients filled in green, partial sums in yellow, untouched ones shown as ``?``, and
the edges being traversed labelled ``upstream × local = contribution``; beside it, the step's
arithmetic (the chain rule in symbols, the local derivative's rule, the numbers multiplied, the
running sum). An optional forward phase comes first. The player is one HTML fragment with the
frames as inline SVG and a little JavaScript (keyboard, slider, zoom, ``#step=`` links): no network.
"""

from __future__ import annotations

import html
import io
import os
import textwrap
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .backward import graph_size, topological_order
from .draw import (
    COUNTED_PER_LIMIT,
    DEFAULT_FONT,
    DEFAULT_MAX_NODES,
    DEFAULT_MAX_WIDTH,
    check_options,
    check_size,
)
from .files import write_atomically
from .format import format_number, local_derivative, node_names
from .language import resolve, text
from .messages import shown_object
from .render_dot import AUTO, fit_width, render
from .scene import backward_scenes, finishing_steps, product_text, signed, sum_text
from .trace import BackwardTrace, trace_backward
from .value import Value

if TYPE_CHECKING:
    from .digraph import Digraph

DEFAULT_MAX_STEPS = 100
CAPTION_WIDTH = 80  # characters per line of a frame's sentence under its drawing in a GIF


@dataclass(frozen=True)
class Frame:
    """One moment of the pass: the drawing, the sentence that explains it, and its arithmetic.

    ``arithmetic`` holds ``(what, formula)`` pairs, e.g. ``("local derivative", "∂c/∂a = b = -3.0")``;
    ``phase`` is ``"forward"`` or ``"backward"``.
    """

    graph: Digraph
    sentence: str
    arithmetic: tuple[tuple[str, str], ...] = ()
    phase: str = "backward"


def backward_frames(
    root: Value,
    *,
    rankdir: str = AUTO,
    max_width: float = DEFAULT_MAX_WIDTH,
    precision: int = 4,
    max_steps: int = DEFAULT_MAX_STEPS,
    max_nodes: int = DEFAULT_MAX_NODES,
    fontname: str = DEFAULT_FONT,
    forward: bool = False,
    lang: str | None = None,
) -> list[Frame]:
    """The seed, then one frame per step of the backward pass from ``root`` (``.grad`` untouched).

    With ``forward``, one frame per node comes first: the forward pass in topological order.
    Every frame has the same layout; ``rankdir`` and ``max_width`` choose it as in ``draw_dot``.
    The texts are written in ``lang`` (default: ``autograd.set_language``'s).
    """
    lang = resolve(lang)
    max_width = check_options("backward_frames", root, rankdir, precision, max_nodes, max_width)
    if not isinstance(max_steps, int) or isinstance(max_steps, bool) or max_steps < 1:
        raise ValueError(f"backward_frames: max_steps must be a whole number >= 1, got {max_steps!r}")
    if not isinstance(forward, bool):
        raise TypeError(f"backward_frames: forward must be True or False, got {shown_object(forward)}")
    values, steps = graph_size(root, COUNTED_PER_LIMIT * max_steps)  # a step per op; count before building
    if steps > max_steps:
        counted = f"{steps:,}" if values + steps <= COUNTED_PER_LIMIT * max_steps else f"at least {steps:,}"
        raise ValueError(
            f"backward_frames: the backward pass has {counted} steps, more than max_steps={max_steps}; "
            "each step is one drawing, so the player is meant for small expressions. Draw the whole graph "
            "once with draw_dot(root, edge_labels=True), or pass a larger max_steps."
        )
    check_size(root, max_nodes)
    trace = trace_backward(root)
    order = topological_order([root])
    scenes = backward_scenes(order, trace, precision=precision, rankdir=rankdir, fontname=fontname, forward=forward)
    rankdir = fit_width(scenes[-1], max_width).rankdir  # frames differ only in texts of a fixed width
    graphs = [render(replace(scene, rankdir=rankdir)) for scene in scenes]
    names = node_names(order, root)
    story = _Story(trace, names, precision, lang)
    texts = [story.forward(order, k) for k in range(len(order))] if forward else []
    texts += [story.backward(frame) for frame in range(len(trace.steps) + 1)]
    return [Frame(graph, *text) for graph, text in zip(graphs, texts)]


class _Story:
    """The words and the arithmetic of each frame, in one language."""

    def __init__(self, trace: BackwardTrace, names: dict[Value, str], precision: int, lang: str) -> None:
        self.trace, self.names, self.precision, self.lang = trace, names, precision, lang
        self.finish = finishing_steps(trace)
        self.received: dict[Value, int] = {}  # how many contributions each node receives in all
        for step in trace.steps:
            for edge in step.edges:
                self.received[edge.child] = self.received.get(edge.child, 0) + 1

    def _text(self, key: str, **fields: object) -> str:
        return text(key, self.lang, **fields)

    def _number(self, x: float) -> str:
        return format_number(x, self.precision)

    def forward(self, order: list[Value], k: int) -> tuple[str, tuple[tuple[str, str], ...], str]:
        """Frame ``k`` of the forward pass: ``order[k]`` is computed from inputs already known."""
        node = order[k]
        n, value = self.names[node], self._number(node.data)
        if node.op is None:
            parts, formula = [self._text("forward.leaf", n=n, value=value)], f"{n} = {value}"
        else:
            numbers = {child: signed(child.data, self.precision) for child in node.children}
            parts = [self._text("forward.op", n=n, formula=_formula(node, self.names), value=value)]
            formula = f"{n} = {_formula(node, self.names)} = {_formula(node, numbers)} = {value}"
        if k == 0:
            parts.insert(0, self._text("forward.start"))
        if k == len(order) - 1:
            parts.append(self._text("forward.done", r=self.names[self.trace.root]))
        return "\n".join(parts), ((self._text("panel.forward"), formula),), "forward"

    def backward(self, frame: int) -> tuple[str, tuple[tuple[str, str], ...], str]:
        """The seed (frame 0), then step ``frame`` of the backward pass: one line per edge.

        ``x.grad`` is the running total the box shows, ∂root/∂x; ``∂n/∂x`` is one op's local
        derivative, named by its rule (the op's notation) and its value.
        """
        trace, names = self.trace, self.names
        r = names[trace.root]
        if frame == 0:
            seed = self._number(trace.seed)
            return self._text("backward.start", r=r, seed=seed), ((self._text("panel.seed"), f"∂{r}/∂{r} = {seed}"),), "backward"
        step = trace.steps[frame - 1]
        n = names[step.node]
        grad = self._number(step.grad)
        parts = [
            self._text("backward.step", k=frame, steps=len(trace.steps), n=n, formula=_formula(step.node, names), grad=grad)
        ]
        arithmetic: list[tuple[str, str]] = []
        for i, edge in enumerate(step.edges):
            c = names[edge.child]
            later = {e.child for e in step.edges[i + 1 :]}
            final = self.finish[edge.child] == frame and edge.child not in later
            status = self._text("backward.final" if final else "backward.so_far")
            local = local_derivative(step.node, i, edge.local, names, self.precision)
            product = product_text(step.grad, edge.local, edge.contribution, self.precision)
            total = self._number(edge.child_grad)
            parts.append(self._text("backward.edge", local=local, c=c, n=n, product=product, total=total, status=status))
            many = self.received[edge.child] > 1
            arithmetic += [
                (self._text("panel.chain_rule"), f"∂{r}/∂{c} {'+=' if many else '='} ∂{r}/∂{n} · ∂{n}/∂{c}"),
                (self._text("panel.local"), local),
                (self._text("panel.product"), product),
            ]
            if many:
                terms = self._contributions(edge.child, frame, i)
                arithmetic.append((self._text("panel.sum", c=c), f"{sum_text(terms, edge.child_grad, self.precision)} ({status})"))
        if frame == len(trace.steps):
            parts.append(self._text("backward.done"))
        return "\n".join(parts), tuple(arithmetic), "backward"

    def _contributions(self, child: Value, frame: int, index: int) -> list[float]:
        """The contributions ``child`` has received up to edge ``index`` of step ``frame``, in order."""
        return [
            edge.contribution
            for number, step in enumerate(self.trace.steps[:frame], start=1)
            for i, edge in enumerate(step.edges)
            if edge.child is child and (number < frame or i <= index)
        ]


def _formula(node: Value, names: Mapping[Value, str]) -> str:
    """``a * b`` for the infix ops, ``tanh(a)`` for the others, in ``names`` (labels or numbers)."""
    op, inputs = node.op, [names[child] for child in node.children]
    assert op is not None  # only an op's result has a formula
    if len(inputs) == 2 and not op.name.isidentifier():
        return f"{inputs[0]} {op.name} {inputs[1]}"
    return f"{op.name}({', '.join(inputs)})"


class BackwardPlayer:
    """A self-contained HTML slide show of the pass: the drawing filling the window, the step's arithmetic
    beside it, buttons, a slider, the keyboard (← → space Home End) and links to a step (``#step=5``).

    Shows itself inline in Jupyter; ``save(path)`` writes a standalone ``.html`` page.
    """

    def __init__(self, frames: list[Frame], svgs: list[str], lang: str | None = None) -> None:
        self.frames = frames
        self.svgs = svgs
        self.lang = resolve(lang)

    @property
    def sentences(self) -> list[str]:
        """Each frame's sentence, in order."""
        return [frame.sentence for frame in self.frames]

    def _repr_html_(self) -> str:
        return self._fragment(linked=False)

    def _fragment(self, *, linked: bool) -> str:
        """The player as one element; ``linked`` keeps its step in the page's URL hash (the saved page)."""
        t = self._text
        count = len(self.frames)
        frames = "".join(
            f'<div data-cr="frame"{" hidden" if i else ""}>{svg}</div>' for i, svg in enumerate(self.svgs)
        )
        texts = "".join(self._frame_text(i, frame) for i, frame in enumerate(self.frames))
        bar = (
            f'<button data-cr="prev">{t("player.previous")}</button>'
            f'<button data-cr="play">{t("player.play")}</button>'
            f'<button data-cr="next">{t("player.next")}</button>'
            f'<input type="range" data-cr="slider" min="0" max="{count - 1}" value="0" aria-label="{t("player.slider")}">'
            f'<span data-cr="counter">1 / {count}</span>'
            f'<span data-cr="phase">{html.escape(self._phase(self.frames[0]))}</span>'
            f'<button data-cr="zoom-out" title="{t("player.zoom_out")}">−</button>'
            f'<button data-cr="fit">{t("player.fit")}</button>'
            f'<button data-cr="zoom-in" title="{t("player.zoom_in")}">+</button>'
        )
        return (
            f'<div class="chainrule-player" lang="{self.lang}" tabindex="0"{" data-linked" if linked else ""}'
            f' data-play="{t("player.play")}" data-pause="{t("player.pause")}"'
            f' style="font-family: {html.escape(_CSS_FONTS)}">'
            f"<style>{_CSS}</style>"
            f'<div class="cr-bar">{bar}</div>'
            f'<div class="cr-main"><div class="cr-stage">{frames}</div>'
            f'<div class="cr-side">{texts}<p class="cr-keys">{t("player.keys")}</p></div></div>'
            f"<script>{_SCRIPT}</script></div>"
        )

    def _frame_text(self, index: int, frame: Frame) -> str:
        rows = "".join(
            f"<dt>{html.escape(what)}</dt><dd>{html.escape(formula)}</dd>" for what, formula in frame.arithmetic
        )
        return (
            f'<div data-cr="text" data-phase="{html.escape(self._phase(frame))}"{" hidden" if index else ""}>'
            f'<p data-cr="sentence">{html.escape(frame.sentence)}</p>'
            f'<h3>{self._text("player.arithmetic")}</h3><dl>{rows}</dl></div>'
        )

    def _phase(self, frame: Frame) -> str:
        return self._text(f"player.{frame.phase}_phase")

    def _text(self, key: str) -> str:
        return html.escape(text(key, self.lang))

    def to_html(self, title: str | None = None) -> str:
        """A complete HTML page holding the player, filling the window; ``lang`` is the player's language."""
        title = text("player.title", self.lang) if title is None else title
        return (
            f'<!DOCTYPE html>\n<html lang="{self.lang}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)}</title><style>{_PAGE_CSS}</style>"
            f"</head><body>{self._fragment(linked=True)}</body></html>\n"
        )

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the player to ``path`` atomically (all or nothing) and return the path.

        A ``.gif`` path gets an animation for slides, one frame per step with its sentence under the
        drawing (needs Pillow: the ``gif`` extra); any other path the standalone HTML page.
        """
        if Path(path).suffix.lower() == ".gif":
            write_atomically(path, self.to_gif())
        else:
            write_atomically(path, self.to_html())
        return Path(path)

    def save_frames(self, folder: str | os.PathLike[str], format: str = "png") -> list[Path]:
        """Write each frame, its sentence under the drawing, as ``step_01.png``... (or ``.svg``) in ``folder``."""
        if format not in ("png", "svg"):
            raise ValueError(f"BackwardPlayer.save_frames: format must be 'png' or 'svg', got {shown_object(format)}")
        paths = [Path(folder) / f"step_{i:0{len(str(len(self.frames)))}d}.{format}" for i in range(1, len(self.frames) + 1)]
        for path, picture in zip(paths, self._pictures(format)):
            write_atomically(path, picture)
        return paths

    def to_gif(self, seconds_per_step: float = 2.0) -> bytes:
        """The frames as one animated GIF (looping; each frame's sentence under its drawing). Needs Pillow."""
        try:
            from PIL import Image
        except ImportError as error:
            raise ImportError(
                "BackwardPlayer: writing a GIF needs Pillow: pip install 'chainrule[gif]' (or pip install pillow)"
            ) from error
        images = [Image.open(io.BytesIO(png)).convert("RGB") for png in self._pictures("png")]
        size = (max(image.width for image in images), max(image.height for image in images))
        canvases = []
        for image in images:  # one size for all, each centred at the top: the drawing stays still
            canvas = Image.new("RGB", size, "white")
            canvas.paste(image, ((size[0] - image.width) // 2, 0))
            canvases.append(canvas)
        out = io.BytesIO()
        canvases[0].save(
            out, format="GIF", save_all=True, append_images=canvases[1:], duration=round(1000 * seconds_per_step), loop=0
        )
        return out.getvalue()

    def _pictures(self, format: str) -> list[bytes]:
        """Each frame drawn by ``dot`` with its sentence as a caption underneath, as PNG or SVG bytes."""
        def draw(frame: Frame) -> bytes:
            graph = frame.graph.copy()
            lines = [part for line in frame.sentence.splitlines() for part in textwrap.wrap(line, CAPTION_WIDTH)]
            graph.attr(label="".join(line.replace("\\", "\\\\") + "\\l" for line in lines), labelloc="b",
                       labeljust="l", fontsize="14")
            picture: bytes = graph.pipe(format=format)
            return picture

        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:  # each frame is one `dot` process
            return list(pool.map(draw, self.frames))


def backward_player(root: Value, **options: Any) -> BackwardPlayer:
    """Draw every frame of the pass from ``root`` (needs Graphviz) and wrap them in a player.

    ``options`` are those of ``backward_frames``: ``rankdir``, ``max_width``, ``precision``,
    ``max_steps``, ``max_nodes``, ``fontname``, ``forward`` (the forward pass first) and ``lang``.
    """
    frames = backward_frames(root, **options)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:  # each frame is one `dot` process
        svgs = list(pool.map(_inline_svg, [frame.graph for frame in frames]))
    return BackwardPlayer(frames, svgs, options.get("lang"))


def _inline_svg(graph: Digraph) -> str:
    """The SVG of a drawing without the XML prolog, ready to sit inside an HTML page."""
    svg: str = graph.pipe(format="svg", encoding="utf-8")
    return svg[svg.index("<svg") :]


_CSS_FONTS = "NanumGothic, 'Noto Sans CJK KR', 'Apple SD Gothic Neo', AppleGothic, 'Malgun Gothic', sans-serif"
_CSS = """
.chainrule-player { display: flex; flex-direction: column; height: 85vh; min-height: 360px; box-sizing: border-box;
  font-size: 18px; color: #0f172a; background: #fff; border: 1px solid #e2e8f0; }
.chainrule-player:focus { outline: 3px solid #93c5fd; outline-offset: -3px; }
.chainrule-player [hidden] { display: none !important; }
.chainrule-player .cr-bar { display: flex; align-items: center; gap: 8px; padding: 8px 12px; flex-wrap: wrap;
  border-bottom: 1px solid #e2e8f0; }
.chainrule-player button { font: inherit; font-size: 16px; padding: 4px 12px; border: 1px solid #94a3b8;
  border-radius: 6px; background: #f8fafc; color: inherit; cursor: pointer; }
.chainrule-player input[type=range] { flex: 1; min-width: 120px; }
.chainrule-player [data-cr=counter], .chainrule-player [data-cr=phase] { font-size: 16px; white-space: nowrap; }
.chainrule-player [data-cr=phase] { font-weight: bold; color: #ea580c; }
.chainrule-player .cr-main { flex: 1; display: flex; min-height: 0; }
.chainrule-player .cr-stage { flex: 1; min-width: 0; overflow: auto; }
.chainrule-player [data-cr=frame] { width: 100%; height: 100%; }
.chainrule-player [data-cr=frame] svg { width: 100%; height: 100%; display: block; }
.chainrule-player .cr-side { flex: 0 0 34%; max-width: 520px; overflow: auto; padding: 12px 16px;
  border-left: 1px solid #e2e8f0; line-height: 1.45; box-sizing: border-box; }
.chainrule-player [data-cr=sentence] { white-space: pre-line; margin: 0 0 12px; }
.chainrule-player h3 { font-size: 16px; margin: 12px 0 4px; color: #475569; }
.chainrule-player dl { margin: 0; }
.chainrule-player dt { font-size: 16px; color: #475569; margin-top: 8px; }
.chainrule-player dd { margin: 2px 0 0; font-size: 18px; }
.chainrule-player .cr-keys { font-size: 16px; color: #64748b; }
"""
_PAGE_CSS = "html, body { margin: 0; height: 100%; } body > .chainrule-player { height: 100vh; border: 0; }"
_SCRIPT = """
(function () {
  var player = document.currentScript.parentNode;
  function find(name) { return player.querySelector("[data-cr=" + name + "]"); }
  var frames = player.querySelectorAll("[data-cr=frame]"), texts = player.querySelectorAll("[data-cr=text]");
  var slider = find("slider"), counter = find("counter"), phase = find("phase"), play = find("play");
  var linked = player.hasAttribute("data-linked");
  var key = "step", current = 0, timer = null, zoom = 1;
  if (linked) {  // the first linked player of a page is #step=, the second #step2=, ...
    var index = Array.prototype.indexOf.call(document.querySelectorAll(".chainrule-player[data-linked]"), player);
    if (index > 0) key = "step" + (index + 1);
  }
  function show(k) {
    current = Math.max(0, Math.min(frames.length - 1, k));
    for (var i = 0; i < frames.length; i++) { frames[i].hidden = texts[i].hidden = i !== current; }
    slider.value = current;
    counter.textContent = (current + 1) + " / " + frames.length;
    phase.textContent = texts[current].dataset.phase;
    if (linked) {
      var params = new URLSearchParams(location.hash.slice(1));
      params.set(key, current + 1);
      history.replaceState(null, "", "#" + params.toString());
    }
  }
  function stop() { clearInterval(timer); timer = null; play.textContent = player.dataset.play; }
  function toggle() {
    if (timer) { stop(); return; }
    if (current === frames.length - 1) show(0);
    play.textContent = player.dataset.pause;
    timer = setInterval(function () { if (current === frames.length - 1) stop(); else show(current + 1); }, 1500);
  }
  function scale(z) {
    zoom = Math.max(0.25, Math.min(8, z));
    frames.forEach(function (frame) { frame.style.width = frame.style.height = (100 * zoom) + "%"; });
  }
  function fromHash() {
    var step = parseInt(new URLSearchParams(location.hash.slice(1)).get(key), 10);
    if (!isNaN(step)) show(step - 1);
  }
  find("prev").onclick = function () { stop(); show(current - 1); };
  find("next").onclick = function () { stop(); show(current + 1); };
  play.onclick = toggle;
  slider.oninput = function () { stop(); show(parseInt(slider.value, 10)); };
  find("zoom-in").onclick = function () { scale(zoom * 1.25); };
  find("zoom-out").onclick = function () { scale(zoom / 1.25); };
  find("fit").onclick = function () { scale(1); };
  player.addEventListener("keydown", function (event) {
    var moves = { ArrowRight: current + 1, ArrowLeft: current - 1, Home: 0, End: frames.length - 1 };
    if (event.key in moves) { stop(); show(moves[event.key]); }
    else if (event.key === " ") toggle();
    else return;
    event.preventDefault();
  });
  if (linked) {
    window.addEventListener("hashchange", fromHash);
    fromHash();
    if (key === "step") player.focus();
  }
})();
"""
