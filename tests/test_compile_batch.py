"""compile's NumPy batches: layers become matrix products, and the results equal the eager engine's."""

from __future__ import annotations

import functools
import math
import operator
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import nn
from autograd import Op, Value, compile, ops
from autograd.vectorize import Elementwise, Layer, Reduction, Scalar, plan
from tests.conftest import require

TOLERANCE = 1e-12


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=TOLERANCE, abs_tol=TOLERANCE)


# ---------------------------------------------------------------- random layered graphs

KINKED = (ops.RELU, ops.ABS, ops.LEAKY)
ACTIVATIONS = (None, ops.TANH, ops.SIGMOID, ops.RELU, ops.SOFTPLUS, ops.SIN, ops.COS, ops.ABS, ops.NEG, ops.LEAKY)


def activate(op: Op | None, z: Value, kinks: list[Value]) -> Value:
    """An activation from the op table; the inputs of ops with a kink are kept, to stay away from it."""
    if op is None:
        return z
    if op in KINKED:
        kinks.append(z)
    result: Value = op(z, 0.1) if op is ops.LEAKY else op(z)
    return result


@dataclass
class LayeredGraph:
    """A random network: layers built three ways, an activation each, a loss head, maybe a penalty."""

    layers: list[tuple[str, Op | None, Any]]  # (style, activation, nn.Layer or (weights, biases))
    head: str
    penalty: bool
    n_in: int
    n_out: int
    params: list[Value]

    def __call__(self, x: Sequence[Any], y: Sequence[Any], s: Any, kinks: list[Value] | None = None) -> Value:
        kinks = [] if kinks is None else kinks
        a: list[Any] = list(x)
        for style, act, layer in self.layers:
            if style == "nn":
                zs = layer(a)
            else:
                weights, biases = layer
                zs = [self.neuron(style, row, b, a, j) for j, (row, b) in enumerate(zip(weights, biases))]
            a = [activate(act, z, kinks) for z in zs]
        if self.head == "sum":
            out = functools.reduce(operator.add, a)
        elif self.head == "mse":
            out = sum((t - o) * (t - o) for t, o in zip(y, a))
        else:  # log-sum-exp, of bounded values
            out = sum(o.tanh().exp() for o in a).log()
        out = out * s
        if self.penalty:
            out = out + 0.01 * sum(p * p for p in self.params)
        return out

    @staticmethod
    def neuron(style: str, row: Sequence[Any], b: Any, a: Sequence[Any], j: int) -> Any:
        if style == "micrograd":
            return sum((w * x for w, x in zip(row, a)), b)
        terms = [w * x if (i + j) % 2 else x * w for i, (w, x) in enumerate(zip(row, a))]  # both orders
        terms.insert(j % (len(terms) + 1), b)
        return functools.reduce(operator.add, terms)


@st.composite
def layered_graphs(draw: Any) -> LayeredGraph:
    rng = random.Random(draw(st.integers(0, 2**16)))
    n_in = width = draw(st.integers(1, 3))
    layers: list[tuple[str, Op | None, Any]] = []
    params: list[Value] = []
    for k, n_out in enumerate(draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))):
        style = draw(st.sampled_from(["nn", "hand", "micrograd", "constants"]))
        act = draw(st.sampled_from(ACTIVATIONS))
        if style == "nn":
            layer: Any = nn.Layer(width, n_out, activation=None, seed=rng.randrange(1000))
            params += layer.parameters()
        else:  # Values, or for "constants" floats, written into the code
            def number(label: str, constant: bool = style == "constants") -> Any:
                x = rng.uniform(-1.0, 1.0)
                return x if constant else Value(x, label=label)
            weights = [[number(f"l{k}.{j}.w{i}") for i in range(width)] for j in range(n_out)]
            biases = [number(f"l{k}.{j}.b") for j in range(n_out)]
            layer = (weights, biases)
            if style != "constants":
                params += [q for row, b in zip(weights, biases) for q in (*row, b)]
        layers.append((style, act, layer))
        width = n_out
    return LayeredGraph(layers, draw(st.sampled_from(["sum", "mse", "logsumexp"])), draw(st.booleans()),
                        n_in, width, params)


