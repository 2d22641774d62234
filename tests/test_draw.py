"""draw_dot: deterministic DOT, labels rendered as typed, numbers, options, size limit, collapsed view."""

from __future__ import annotations

import itertools
import math
import random
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import nn  # registers collapse="neuron" and "layer"
from autograd import Op, Value, draw_dot, format_number, register_grouping, render_dot, topological_order
from autograd.scene import HIGHLIGHT, PARAM_FILL, Box, Edge, OpNode, graph_scene
from tests.conftest import require_program

SVG = "{http://www.w3.org/2000/svg}"

# Everything a learner might type into a label; each must render exactly as typed.
NASTY = [
    'say "hi"',
    "it's",
    "{a|b} | c",
    "<b>bold?</b>",
    "a > b < c",
    "back\\slash",
    "trailing\\",
    "\\",
    "\\N \\G \\E \\L \\H \\T \\n \\l \\r",
    "two\nlines",
    "a & b &amp; &#92; &lt;",
    "한글 역전파 (연쇄 법칙)",
    "]]> <!-- x --> <![CDATA[",
    "  spaced  out  ",
    '-> digraph { x -> y } ; "',
    "%3 %s {0}",
    "emoji 😀",
]


def require_dot() -> None:
    """Drawing tests need Graphviz's dot: skipped on a machine without it, never in CI."""
    require_program("dot", "CI")


def node_texts(svg: str) -> dict[str, list[str]]:
    """Each drawn node's DOT id -> the lines of text it shows (non-breaking spaces read as spaces)."""
    texts = {}
    for group in ET.fromstring(svg).iter(f"{SVG}g"):
        if group.get("class") == "node":
            lines = [(t.text or "").replace("\xa0", " ") for t in group.iter(f"{SVG}text")]
            texts[group.find(f"{SVG}title").text] = lines
    return texts


def edge_count(svg: str) -> int:
    return sum(1 for g in ET.fromstring(svg).iter(f"{SVG}g") if g.get("class") == "edge")


def neuron() -> tuple[Value, list[Value]]:
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2, b = Value(-3.0, label="w1"), Value(1.0, label="w2"), Value(6.8813735870195432, label="b")
    z = w1 * x1 + w2 * x2 + b
    a = z.tanh()
    a.backward()
    return a, [w1, w2, b]


def mlp(sizes: list[int], xs: list[Value], seed: int = 0) -> tuple[list[Value], list[Value]]:
    """A hand-built MLP whose parameters carry nn's dotted names (layers.i.neurons.j.w.k / .b)."""
    rng = random.Random(seed)
    params, h = [], xs
    for i, (n_in, n_out) in enumerate(itertools.pairwise(sizes)):
        out = []
        for j in range(n_out):
            w = [Value(rng.uniform(-1, 1), label=f"layers.{i}.neurons.{j}.w.{k}") for k in range(n_in)]
            b = Value(0.0, label=f"layers.{i}.neurons.{j}.b")
            params += [*w, b]
            act = sum((wk * hk for wk, hk in zip(w, h)), b)
            out.append(act.tanh() if i < len(sizes) - 2 else act)
        h = out
    return h, params


# ---------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    "x, precision, text",
    [
        (3e-7, 4, "3e-7"),
        (-1.23456e-9, 3, "-1.23e-9"),
        (0.0001234, 4, "0.0001234"),
        (2.0, 4, "2.0"),
        (-0.5, 4, "-0.5"),
        (0.0, 4, "0.0"),
        (0.70710678, 4, "0.7071"),
        (0.70710678, 8, "0.70710678"),
        (123456.0, 4, "1.235e5"),
        (1e20, 4, "1e20"),
        (math.inf, 4, "inf"),
        (-math.inf, 4, "-inf"),
        (math.nan, 4, "nan"),
        (Value(1.5), 4, "1.5"),
    ],
)
def test_numbers_stay_readable_small_and_large(x, precision, text):
    assert format_number(x, precision) == text


def test_a_tiny_gradient_is_not_drawn_as_zero():
    x = Value(8.0, label="x")
    y = x.tanh()
    y.backward()
    assert 0 < x.grad < 1e-6
    assert f"grad {format_number(x.grad)}<" in draw_dot(y).source
    assert format_number(x.grad).endswith("e-7")


def test_precision_is_an_option():
    a = Value(1 / 3, label="a")
    assert "data 0.3333<" in draw_dot(a).source
    assert "data 0.33333333<" in draw_dot(a, precision=8).source
    with pytest.raises(ValueError, match="precision"):
        draw_dot(a, precision=0)


