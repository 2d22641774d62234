"""The backward pass as a slide show: one drawing per step, and a self-contained HTML player.

Each frame is the graph at one step of ``trace_backward``: the node being processed outlined,
complete gradients filled in green, partial sums in yellow, untouched ones shown as ``?``, and
the edges being traversed labelled ``upstream × local = contribution``. The player is one HTML
fragment with the frames as inline SVG and a few lines of JavaScript: no network access at all.
"""

from __future__ import annotations

import html
import os
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
from .render_dot import AUTO, fit_width, render
from .scene import backward_scenes, finishing_steps, product_text
from .trace import BackwardTrace, Step, trace_backward
from .value import Value

if TYPE_CHECKING:
    from .digraph import Digraph

DEFAULT_MAX_STEPS = 100


@dataclass(frozen=True)
class Frame:
    """One moment of the backward pass: the drawing and the sentence that explains it."""

    graph: Digraph
    sentence: str


def backward_frames(
    root: Value,
    *,
    rankdir: str = AUTO,
    max_width: float = DEFAULT_MAX_WIDTH,
    precision: int = 4,
    max_steps: int = DEFAULT_MAX_STEPS,
    max_nodes: int = DEFAULT_MAX_NODES,
    fontname: str = DEFAULT_FONT,
) -> list[Frame]:
    """The seed, then one frame per step of the backward pass from ``root`` (``.grad`` untouched).

    Every frame has the same layout; ``rankdir`` and ``max_width`` choose it as in ``draw_dot``.
    """
    max_width = check_options("backward_frames", root, rankdir, precision, max_nodes, max_width)
    if not isinstance(max_steps, int) or isinstance(max_steps, bool) or max_steps < 1:
        raise ValueError(f"backward_frames: max_steps must be a whole number >= 1, got {max_steps!r}")
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
    scenes = backward_scenes(order, trace, precision=precision, rankdir=rankdir, fontname=fontname)
    rankdir = fit_width(scenes[0], max_width).rankdir  # frames differ only in texts of a fixed width
    scenes = [replace(scene, rankdir=rankdir) for scene in scenes]
    names = node_names(order, root)
    finish = finishing_steps(trace)
    return [
        Frame(render(scene), _sentence(trace, frame, names, finish, precision))
        for frame, scene in enumerate(scenes)
    ]


def _sentence(
    trace: BackwardTrace, frame: int, names: dict[Value, str], finish: dict[Value, int], precision: int
) -> str:
    """The chain rule of one frame, in words and numbers: one line per edge.

    ``x.grad`` is the running total the box shows, ∂root/∂x; ``∂n/∂x`` is one op's local derivative,
    named by its rule (the op's notation) and its value.
    """
    r = names[trace.root]
    if frame == 0:
        return (
            f"Start: {r}.grad = ∂{r}/∂{r} = {format_number(trace.seed, precision)}, the seed. "
            f"For every node n, n.grad is ∂{r}/∂n, the number in its grad cell. Each step takes a node whose grad is "
            "complete and sends grad × local derivative to each of its inputs; where an input is used more "
            "than once, its contributions add up."
        )
    step = trace.steps[frame - 1]
    n = names[step.node]
    parts = [
        (
            f"Step {frame} of {len(trace.steps)}: {n} = {_formula(step, names)}, and {n}.grad = "
            f"{format_number(step.grad, precision)} is complete."
        )
    ]
    for i, edge in enumerate(step.edges):
        c = names[edge.child]
        later = {e.child for e in step.edges[i + 1 :]}
        status = "final" if finish[edge.child] == frame and edge.child not in later else "so far"
        parts.append(
            f"local {local_derivative(step.node, i, edge.local, names, precision)}; "
            f"{c}.grad += {n}.grad × ∂{n}/∂{c} = "
            f"{product_text(step.grad, edge.local, edge.contribution, precision)}, "
            f"so {c}.grad = {format_number(edge.child_grad, precision)} ({status})."
        )
    if frame == len(trace.steps):
        parts.append("All gradients are now final.")
    return "\n".join(parts)


