"""explain: a gradient as a sum over paths of products of local derivatives, checked against backward."""

from __future__ import annotations

import math

import pytest
from hypothesis import given

from autograd import Value, backpropagate, explain
from tests.expressions import graphs


def test_sum_over_paths_in_numbers():
    w = Value(2.0, label="w")
    c = w * 2.0
    c.label = "c"
    d = w + 1.0
    d.label = "d"
    u, v = c * -0.3, d * 0.5
    u.label, v.label = "u", "v"
    loss = u + v
    loss.label = "L"
    explanation = explain(loss, w)
    assert str(explanation).splitlines() == [  # one factor per edge: three edges, three factors
        "dL/dw = (1.0)(-0.3)(2.0) + (1.0)(0.5)(1.0) = -0.1",
        "  one term per path, one factor per edge:",
        "    L → u → c → w: (1.0)(-0.3)(2.0) = -0.6",
        "    L → v → d → w: (1.0)(0.5)(1.0) = 0.5",
        "  the local derivatives on these paths:",
        "    ∂L/∂u = 1.0",
        "    ∂u/∂c = -0.3",
        "    ∂c/∂w = 2.0",
        "    ∂L/∂v = 1.0",
        "    ∂v/∂d = 0.5",
        "    ∂d/∂w = 1.0",
        "backward() gives dL/dw = -0.1: the same.",
    ]
    assert explanation.path_count == 2 and explanation.complete and explanation.matches
    assert [p.factors for p in explanation.paths] == [(1.0, -0.3, 2.0), (1.0, 0.5, 1.0)]


def test_local_derivatives_are_written_by_their_rule():
    x = Value(0.5, label="x")
    h = x * x
    h.label = "h"
    t = h.tanh()
    t.label = "t"
    text = str(explain(t, x))
    assert "    ∂t/∂h = 1 − t² = 0.94" in text
    assert "    ∂h/∂x = x = 0.5 (input 1)" in text and "    ∂h/∂x = x = 0.5 (input 2)" in text


def test_reused_nodes_give_one_path_per_edge():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    d = a * b + b
    d.label = "d"
    loss = d * d
    explanation = explain(loss, b)
    assert explanation.path_count == 4  # two edges into d * d, times two ways from d to b
    assert sum(p.product for p in explanation.paths) == explanation.total == -54.0
    loss.backward()
    assert explanation.gradient == b.grad == -54.0 and explanation.matches
    text = str(explanation)
    assert "L → d (input 1) → b: (-9.0)(1.0) = -9.0" in text
    assert "L → d (input 2) → b: (-9.0)(1.0) = -9.0" in text


@given(graphs())
def test_the_total_over_paths_equals_backward(graph):
    root, leaves = graph
    grads = backpropagate([root], [1.0])
    for leaf in leaves:
        explanation = explain(root, leaf, max_paths=8)
        assert explanation.matches
        assert math.isclose(
            explanation.total, grads.get(leaf, 0.0), rel_tol=1e-9, abs_tol=1e-12 * explanation.abs_total
        )
        if explanation.complete:
            assert math.isclose(
                sum(p.product for p in explanation.paths), explanation.total, rel_tol=1e-9, abs_tol=1e-9
            )


def test_exploding_paths_are_counted_and_summarized_not_enumerated():
    x = Value(0.5, label="x")
    y = x
    for _ in range(60):
        y = y * x + y  # every level doubles the paths from y down to x
    explanation = explain(y, x, max_paths=5)
    assert explanation.path_count == 2**61 - 1
    assert not explanation.complete and len(explanation.paths) == 5 and explanation.matches
    products = [abs(p.product) for p in explanation.paths]
    assert products == sorted(products, reverse=True)
    text = str(explanation)
    assert "is a sum over 2,305,843,009,213,693,951 paths, too many to list (max_paths=5)" in text
    assert "the 5 largest contributions:" in text and ": the same." in text


def test_largest_contributions_are_the_true_largest():
    x = Value(1.0, label="x")
    parts = [x * float(k) for k in (3, -7, 1, 5, -2)]
    loss = sum(parts[1:], parts[0])
    explanation = explain(loss, x, max_paths=3)
    assert explanation.path_count == 5
    assert [p.product for p in explanation.paths] == [-7.0, 5.0, 3.0]


def test_deep_paths_are_shortened_in_the_text():
    x = Value(1.0, label="x")
    y = x
    for _ in range(5_000):
        y = y * 1.0
    explanation = explain(y, x)
    assert explanation.path_count == 1 and len(explanation.paths[0].factors) == 5_000
    assert "…4988 more…" in str(explanation) and explanation.matches
    assert "    … 4988 more" in str(explanation)  # the local derivatives, 12 of the 5,000 written out


def test_no_path_and_the_root_itself():
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    loss = a * 3.0
    none = explain(loss, b)
    assert none.path_count == 0 and none.total == 0.0 and none.gradient == 0.0 and none.matches
    assert "L does not depend on b (there is no path from L to b)" in str(none)
    itself = explain(loss, loss)
    assert itself.path_count == 1 and itself.total == 1.0 and itself.paths[0].factors == ()
    assert str(itself).startswith("dL/dL = 1.0: the path from L to itself has no edge.")


def test_a_nan_on_the_way_is_reported_honestly():
    x = Value(0.0, label="x")
    y = x.sqrt() * 0.0  # d sqrt/dx at 0 is inf; inf * 0 is nan
    explanation = explain(y, x)
    assert math.isnan(explanation.total) and math.isnan(explanation.gradient) and explanation.matches


def test_bad_input_is_named():
    with pytest.raises(TypeError, match="explain: leaf must be a Value, got str 'w'"):
        explain(Value(1.0), "w")
    with pytest.raises(ValueError, match="explain: max_paths"):
        explain(Value(1.0), Value(1.0), max_paths=0)