# ---------------------------------------------------------------- the DOT source


def test_same_program_gives_byte_identical_dot():
    sources = [draw_dot(neuron()[0], edge_labels=True).source for _ in range(2)]
    assert sources[0] == sources[1]
    root, params = neuron()
    source = draw_dot(root, params=params).source
    assert str(id(root)) not in source
    assert all(f"\tv{i} [" in source for i in range(10))  # ids follow the traversal order


def test_each_value_and_each_op_is_a_node_and_reuse_keeps_both_edges():
    a = Value(3.0, label="a")
    b = a * a
    source = draw_dot(b).source
    assert source.count("v0 -> v1_op") == 2  # a * a: two edges from a
    assert "v1_op -> v1" in source
    assert "<*>" in source


def test_parameters_inputs_and_results_look_different():
    root, params = neuron()
    source = draw_dot(root, params=params).source
    w1_line = next(line for line in source.splitlines() if "<B>w1</B>" in line)
    x1_line = next(line for line in source.splitlines() if ">x1<" in line)
    assert PARAM_FILL in w1_line and PARAM_FILL not in x1_line


def test_edge_labels_show_the_products_and_fan_out_sums():
    a = Value(3.0, label="a")
    b = a * a + a  # a is used three times: dL/da = 1 + 3 + 3
    b.label = "b"
    source = draw_dot(b, edge_labels=True).source
    assert "1.0 × 3.0 = 3.0" in source  # each edge of a * a
    assert "1.0 × 1.0 = 1.0" in source
    assert "grad 1.0 + 3.0 + 3.0 = 7.0" in source  # the fan-out sum in a's box, in arrival order
    a2 = Value(3.0, label="a")
    b2 = a2 * a2 + a2
    b2.backward()
    assert a2.grad == 7.0


def test_edge_labels_parenthesize_negative_factors():
    x = Value(2.0, label="x")
    y = x * -3.0
    assert "1.0 × (-3.0) = -3.0" in draw_dot(y, edge_labels=True).source


def test_highlight_and_rankdir():
    root, params = neuron()
    w1 = params[0]
    source = draw_dot(root, highlight=[w1], rankdir="TB").source
    assert "rankdir=TB" in source
    w1_line = next(line for line in source.splitlines() if ">w1<" in line)
    assert HIGHLIGHT in w1_line
    assert source.count(HIGHLIGHT) == 1
    with pytest.raises(ValueError, match="rankdir"):
        draw_dot(root, rankdir="sideways")


def svg_width(graph) -> float:
    """The drawing's width in points, as the SVG says."""
    return float(ET.fromstring(graph.pipe(format="svg", encoding="utf-8")).get("width").removesuffix("pt"))


def test_auto_layout_turns_a_wide_graph_top_to_bottom():
    require_dot()
    x = Value(1.0, label="x")
    y = x
    for _ in range(10):
        y = y * 1.5  # a chain of 10 ops: about 1,600 points from left to right
    assert svg_width(draw_dot(y, rankdir="LR")) > 1000
    wide = draw_dot(y)  # rankdir="auto", max_width=1000
    assert "rankdir=TB" in wide.source and svg_width(wide) <= 1000
    short = draw_dot(x * 2.0)
    assert "rankdir=LR" in short.source  # fits: left to right, as the data flows
    assert "rankdir=LR" in draw_dot(y, max_width=1e6).source
    assert "rankdir=LR" in draw_dot(y, rankdir="LR").source  # a direction given is kept
    narrow = draw_dot(y, max_width=10)  # too wide either way: the narrower of the two
    assert "rankdir=TB" in narrow.source
    with pytest.raises(ValueError, match="draw_dot: max_width must be a finite number > 0"):
        draw_dot(y, max_width=0)


def test_collapsed_boxes_count_in_words():
    w = Value(2.0, label="w")
    source = draw_dot(w * 3.0, params=[w], collapse=lambda p: "box").source
    assert "<TD>1 param, 1 op</TD>" in source
    (out,), params = mlp([1, 1], [Value(0.5, label="x")])
    assert "<TD>2 params, 2 ops</TD>" in draw_dot(out, params=params, collapse="neuron").source


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"highlight": [1.0]}, TypeError, "highlight must hold Values"),
        (
            {"params": [("w", Value(1.0))]},
            TypeError,
            r"params must hold Values \(e.g. model.parameters\(\)\)",
        ),
        ({"collapse": "neurons"}, ValueError, "collapse must be None, 'neuron' or 'layer'"),
        ({"collapse": "neuron"}, ValueError, r"needs params=model.parameters\(\)"),
        ({"max_nodes": 0}, ValueError, "max_nodes"),
    ],
)
def test_bad_options_are_named(kwargs, error, match):
    with pytest.raises(error, match=match):
        draw_dot(neuron()[0], **kwargs)