def eager_totals(graph: LayeredGraph, X: list[list[float]], Y: list[list[float]], S: list[float],
                 kinks: list[Value]) -> tuple[float, list[float], list[list[float]], list[list[float]], list[float]]:
    """The eager engine, sample by sample: the total output, the parameters' total gradients, each
    sample's input gradients."""
    for p in graph.params:
        p.grad = 0.0
    total, gx, gy, gs = 0.0, [], [], []
    for x, y, s in zip(X, Y, S):
        xs, ys, sv = [Value(v) for v in x], [Value(v) for v in y], Value(s)
        out = graph(xs, ys, sv, kinks)
        out.backward()
        total += out.data
        gx.append([v.grad for v in xs])
        gy.append([v.grad for v in ys])
        gs.append(sv.grad)
    return total, [p.grad for p in graph.params], gx, gy, gs


numbers = st.floats(-2.0, 2.0, allow_nan=False)


@given(layered_graphs(), st.integers(1, 5), st.booleans(), st.booleans(), st.data())
def test_random_layered_graphs_batch_to_the_eager_result(graph: LayeredGraph, n: int, x_shared: bool,
                                                         s_shared: bool, data: Any) -> None:
    np = require("numpy")
    X = [data.draw(st.lists(numbers, min_size=graph.n_in, max_size=graph.n_in))] * n if x_shared else \
        [data.draw(st.lists(numbers, min_size=graph.n_in, max_size=graph.n_in)) for _ in range(n)]
    Y = [data.draw(st.lists(numbers, min_size=graph.n_out, max_size=graph.n_out)) for _ in range(n)]
    S = [data.draw(numbers)] * n if s_shared else [data.draw(numbers) for _ in range(n)]
    kinks: list[Value] = []
    want_total, want_params, want_x, want_y, want_s = eager_totals(graph, X, Y, S, kinks)
    assume(all(abs(z.data) > 1e-9 for z in kinks))  # a kink: the matrix product rounds otherwise, may cross it

    example = ([Value(0.5) for _ in range(graph.n_in)], [Value(0.5) for _ in range(graph.n_out)], Value(1.0))
    f = compile(graph, example, wrt=[graph.params, *example])
    total, (g_params, g_x, g_y, g_s) = f.batch(X[0] if x_shared else np.array(X), np.array(Y),
                                               S[0] if s_shared else np.array(S))
    assert close(total, want_total)
    assert all(close(g, want) for g, want in zip(g_params, want_params, strict=True))
    for i, g in enumerate(g_x):  # shared x: the total; per-sample x: one per sample
        want = [row[i] for row in want_x]
        assert close(g, math.fsum(want)) if x_shared else all(map(close, g, want))
    for i, g in enumerate(g_y):
        assert all(map(close, g, [row[i] for row in want_y]))
    assert close(g_s, math.fsum(want_s)) if s_shared else all(map(close, g_s, want_s))
    # every layer of at least two products is one matrix product in the code, and so is the penalty
    products = [len(layer.parameters()) - layer.nout if style == "nn" else len(layer[0]) * len(layer[0][0])
                for style, _, layer in graph.layers]
    penalty = graph.penalty and len(graph.params) >= 2
    assert len(re.findall(r"^    Z_\w+ = .* @ ", f.batch_source, re.MULTILINE)) == sum(k >= 2 for k in products) + penalty


# ---------------------------------------------------------------- the demo step


def demo() -> tuple[nn.MLP, list[list[float]], list[float]]:
    X, y = nn.moons(100, noise=0.1, seed=0)
    return nn.MLP(2, [16, 16, 1], seed=0), [list(x) for x in X], [float(t) for t in y]


def test_the_demo_step_with_its_penalty_equals_eager_and_the_per_sample_loop() -> None:
    """bench's step: mean hinge loss + L2 on 100 moons points, the penalty inside the compiled loss."""
    np = require("numpy")
    model, X, y = demo()
    params = model.parameters()
    f = compile(lambda x, t: (1.0 - t * model(x)).relu() + nn.l2_penalty(params, 1e-4), ([0.0, 0.0], 1.0),
                wrt=params)
    model.zero_grad()
    loss = nn.hinge_loss([model(x) for x in X], y) + nn.l2_penalty(params, 1e-4)
    loss.backward()
    got, grads = f.batch(np.array(X), np.array(y), reduction="mean")
    looped, looped_grads = f.loop(zip(X, y), reduction="mean")
    assert close(got, loss.data) and close(got, looped)
    assert all(close(g, p.grad) and close(g, h) for g, p, h in zip(grads, params, looped_grads, strict=True))
    # forward: 3 layers and the penalty; backward: g_W of each layer, g_X of the two upper ones and the penalty's
    assert f.batch_source.count(" @ ") == 4 + 3 + 3


