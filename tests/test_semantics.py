"""How the engine behaves as a whole: the classic expression, reuse, repeated calls, modes, depth."""

from __future__ import annotations

import asyncio
import gc
import threading
from fractions import Fraction

import numpy as np
import pytest

from autograd import Op, Value, backpropagate, enable_grad, grad, is_grad_enabled, no_grad, topological_order
from autograd.floats import number
from tests.conftest import require


def classic() -> tuple[Value, Value, Value]:
    a, b = Value(-4.0, label="a"), Value(2.0, label="b")
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    return a, b, g


def test_classic_expression() -> None:
    a, b, g = classic()
    g.backward()
    assert round(g.data, 4) == 24.7041
    assert round(a.grad, 4) == 138.8338
    assert round(b.grad, 4) == 645.5773


def test_classic_expression_matches_pytorch() -> None:
    torch = require("torch")
    a, b, g = classic()
    g.backward()
    ta = torch.tensor(-4.0, dtype=torch.float64, requires_grad=True)
    tb = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    tc = ta + tb
    td = ta * tb + tb**3
    tc = tc + tc + 1
    tc = tc + 1 + tc + (-ta)
    td = td + td * 2 + (tb + ta).relu()
    td = td + 3 * td + (tb - ta).relu()
    tg = (tc - td) ** 2 / 2.0
    tg = tg + 10.0 / ((tc - td) ** 2)
    tg.backward()
    assert g.data == pytest.approx(tg.item(), rel=1e-12)
    assert (a.grad, b.grad) == pytest.approx((ta.grad.item(), tb.grad.item()), rel=1e-12)


def test_a_node_used_twice_gets_both_contributions() -> None:
    a = Value(3.0)
    (a + a).backward()
    assert a.grad == 2.0
    a = Value(3.0)
    product = a * a
    assert product.children == (a, a)  # two edges, in order
    product.backward()
    assert a.grad == 6.0


@pytest.mark.parametrize("create_graph", [False, True])
def test_the_walk_gives_the_same_gradients_watched_or_not(create_graph: bool) -> None:
    """Two-input nodes take a written-out path when no ``on_edge`` watches; it must add up as the loop does."""
    fma = Op("fma", lambda a, b, c: a * b + c, lambda a, b, c, out: (b, a, 1.0))
    pair = Op("pair", lambda a, b: a * b + a, lambda a, b, out: [b + 1.0, a])  # two inputs, a list of derivatives
    a, b = Value(0.3), Value(-1.7)
    y = fma(a * a, (a - b).tanh(), b / a) * (a + a) + (a * b).relu() + pair(a, a) + pair(b, a)
    edges: list[tuple[object, ...]] = []
    watched = backpropagate([y], [1.0], create_graph, on_edge=lambda *edge: edges.append(edge))
    unwatched = backpropagate([y], [1.0], create_graph)
    assert len(edges) == sum(len(node.children) for node in topological_order([y]) if node.op is not None)
    assert list(unwatched) == list(watched)  # the same nodes, reached in the same order
    numbers = [[float.__repr__(number(g)) for g in grads.values()] for grads in (unwatched, watched)]
    assert numbers[0] == numbers[1]  # the same floats, added in the same order


def test_gradients_flow_in_topological_order() -> None:
    a = Value(3.0, label="a")
    b = a * a
    c = b + b
    c.backward()
    assert (b.grad, a.grad) == (2.0, 12.0)  # dc/db = 2, dc/da = 2 * 2a
    order = topological_order([c])
    assert order.index(a) < order.index(b) < order.index(c)


def test_second_backward_doubles_leaf_grads_exactly_and_recomputes_interior() -> None:
    a, b, g = classic()
    g.backward()
    first = (a.grad, b.grad)
    interior = [n for n in topological_order([g]) if n.op is not None]
    interior_first = [n.grad for n in interior]
    g.backward()
    assert (a.grad, b.grad) == (2 * first[0], 2 * first[1])
    assert [n.grad for n in interior] == interior_first


def test_zeroing_leaf_grads_restores_a_fresh_backward() -> None:
    a, b, g = classic()
    g.backward()
    first = (a.grad, b.grad)
    a.grad = b.grad = 0.0
    g.backward()
    assert (a.grad, b.grad) == first


def test_backward_with_a_seed_gradient() -> None:
    x = Value(2.0)
    (x * x).backward(gradient=0.5)
    assert x.grad == 2.0