def test_root_must_be_a_value():
    with pytest.raises(TypeError, match="draw_dot: root must be a Value, got float 1.0"):
        draw_dot(1.0)


# ---------------------------------------------------------------- rendering with dot


def test_every_nasty_label_renders_as_typed_and_keeps_the_structure(capsys):
    require_dot()
    leaves = [Value(float(i), label=label) for i, label in enumerate(NASTY)]
    weird = Op('op "<&>" \\N {|}', lambda x: x, lambda x, out: (1.0,))
    out = weird(sum(leaves[1:], leaves[0]))
    out.label = "출력 \\"
    tab = Value(1.0, label="tab\there\x07")
    root = out + tab
    graph = draw_dot(root)
    svg = graph._repr_mimebundle_()["image/svg+xml"]  # what Jupyter shows
    assert capsys.readouterr().err == ""  # dot parsed it without a single warning
    texts = node_texts(svg)
    drawn = {tuple(lines[:-2]) for lines in texts.values()}  # the label lines, before data and grad
    for label in [*NASTY, "출력 \\"]:
        assert tuple(label.split("\n")) in drawn, label
    assert ("tab    here\\x07",) in drawn  # a tab is four spaces; a control character is shown escaped
    assert ['op "<&>" \\N {|}'] in texts.values()
    values = len(NASTY) + (len(NASTY) - 1) + 3  # leaves, the sums, weird, tab, root
    ops = values - len(NASTY) - 1
    assert len(texts) == values + ops
    assert edge_count(svg) == 3 * (len(NASTY) - 1) + 2 + 3  # each op: its inputs and its output
    assert 'font-family="NanumGothic' in svg


def test_without_dot_the_source_works_and_rendering_says_how_to_install(monkeypatch, tmp_path):
    import graphviz

    monkeypatch.setenv("PATH", str(tmp_path))  # no dot anywhere
    graph = draw_dot(neuron()[0])
    assert graph.source.startswith("digraph {")
    assert "rankdir=LR" in graph.source  # nothing to measure the layout with: left to right
    for render in (graph.pipe, graph._repr_mimebundle_, lambda: graph.render(tmp_path / "g.gv")):
        with pytest.raises(graphviz.ExecutableNotFound) as caught:
            render()
        message = str(caught.value)
        for hint in (
            "apt-get install graphviz",
            "brew install graphviz",
            "conda install -c conda-forge graphviz",
        ):
            assert hint in message


def test_without_the_graphviz_package_drawing_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "graphviz", None)
    monkeypatch.delitem(sys.modules, "autograd.digraph", raising=False)
    with pytest.raises(ModuleNotFoundError, match=r"pip install 'chainrule\[viz\]'"):
        draw_dot(Value(1.0))