# ---------------------------------------------------------------- what groups, and how the code reads


def test_an_mlps_batch_code_is_one_line_per_matrix_operation() -> None:
    model = nn.MLP(2, [3, 2, 1], seed=0)
    f = compile(lambda x: model(x), ([0.0, 0.0],), wrt=model.parameters())
    source = f.batch_source
    for line in [
        "W_layers_0 = params[0:9].reshape(3, 3)[:, :2]",  # neuron j's weight i is params[3j + i], a view
        "b_layers_0 = params[2:9:3]",
        ("Z_layers_0 = X_layers_0 @ W_layers_0.T + b_layers_0  # 3 sums of 2 products + 1 term (z4, z11, z18): "
         "replaces 6 *, 6 +"),
        "relu_layers_0 = relu(Z_layers_0)  # replaces 3 relu (z5, z12, z19)",
        "Z_layers_1 = relu_layers_0 @ W_layers_1.T + b_layers_1",
        "g_W_layers_1 = g_Z_layers_1.T @ relu_layers_0  # dE/dW = δ xᵀ, summed over the samples",
        "g_params[9:17].reshape(2, 4)[:, :3] += g_W_layers_1",
        "g_params[12:17:4] += g_Z_layers_1.sum(0)",
        "g_relu_layers_0 = g_Z_layers_1 @ W_layers_1  # δ back to the inputs",
        "g_Z_layers_0 = g_relu_layers_0 * (Z_layers_0 > 0.0)",  # δ_hidden = (Wᵀ δ_out) ⊙ f'(z)
    ]:
        assert line in source, line
    assert "z1 = " not in source  # no scalar op of a layer is left


def test_a_hand_written_layer_groups_like_nns_whatever_the_order_of_its_terms() -> None:
    np = require("numpy")
    w = [[Value(0.1 * (i + 3 * j), label=f"w{j}{i}") for i in range(3)] for j in range(2)]
    b = [Value(0.5, label=f"b{j}") for j in range(2)]

    def layer(x: list[Value]) -> Value:
        z0 = x[0] * w[0][0] + w[0][1] * x[1] + b[0] + x[2] * w[0][2]
        z1 = b[1] + (w[1][2] * x[2] + x[1] * w[1][1]) + w[1][0] * x[0]
        return z0.tanh() * z1.tanh()

    x = [Value(1.0), Value(2.0), Value(3.0)]
    steps = plan(_order(layer, x), x)
    layers = [step for step in steps.steps if isinstance(step, Layer)]
    assert len(layers) == 1
    assert [[q.label for q in row] for row in layers[0].weights] == [["w00", "w01", "w02"], ["w10", "w11", "w12"]]
    assert [[q.label for q in column] for column in layers[0].offsets] == [["b0", "b1"]]
    f = compile(layer, ([1.0, 2.0, 3.0],), wrt=[w, b])
    assert "layer1 = X_layer1 @ W_layer1.T + b_layer1" in f.batch_source
    rows = np.array([[1.0, 2.0, 3.0], [-1.0, 0.5, 0.25]])
    total, (gw, gb) = f.batch(rows)
    loop_total, (lw, lb) = f.loop([[row] for row in rows.tolist()])
    assert close(total, loop_total)
    assert all(map(close, [*gw[0], *gw[1], *gb], [*lw[0], *lw[1], *lb]))


def test_elementwise_ops_reductions_and_the_rest_are_told_apart() -> None:
    """tanh over a layer is one op; a sum over a layer's outputs a reduction; a lone op stays scalar."""
    model = nn.Layer(2, 4, activation="tanh", seed=1)

    def fn(x: list[Value]) -> Value:
        return (sum(model(x)) + 4.0).log()  # 4 tanh + 4 > 0

    steps = plan(_order(lambda x: fn(x) + 0.0, [Value(0.3), Value(-0.2)]), [])
    kinds = [type(step) for step in steps.steps]
    assert kinds[:3] == [Layer, Elementwise, Reduction] and set(kinds[3:]) == {Scalar}