def test_backward_on_a_leaf_accumulates_into_it() -> None:
    x = Value(2.0)
    x.backward()
    x.backward()
    assert x.grad == 2.0


def test_no_grad_records_nothing_and_restores() -> None:
    x = Value(2.0)
    with no_grad():
        assert not is_grad_enabled()
        y = x * 3 + 1
        with enable_grad():
            z = x * 3
    assert is_grad_enabled()
    assert y.op is None and y.children == () and y.data == 7.0
    assert z.op is not None and z.children[0] is x


def test_no_grad_as_a_decorator_and_nested() -> None:
    @no_grad()
    def evaluate(v: Value) -> Value:
        return v * 2

    x = Value(1.0)
    assert evaluate(x).op is None
    guard = no_grad()
    with guard:
        with guard:
            pass
        assert not is_grad_enabled()
    assert is_grad_enabled()


def test_no_grad_does_not_leak_to_other_threads_or_tasks() -> None:
    seen: dict[str, bool] = {}
    ready, release = threading.Event(), threading.Event()

    def worker() -> None:
        ready.wait()
        seen["thread"] = (Value(1.0) * 2).op is not None
        release.set()

    thread = threading.Thread(target=worker)
    thread.start()
    with no_grad():
        ready.set()
        release.wait()
    thread.join()

    async def recording() -> bool:
        return (Value(1.0) * 2).op is not None

    async def main() -> None:
        with no_grad():
            seen["task"] = await asyncio.create_task(recording())  # tasks copy the context...
        seen["after"] = await asyncio.create_task(recording())  # ...and leave ours untouched

    asyncio.run(main())
    assert seen == {"thread": True, "task": False, "after": True}


def test_detach_makes_a_leaf_with_the_same_data() -> None:
    x = Value(2.0, label="x")
    y = x * 3
    d = y.detach()
    assert (d.data, d.op, d.children, d.label) == (6.0, None, (), y.label)
    (d * x).backward()
    assert x.grad == 6.0 and d.grad == 2.0 and y.grad == 0.0


def test_a_million_op_chain_at_the_default_recursion_limit() -> None:
    x = Value(0.5)
    y = x
    for _ in range(1_000_000):
        y = -y
    y.backward()
    assert y.data == 0.5 and x.grad == 1.0
    del y  # freeing the chain must not overflow the C stack either


def test_graphs_are_freed_by_reference_counting() -> None:
    gc.collect()
    gc.disable()
    try:
        a, b, g = classic()
        g.backward()
        x = Value(1.0)
        dx = grad(x.tanh() * x, [x], create_graph=True)[0]
        grad(dx, [x])
        del a, b, g, x, dx
        assert gc.collect() == 0  # nothing was left for the cyclic collector
    finally:
        gc.enable()


def test_values_hash_by_identity_and_compare_by_data() -> None:
    a, b = Value(1.0), Value(1.0)
    assert a is not b and a != b and len({a, b}) == 2 and {a: 1}[a] == 1
    assert b <= a < 2 and a > 0.5 and a >= b


@pytest.mark.parametrize("data", [3, 2.5, True, Fraction(1, 4), np.float32(1.5), np.int64(7), np.bool_(True),
                                  np.array(2.0), float("nan"), float("inf"), -float("inf")])
def test_real_numbers_are_stored_as_python_floats(data: object) -> None:
    v = Value(data)
    assert type(v.data) is float
    assert v.data == float(data) or v.data != v.data


def test_operators_accept_numbers_on_either_side() -> None:
    x = Value(2.0)
    for out, expected in [(x + 1, 3.0), (1 + x, 3.0), (x - 1, 1.0), (1 - x, -1.0), (x * 3, 6.0), (3 * x, 6.0),
                          (x / 4, 0.5), (4 / x, 2.0), (x**3, 8.0), (2**x, 4.0), (x ** Value(2.0), 4.0),
                          (-x, -2.0), (abs(-x), 2.0), (np.float64(3.0) * x, 6.0)]:
        assert isinstance(out, Value) and out.data == expected


def test_repr_shows_label_data_and_grad() -> None:
    x = Value(2.0, label="가중치")
    (x * x).backward()
    assert repr(x) == "Value(label='가중치', data=2.0, grad=4.0)"
    assert repr(Value(1.5)) == "Value(data=1.5, grad=0.0)"
    assert x.item() == 2.0