def _formula(step: Step, names: dict[Value, str]) -> str:
    """``a * b`` for the infix ops, ``tanh(a)`` for the others."""
    op, inputs = step.node.op, [names[child] for child in step.node.children]
    assert op is not None  # a step is the step of an op's result
    if len(inputs) == 2 and not op.name.isidentifier():
        return f"{inputs[0]} {op.name} {inputs[1]}"
    return f"{op.name}({', '.join(inputs)})"


class BackwardPlayer:
    """A self-contained HTML slide show of the backward pass: previous, next, play, and the sentence.

    Shows itself inline in Jupyter; ``save(path)`` writes a standalone ``.html`` page.
    """

    def __init__(self, svgs: list[str], sentences: list[str]) -> None:
        self.svgs = svgs
        self.sentences = sentences

    def _repr_html_(self) -> str:
        frames = "".join(
            f'<div data-cr="frame" data-sentence="{html.escape(sentence)}"{" hidden" if i else ""}>'
            f"{svg}</div>"
            for i, (svg, sentence) in enumerate(zip(self.svgs, self.sentences))
        )
        return (
            f'<div class="chainrule-player" style="font-family: {html.escape(_CSS_FONTS)}">'
            f"<style>{_CSS}</style>"
            '<div><button data-cr="prev">◀ Previous</button> <button data-cr="play">▶ Play</button> '
            f'<button data-cr="next">Next ▶</button> <span data-cr="counter">1 / {len(self.svgs)}</span></div>'
            f'<p data-cr="sentence">{html.escape(self.sentences[0])}</p>'
            f"{frames}<script>{_SCRIPT}</script></div>"
        )

    def to_html(self, title: str = "The backward pass, step by step") -> str:
        """A complete HTML page holding the player."""
        return (
            f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"</head><body>{self._repr_html_()}</body></html>\n"
        )

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the standalone page to ``path`` (UTF-8, atomically: all or nothing) and return the path."""
        write_atomically(path, self.to_html())
        return Path(path)


def backward_player(root: Value, **options: Any) -> BackwardPlayer:
    """Draw every frame of the backward pass from ``root`` (needs Graphviz) and wrap them in a player.

    ``options`` are those of ``backward_frames``: ``rankdir``, ``max_width``, ``precision``,
    ``max_steps``, ``max_nodes``, ``fontname``.
    """
    frames = backward_frames(root, **options)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:  # each frame is one `dot` process
        svgs = list(pool.map(_inline_svg, [frame.graph for frame in frames]))
    return BackwardPlayer(svgs, [frame.sentence for frame in frames])


def _inline_svg(graph: Digraph) -> str:
    """The SVG of a drawing without the XML prolog, ready to sit inside an HTML page."""
    svg: str = graph.pipe(format="svg", encoding="utf-8")
    return svg[svg.index("<svg") :]


_CSS_FONTS = "NanumGothic, 'Noto Sans CJK KR', 'Apple SD Gothic Neo', AppleGothic, 'Malgun Gothic', sans-serif"
_CSS = (
    ".chainrule-player svg { max-width: 100%; height: auto; } .chainrule-player p { white-space: pre-line; }"
)
_SCRIPT = """
(function () {
  var player = document.currentScript.parentNode;
  var frames = player.querySelectorAll("[data-cr=frame]");
  var sentence = player.querySelector("[data-cr=sentence]");
  var counter = player.querySelector("[data-cr=counter]");
  var play = player.querySelector("[data-cr=play]");
  var current = 0, timer = null;
  function show(k) {
    current = Math.max(0, Math.min(frames.length - 1, k));
    frames.forEach(function (frame, i) { frame.hidden = i !== current; });
    sentence.textContent = frames[current].dataset.sentence;
    counter.textContent = (current + 1) + " / " + frames.length;
  }
  function stop() { clearInterval(timer); timer = null; play.textContent = "\\u25B6 Play"; }
  player.querySelector("[data-cr=prev]").onclick = function () { stop(); show(current - 1); };
  player.querySelector("[data-cr=next]").onclick = function () { stop(); show(current + 1); };
  play.onclick = function () {
    if (timer) { stop(); return; }
    if (current === frames.length - 1) show(0);
    play.textContent = "\\u23F8 Pause";
    timer = setInterval(function () { if (current === frames.length - 1) stop(); else show(current + 1); }, 1500);
  };
})();
"""