def test_a_learner_defined_op_over_a_layer_runs_by_reference() -> None:
    np = require("numpy")
    cube = Op("cube", lambda x: x**3, lambda x, out: (3.0 * x * x,))
    model = nn.Layer(2, 3, activation=None, seed=2)
    f = compile(lambda x: sum(cube(z) for z in model(x)), ([0.0, 0.0],), wrt=model.parameters())
    assert "cube_layers" not in f.batch_source and "cube(Z_layer1)" in f.batch_source
    rows = np.array([[0.5, -1.0], [2.0, 0.25]])
    total, grads = f.batch(rows)
    loop_total, loop_grads = f.loop([[row] for row in rows.tolist()])
    assert close(total, loop_total) and all(map(close, grads, loop_grads))


def test_a_domain_error_inside_a_group_names_the_array_line() -> None:
    np = require("numpy")
    w, b = [[Value(0.5), Value(0.5)] for _ in range(3)], [Value(0.1) for _ in range(3)]
    f = compile(lambda x: sum((x[0] * r[0] + x[1] * r[1] + c).log() for r, c in zip(w, b)), ([1.0, 1.0],), wrt=[w, b])
    with pytest.raises(ValueError, match=r"NumPy batch of compiled: .* at 'log_layer1 = log\(Z_layer1\)':"):
        f.batch(np.array([[1.0, 1.0], [-3.0, 2.0]]))


def test_a_shared_weight_matrix_passed_as_an_argument_groups_and_sums_its_gradient() -> None:
    np = require("numpy")
    def layer(x: list[Value], w: list[list[Value]]) -> Value:
        return sum((sum(wi * xi for wi, xi in zip(row, x)) for row in w), Value(0.0)).tanh()

    f = compile(layer, ([0.0, 0.0], [[0.0, 0.0], [0.0, 0.0]]))
    X, W = np.array([[1.0, 2.0], [0.5, -1.0], [0.0, 3.0]]), [[0.1, 0.2], [-0.3, 0.4]]
    total, (gx, gw) = f.batch(X, W)
    per_sample = [f(x, W) for x in X.tolist()]
    assert close(total, math.fsum(out for out, _ in per_sample))
    assert all(close(gw[j][i], math.fsum(g[1][j][i] for _, g in per_sample)) for j in range(2) for i in range(2))
    assert all(close(gx[i][k], per_sample[k][1][0][i]) for i in range(2) for k in range(3))


def _order(fn: Callable[..., Value], x: list[Value]) -> list[Value]:
    """The graph compile records for ``fn(x)``, nn's fused neurons written out as sums of products."""
    from autograd.compile import _record

    return _record(fn, [x])


def test_labels_named_like_the_batch_codes_own_names_and_a_weight_used_twice() -> None:
    np = require("numpy")
    n, p, q, g = (Value(v, label=label) for v, label in [(1.0, "n"), (2.0, "params"), (3.0, "np"), (0.5, "g_params")])
    f = compile(lambda x: (x[0] * n + x[1] * p + g).tanh() * q + x[0] * q, ([1.0, 2.0],), wrt=[n, p, q, g])
    assert "def compiled_batch(n_2, x0, x1, params_2):" in f.batch_source
    assert "np.add.at(" in f.batch_source  # q is both weights of one sum: each place adds to its gradient
    rows = [[1.0, 2.0], [0.5, -1.0]]
    total, grads = f.batch(np.array(rows))
    loop_total, loop_grads = f.loop([[row] for row in rows])
    assert close(total, loop_total) and all(map(close, grads, loop_grads))


@pytest.mark.parametrize("order", ["by input", "scrambled"])
def test_weights_in_any_order_among_the_parameters_are_read_right(order: str) -> None:
    """Stored input by input, a layer's weights are a transposed view of params; in no even order, a gather."""
    np = require("numpy")
    by_input = [[Value(0.1 * (3 * i + j + 1), label=f"w{j}{i}") for j in range(3)] for i in range(2)]  # [i][j]
    wrt = [w for column in by_input for w in column]
    if order == "scrambled":
        random.Random(0).shuffle(wrt)

    def layer(x: list[Value]) -> Value:
        return sum((sum(by_input[i][j] * x[i] for i in range(2)) ** 2 for j in range(3)), Value(0.0))

    f = compile(layer, ([1.0, 2.0],), wrt=wrt)
    expected = "params[0:6].reshape(2, 3).T" if order == "by input" else "params[W_layer1_at]"
    assert f"W_layer1 = {expected}" in f.batch_source
    rows = [[1.0, 2.0], [0.5, -1.0], [3.0, 0.25]]
    total, grads = f.batch(np.array(rows))
    loop_total, loop_grads = f.loop([[row] for row in rows])
    assert close(total, loop_total) and all(map(close, grads, loop_grads))
