"""Random programs over every op, with extreme data and hostile labels: every view of the backward
pass agrees (eager, trace replay, explain, compile on floats and on a NumPy batch), and nothing
escapes but the documented exceptions.

Bounded by the suite's hypothesis profile; run longer with CHAINRULE_FUZZ_EXAMPLES=5000.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, compile, explain, trace_backward
from tests.conftest import require
from tests.op_cases import CASES

EXAMPLES = int(os.environ.get("CHAINRULE_FUZZ_EXAMPLES", "60"))
DOMAIN_ERRORS = (ValueError, ZeroDivisionError)  # raised at once by a forward rule, with a note

NUMBERS = st.one_of(
    st.floats(-3.0, 3.0, allow_nan=False),
    st.sampled_from([0.0, -0.0, 1.0, -1.0, 2000.0, -2000.0, 1e308, -1e308, 1e-300, 5e-324,
                     math.inf, -math.inf, math.nan]),
)
LABELS = st.one_of(
    st.sampled_from(["", "x", "ｘ", "ṽ", "v\u0303", "ㄱ", "가중치", "class", "None", "__debug__", "__init__", "1st",
                     "power", "exp", "max", "abs", "inf", "nan", "pow_da", "samples", "total", "compiled",
                     "\x1b[31m", "\u202e", "a b", "g_x", "z1", "_"]),
    st.text(max_size=4),
)


def same(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


def close(a: float, b: float) -> bool:
    """Equal to 1e-12, as the README promises for NumPy batches: NumPy's own tanh, exp... may differ
    from math's in the last bit (np.tanh(1.5) is one ulp above math.tanh(1.5))."""
    return same(a, b) or math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


@st.composite
def programs(draw: Any) -> tuple[Callable[..., Value], list[float]]:
    """A random function of 3 inputs, each op on earlier nodes, every node labelled; and its inputs."""
    steps = []
    for k in range(draw(st.integers(1, 8))):
        case = draw(st.sampled_from(CASES))
        steps.append((case.call, [draw(st.integers(0, 2 + k)) for _ in case.domain], draw(LABELS)))
    labels = [draw(LABELS) for _ in range(3)]

    def program(*xs: Value) -> Value:
        nodes = list(xs)
        for x, label in zip(xs, labels):
            x.label = label
        for call, picks, label in steps:
            node = call(*(nodes[i] for i in picks))
            node.label = label
            nodes.append(node)
        return nodes[-1]

    return program, [draw(NUMBERS) for _ in range(3)]


@settings(max_examples=EXAMPLES)
@given(programs())
def test_every_view_of_the_backward_pass_agrees(program: tuple[Callable[..., Value], list[float]]) -> None:
    fn, xs = program
    leaves = [Value(x) for x in xs]
    try:
        out = fn(*leaves)
    except DOMAIN_ERRORS as error:
        assert any(note.startswith("in op ") for note in error.__notes__)
        return
    out.backward()
    eager = [leaf.grad for leaf in leaves]

    replayed = trace_backward(out).replay()
    assert all(same(replayed.get(leaf, 0.0), g) for leaf, g in zip(leaves, eager))

    for leaf, g in zip(leaves, eager):
        explanation = explain(out, leaf)
        assert same(explanation.gradient, g)
        if math.isfinite(explanation.abs_total):
            assert explanation.matches, str(explanation)

    compiled = compile(fn, tuple(xs))
    value, grads = compiled(*xs)
    assert same(value, out.data) and all(same(a, b) for a, b in zip(grads, eager)), compiled.source

    np = require("numpy")
    try:
        total, batch_grads = compiled.batch(*[np.array([x]) for x in xs])
    except ValueError as error:  # NumPy's invalid operations (inf - inf, 0 * inf) raise in a batch
        assert "outside an op's domain" in str(error)
        return
    assert close(total, out.data)
    assert all(close(float(a[0]), b) for a, b in zip(batch_grads, eager)), compiled.source
