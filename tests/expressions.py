"""Random expression graphs in which nodes are reused, for hypothesis-driven tests of the backward pass."""

from __future__ import annotations

from hypothesis import strategies as st

from autograd import Value

BINARY = [lambda a, b: a * b, lambda a, b: a + b, lambda a, b: a - b, lambda a, b: a * b.tanh()]
UNARY = [lambda a: a.tanh(), lambda a: a.sigmoid(), lambda a: a * a, lambda a: a.exp() * 0.1]


@st.composite
def graphs(draw) -> tuple[Value, list[Value]]:
    """A random expression over three leaves in which earlier nodes are freely reused."""
    numbers = st.floats(-2.0, 2.0, allow_nan=False)
    leaves = [Value(draw(numbers), label=f"x{i}") for i in range(3)]
    nodes = list(leaves)
    for _ in range(draw(st.integers(1, 12))):
        pick = st.integers(0, len(nodes) - 1)
        if draw(st.booleans()):
            op = BINARY[draw(st.integers(0, len(BINARY) - 1))]
            nodes.append(op(nodes[draw(pick)], nodes[draw(pick)]))
        else:
            nodes.append(UNARY[draw(st.integers(0, len(UNARY) - 1))](nodes[draw(pick)]))
    return nodes[-1], leaves