def test_the_engine_imports_and_runs_without_graphviz():
    code = (
        "import sys; sys.modules['graphviz'] = None\n"
        "import autograd\n"
        "a = autograd.Value(2.0); b = a * a; b.backward(); assert a.grad == 4.0\n"
        "assert autograd.explain(b, a).matches and autograd.trace_backward(b).replay()[a] == 4.0\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[1])


# ---------------------------------------------------------------- size limit and the collapsed view


def test_a_graph_over_the_limit_is_refused_with_what_to_do():
    x = Value(1.0, label="x")
    y = x
    for _ in range(1000):
        y = y * 1.0  # 2,001 values and 1,000 ops
    with pytest.raises(ValueError) as caught:
        draw_dot(y)
    message = str(caught.value)
    assert "2,001 values and 1,000 ops, 3,001 drawing nodes" in message
    assert "max_nodes=2,000" in message and "collapse='neuron'" in message and "subgraph" in message
    assert "max_nodes=3001" in message
    assert draw_dot(y, max_nodes=3001).source.count("_op [") == 1000


def test_collapsed_mlp_has_one_box_per_neuron_or_layer():
    require_dot()
    xs = [Value(0.5, label="x1"), Value(-1.0, label="x2")]
    (out,), params = mlp([2, 16, 16, 1], xs)
    out.backward()
    with pytest.raises(ValueError, match="drawing nodes"):
        draw_dot(out, params=params, max_nodes=1000)
    by_neuron = draw_dot(out, params=params, collapse="neuron", max_nodes=1000)
    svg = by_neuron.pipe(format="svg", encoding="utf-8")
    texts = node_texts(svg)
    assert len(texts) == 16 + 16 + 1 + 2
    assert edge_count(svg) == 2 * 16 + 16 * 16 + 16
    first = next(lines for lines in texts.values() if lines[0] == "layers.0.neurons.0")
    assert first[1] == "3 params, 5 ops"
    last = next(lines for lines in texts.values() if lines[0] == "layers.2.neurons.0")
    assert last[2] == f"out {format_number(out.data)}, grad 1.0"
    by_layer = draw_dot(out, params=params, collapse="layer").source
    assert by_layer.count("<B>layers.") == 3 and by_layer.count("->") == 2 + 1 + 1
    assert "48 params, 80 ops" in by_layer and "… 13 more outputs" in by_layer


def test_collapse_groups_by_parameter_inputs_and_keeps_shared_values_outside():
    x = Value(1.0, label="x")
    (h0, h1), params = mlp([1, 2], [x])
    shared = h0 * h1  # inputs from two different neurons: belongs to neither
    graph = draw_dot(shared, params=params, collapse="neuron").source
    assert graph.count("<B>layers.0.neurons.") == 2
    assert "x</TD>" in graph  # the labelled input stays visible
    assert "<*>" in graph  # the product of two neurons stays outside both boxes
    named = [Value(1.0, label="w")]
    with pytest.raises(ValueError, match="found no parameter label naming a neuron"):
        draw_dot(named[0] * 2.0, params=named, collapse="neuron")


def test_group_names_render_as_typed():
    require_dot()
    w = Value(2.0, label='모델 "<&>" \\.layers.0.neurons.0.w.0')
    graph = draw_dot(w * 3.0, params=[w], collapse="neuron")
    texts = node_texts(graph.pipe(format="svg", encoding="utf-8"))
    assert any(lines[0] == '모델 "<&>" \\.layers.0.neurons.0' for lines in texts.values())


def test_gradients_that_are_values_are_drawn_as_numbers():
    x = Value(3.0, label="x")
    y = x * x
    y.backward(create_graph=True)  # x.grad is now a Value
    assert isinstance(x.grad, Value)
    assert "grad 6.0<" in draw_dot(y).source


def test_collapse_takes_any_grouping_function_or_the_name_it_was_registered_under(monkeypatch):
    (out,), params = mlp([2, 3, 1], [Value(0.5, label="x1"), Value(-1.0, label="x2")])
    by_name = draw_dot(out, params=params, collapse="layer").source
    assert draw_dot(out, params=params, collapse=nn.layer_of).source == by_name
    assert nn.neuron_of(params[0]) == "layers.0.neurons.0" and nn.layer_of(params[0]) == "layers.0"
    assert nn.neuron_of(Value(1.0, label="w")) is None
    monkeypatch.setattr("autograd.collapse.GROUPINGS", {})  # as before nn is imported
    with pytest.raises(ValueError, match=r"must be None, a registered name \(import nn for 'neuron'"):
        draw_dot(out, params=params, collapse="neuron")
    register_grouping("model", lambda p: "model")
    one_box = draw_dot(out, params=params, collapse="model").source
    assert one_box.count("<B>model</B>") == 1 and "13 params, " in one_box
    with pytest.raises(TypeError, match="must give a group name \\(a str\\) or None, got int 0"):
        draw_dot(out, params=params, collapse=lambda p: 0)
    with pytest.raises(TypeError, match="register_grouping: needs a name \\(a str\\) and a function"):
        register_grouping("model", "layers")


def test_a_drawing_is_a_scene_of_plain_data_then_rendered():
    a = Value(3.0, label="a")
    b = a * a
    order = topological_order([b])
    options = {"params": [a], "highlight": [b], "rankdir": "TB", "fontname": "serif"}
    scene = graph_scene(order, b, None, precision=4, **options)
    assert [type(item) for item in scene.items] == [Box, Box, OpNode, Edge, Edge, Edge]
    box = scene.items[0]
    assert isinstance(box, Box) and (box.title, box.fill, box.bold) == ("a", PARAM_FILL, True)
    assert [cell.text for cell in box.cells] == ["data 3.0", "grad 0.0"]
    assert render_dot.render(scene).source == draw_dot(b, **options).source
