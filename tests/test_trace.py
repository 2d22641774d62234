"""trace_backward: the recorded steps are the backward pass, and replaying them reproduces it exactly."""

from __future__ import annotations

import math

import pytest
from hypothesis import given

from autograd import Op, Value, backpropagate, explain, topological_order, trace_backward
from autograd.backward import local_derivatives
from tests.expressions import graphs


def reused_graph() -> tuple[Value, Value, Value]:
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a * b
    d = c + b  # b reused
    loss = d * d  # d used twice by one op
    return loss, a, b


def same(x: float, y: float) -> bool:
    return x == y or (math.isnan(x) and math.isnan(y))


@given(graphs())
def test_replay_reproduces_backward_bit_for_bit(graph):
    root, leaves = graph
    trace = trace_backward(root)
    replayed = trace.replay()
    assert all(node.grad == 0.0 for node in replayed)  # tracing touches no .grad
    expected = backpropagate([root], [1.0])
    assert replayed.keys() == expected.keys()
    assert all(same(replayed[node], expected[node]) for node in expected)
    root.backward()
    assert all(same(leaf.grad, replayed.get(leaf, 0.0)) for leaf in leaves)


@given(graphs())
def test_each_step_records_the_chain_rule(graph):
    root, _ = graph
    trace = trace_backward(root)
    final = backpropagate([root], [1.0])
    assert [step.node for step in trace.steps] == [n for n in reversed(topological_order([root])) if n.op]
    running = {root: 1.0}
    for step in trace.steps:
        assert same(step.grad, final[step.node])  # complete before the node's step starts
        assert [edge.child for edge in step.edges] == list(step.node.children)
        for edge, local in zip(step.edges, local_derivatives(step.node)):
            assert same(edge.local, local)
            assert same(edge.contribution, step.grad * local)
            running[edge.child] = (
                running[edge.child] + edge.contribution if edge.child in running else edge.contribution
            )
            assert same(edge.child_grad, running[edge.child])


def test_reused_nodes_receive_one_contribution_per_edge():
    loss, a, b = reused_graph()
    trace = trace_backward(loss)
    first = trace.steps[0]
    assert first.node is loss and first.grad == 1.0
    assert [(e.local, e.contribution, e.child_grad) for e in first.edges] == [
        (-9.0, -9.0, -9.0),
        (-9.0, -9.0, -18.0),
    ]
    to_b = [edge for step in trace.steps for edge in step.edges if edge.child is b]
    assert [edge.child_grad for edge in to_b] == [-18.0, -54.0]
    loss.backward()
    assert (a.grad, b.grad) == (trace.replay()[a], trace.replay()[b]) == (54.0, -54.0)


def test_seed_and_a_leaf_root():
    loss, a, _ = reused_graph()
    assert trace_backward(loss, gradient=0.5).replay()[a] == 27.0
    leaf = Value(1.0)
    trace = trace_backward(leaf)
    assert trace.steps == () and trace.replay() == {leaf: 1.0}


def test_a_deep_graph_traces_without_recursion():
    x = Value(1.0, label="x")
    y = x
    for _ in range(20_000):
        y = y + 1.0
    assert trace_backward(y).replay()[x] == 1.0


def test_bad_input_is_named():
    with pytest.raises(TypeError, match="trace_backward: root must be a Value, got float 2.0"):
        trace_backward(2.0)
    with pytest.raises(TypeError, match="trace_backward gradient"):
        trace_backward(Value(1.0), gradient="one")


def test_a_derivative_rule_giving_the_wrong_count_fails_loudly():
    both = Op("both", lambda a, b: a + b, lambda a, b, out: (1.0,))  # forgot the second input
    y = both(Value(1.0), Value(2.0))
    for run in (trace_backward, lambda y: explain(y, y.children[1])):
        with pytest.raises(ValueError, match="'both': derivative rule gave 1 values for 2 inputs"):
            run(y)
