"""autograd.compile: generated straight-line code equals the eager engine, on floats and NumPy batches."""

from __future__ import annotations

import gc
import itertools
import math
import traceback
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import nn
from autograd import Op, Value, compile, ops
from tests.conftest import require
from tests.op_cases import CASES, OpCase

TOLERANCE = 1e-12


def close(a: float, b: float) -> bool:
    """Equal to 1e-12, relative for large numbers; infinities and NaNs must match exactly."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=TOLERANCE, abs_tol=TOLERANCE)


def eager(fn: Callable[..., Value], xs: list[float]) -> tuple[float, list[float]]:
    """fn's output and its gradients with respect to every input, from the eager engine."""
    leaves = [Value(x) for x in xs]
    out = fn(*leaves)
    out.backward()
    return out.data, [leaf.grad for leaf in leaves]


def assert_matches_eager(fn: Callable[..., Value], compiled: Any, xs: list[float]) -> None:
    out, grads = compiled(*xs)
    want_out, want_grads = eager(fn, xs)
    assert close(out, want_out), (out, want_out)
    assert len(grads) == len(want_grads)
    for got, want in zip(grads, want_grads):
        assert close(got, want), (grads, want_grads)


# ---------------------------------------------------------------- every op, on floats and in a batch


def op_inputs(case: OpCase) -> st.SearchStrategy[list[float]]:
    return st.tuples(*case.domain).map(list)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_every_op_compiles_to_the_eager_result(case: OpCase) -> None:
    @given(op_inputs(case), op_inputs(case))
    def check(example: list[float], xs: list[float]) -> None:
        compiled = compile(case.call, example)  # traced on one input, run on another
        assert_matches_eager(case.call, compiled, xs)

    check()


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_every_op_runs_on_a_numpy_batch(case: OpCase) -> None:
    np = require("numpy")

    @given(op_inputs(case), st.lists(op_inputs(case), min_size=1, max_size=7))
    def check(example: list[float], rows: list[list[float]]) -> None:
        total, grads = compile(case.call, example).batch(*np.array(rows).T)
        results = [eager(case.call, row) for row in rows]
        assert close(total, math.fsum(out for out, _ in results))
        for k, g in enumerate(grads):  # per-sample inputs: one gradient per sample
            assert g.shape == (len(rows),)
            for got, (_, want) in zip(g, results):
                assert close(float(got), want[k])

    check()


def test_a_constant_power_of_a_negative_base_compiles_like_eager() -> None:
    cube = lambda a: a**3.0
    assert_matches_eager(cube, compile(cube, [2.0]), [-1.5])
    assert_matches_eager(cube, compile(cube, [2.0]), [0.0])


# ---------------------------------------------------------------- random graphs


def safe(op: OpCase) -> Callable[..., Value]:
    """The op on inputs moved into its domain, so that any intermediate value is a valid input."""
    domain_fixes: dict[str, Callable[..., Value]] = {
        "div": lambda a, b: a / (b * b + 0.5),
        "rdiv": lambda a: 3.0 / (a * a + 0.5),
        "pow": lambda a, b: (a * a + 0.5) ** b.tanh(),
        "pow_half": lambda a: (a * a + 0.05) ** 0.5,
        "rpow": lambda a: 2.0 ** a.tanh(),
        "exp": lambda a: a.tanh().exp(),
        "log": lambda a: (a * a + 0.5).log(),
        "sqrt": lambda a: (a * a + 0.05).sqrt(),
        "pow_int": lambda a: a.tanh() ** 3,
        "mul": lambda a, b: a * b.tanh(),
    }
    return domain_fixes.get(op.name, op.call)


@st.composite
def programs(draw: Any) -> tuple[Callable[..., Value], int]:
    """A random function of 3 inputs: a sequence of ops from every case, each on earlier nodes (reused freely)."""
    steps = []
    for k in range(draw(st.integers(1, 14))):
        case = draw(st.sampled_from(CASES))
        arity = len(case.domain)
        steps.append((safe(case), [draw(st.integers(0, 2 + k)) for _ in range(arity)]))

    def program(*xs: Value) -> Value:
        nodes = list(xs)
        for op, picks in steps:
            nodes.append(op(*(nodes[i] for i in picks)))
        return nodes[-1] + nodes[0] * 0.5  # every input takes part at least once
    return program, 3


inputs3 = st.lists(st.floats(-2.0, 2.0, allow_nan=False), min_size=3, max_size=3)


@given(programs(), inputs3, inputs3)
def test_random_graphs_of_every_op_compile_to_the_eager_result(program: Any, example: list[float], xs: list[float]) -> None:
    fn, _ = program
    want_out, want_grads = eager(fn, xs)
    assume(all(map(math.isfinite, [want_out, *want_grads])))
    compiled = compile(fn, example)  # traced on other inputs:
    # relu, abs and leaky_relu are branch-free in the code, so another input takes the right branch
    assert_matches_eager(fn, compiled, xs)


@given(programs(), inputs3, st.lists(inputs3, min_size=1, max_size=6))
def test_random_graphs_run_on_a_numpy_batch(program: Any, example: list[float], rows: list[list[float]]) -> None:
    np = require("numpy")
    fn, _ = program
    results = [eager(fn, row) for row in rows]
    assume(all(math.isfinite(x) for out, grads in results for x in [out, *grads]))
    total, grads = compile(fn, example).batch(*np.array(rows).T)
    assert close(total, math.fsum(out for out, _ in results))
    for k, g in enumerate(grads):
        assert [float(x) for x in g] == pytest.approx([want[k] for _, want in results], rel=TOLERANCE, abs=TOLERANCE)


# ---------------------------------------------------------------- the MLP demo


def demo_problem() -> tuple[nn.MLP, list[list[float]], list[float]]:
    X, y = nn.moons(100, noise=0.1, seed=0)
    return nn.MLP(2, [16, 16, 1], seed=0), [list(x) for x in X], [float(t) for t in y]


def per_sample_hinge(model: nn.MLP) -> Callable[[list[Any], Any], Value]:
    return lambda x, y: (1.0 - y * model(x)).relu()


def eager_step(model: nn.MLP, X: list[list[float]], y: list[float]) -> tuple[float, list[float]]:
    model.zero_grad()
    loss = nn.hinge_loss([model(x) for x in X], y)
    loss.backward()
    return loss.data, [p.grad for p in model.parameters()]


def test_the_mlp_demo_per_sample_equals_eager_per_sample() -> None:
    model, X, y = demo_problem()
    f = compile(per_sample_hinge(model), ([0.0, 0.0], 1.0), wrt=model.parameters())
    for x, t in zip(X[:20], y[:20]):
        model.zero_grad()
        loss = per_sample_hinge(model)(x, t)
        loss.backward()
        out, grads = f(x, t)
        assert out == loss.data
        assert grads == [p.grad for p in model.parameters()]  # bit for bit: the same ops in the same order


def test_the_mlp_demo_summed_over_samples_equals_the_eager_full_batch_step() -> None:
    model, X, y = demo_problem()
    f = compile(per_sample_hinge(model), ([0.0, 0.0], 1.0), wrt=model.parameters())
    want_loss, want_grads = eager_step(model, X, y)
    total, summed = 0.0, [0.0] * len(want_grads)
    for x, t in zip(X, y):
        out, grads = f(x, t)
        total += out
        summed = [a + b for a, b in zip(summed, grads)]
    assert close(total / len(X), want_loss)
    assert all(close(g / len(X), want) for g, want in zip(summed, want_grads))


def test_the_mlp_demo_as_one_numpy_batch_equals_the_eager_full_batch_step() -> None:
    np = require("numpy")
    model, X, y = demo_problem()
    f = compile(per_sample_hinge(model), ([0.0, 0.0], 1.0), wrt=model.parameters())
    want_loss, want_grads = eager_step(model, X, y)
    loss, grads = f.batch(np.array(X), np.array(y), reduction="mean")
    assert close(loss, want_loss)
    assert len(grads) == len(want_grads) == 337
    assert all(close(g, want) for g, want in zip(grads, want_grads))


def test_the_mlp_demo_looped_in_plain_python_equals_the_eager_full_batch_step() -> None:
    model, X, y = demo_problem()
    f = compile(per_sample_hinge(model), ([0.0, 0.0], 1.0), wrt=model.parameters())
    want_loss, want_grads = eager_step(model, X, y)
    loss, grads = f.loop(zip(X, y), reduction="mean")
    assert close(loss, want_loss)
    assert len(grads) == len(want_grads) and all(close(g, want) for g, want in zip(grads, want_grads))
    total, summed = f.loop(zip(X, y))
    assert close(total, want_loss * len(X)) and close(summed[0], want_grads[0] * len(X))


def test_the_loop_is_generated_code_that_adds_gradients_up() -> None:
    w = Value(2.0, label="w")
    f = compile(lambda x: x * w, [1.0], wrt=[w])
    assert f.program.loop_source == (
        "def compiled_loop(samples, w):\n"
        "    total = 0.0\n"
        "    sum_g_w = 0.0\n"
        "    for (x,) in samples:\n"
        "        # forward: one line per op\n"
        "        z1 = x * w\n"
        "        # backward: the chain rule, one line per edge, from g_z1 back to the inputs\n"
        "        g_z1 = 1.0\n"
        "        g_w = g_z1 * x\n"
        "        total += z1\n"
        "        sum_g_w += g_w\n"
        "    return total, (sum_g_w,)\n"
    )
    assert f.loop([[1.0], [2.0], [4.0]]) == (14.0, [7.0])
    assert f.loop(([x] for x in (1.0, 2.0, 4.0)), reduction="mean") == (14.0 * (1 / 3), [7.0 * (1 / 3)])
    with pytest.raises(ValueError, match="got no samples"):
        f.loop([])
    with pytest.raises(ValueError, match="reduction must be 'sum' or 'mean', got 'median'"):
        f.loop([[1.0]], reduction="median")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"input x.*'one'"):
        f.loop([[1.0], ["one"]])


def test_parameters_are_read_at_each_call_so_training_with_the_compiled_step_works() -> None:
    model, X, y = demo_problem()
    f = compile(per_sample_hinge(model), ([0.0, 0.0], 1.0), wrt=model.parameters())
    optimizer = nn.SGD(model.parameters(), lr=0.5)
    losses = []
    for _ in range(30):
        results = [f(x, t) for x, t in zip(X, y)]
        for k, p in enumerate(model.parameters()):
            p.grad = sum(grads[k] for _, grads in results) / len(X)
        optimizer.step()
        losses.append(sum(out for out, _ in results) / len(X))
    assert losses[-1] < 0.5 * losses[0]
    assert f(X[0], y[0])[0] == per_sample_hinge(model)(X[0], y[0]).data


def test_a_call_creates_no_value() -> None:
    model, X, y = demo_problem()
    f = compile(per_sample_hinge(model), ([0.0, 0.0], 1.0), wrt=model.parameters())
    gc.collect()
    before = sum(isinstance(o, Value) for o in gc.get_objects())
    results = [f(x, t) for x, t in zip(X, y)]
    assert len(results) == 100
    assert sum(isinstance(o, Value) for o in gc.get_objects()) == before


# ---------------------------------------------------------------- the generated code


def test_a_neurons_code_reads_as_the_chain_rule_with_its_labels() -> None:
    w = [Value(0.5, label="w1"), Value(-0.3, label="w2")]
    b = Value(0.1, label="b")
    f = compile(lambda x, w, b: (x[0] * w[0] + x[1] * w[1] + b).tanh(), ([1.0, 2.0], w, b), wrt=[*w, b])
    assert f.source == (
        "def compiled(x0, x1, w1, w2, b):\n"
        "    # forward: one line per op\n"
        "    z1 = x0 * w1\n"
        "    z2 = x1 * w2\n"
        "    z3 = z1 + z2\n"
        "    z4 = z3 + b\n"
        "    z5 = tanh(z4)\n"
        "    # backward: the chain rule, one line per edge, from g_z5 back to the inputs\n"
        "    g_z5 = 1.0\n"
        "    g_z4 = g_z5 * (1.0 - z5 * z5)\n"
        "    g_z3 = g_z4\n"
        "    g_b = g_z4\n"
        "    g_z1 = g_z3\n"
        "    g_z2 = g_z3\n"
        "    g_w2 = g_z2 * x1\n"
        "    g_w1 = g_z1 * x0\n"
        "    return z5, (g_w1, g_w2, g_b)\n"
    )
    out, (g_w1, g_w2, g_b) = f([0.5, -1.0], [0.5, -0.3], 0.1)
    assert out == math.tanh(0.5 * 0.5 + -1.0 * -0.3 + 0.1)
    assert (g_w1, g_w2, g_b) == (0.5 * g_b, -1.0 * g_b, 1.0 - out * out)


def test_a_reused_node_gets_its_gradients_added_in_eager_order() -> None:
    f = compile(lambda x: x * x + x.exp(), [0.3])
    assert "g_x += g_z1 * x" in f.source
    assert_matches_eager(lambda x: x * x + x.exp(), f, [1.7])


def test_node_labels_name_the_variables_even_in_hangul() -> None:
    def loss(가중치: Value, 입력: Value) -> Value:
        예측 = 가중치 * 입력
        예측.label = "예측"
        오차 = 예측 - 1.0
        오차.label = "오차 (error)"
        return 오차 * 오차

    f = compile(loss, (Value(2.0, label="가중치"), 3.0))
    assert "def loss(가중치, 입력):" in f.source
    assert "예측 = 가중치 * 입력" in f.source
    assert "오차_error = 예측 - 1.0" in f.source
    assert "g_가중치 = g_예측 * 입력" in f.source
    out, (g_w, g_x) = f(0.5, 4.0)
    assert (out, g_w, g_x) == (1.0, 2.0 * 1.0 * 4.0, 2.0 * 1.0 * 0.5)


def test_labels_that_are_not_identifiers_or_clash_still_make_valid_distinct_names() -> None:
    a, b = Value(1.0, label="a b"), Value(2.0, label="a b")
    c = Value(3.0, label="exp")  # the name of a function the code calls
    d = Value(4.0, label="for")  # a keyword
    e = Value(5.0, label="2x")
    fn = lambda a, b, c, d, e: (a * b + c.exp() * d - e).relu()
    f = compile(fn, (a, b, c, d, e))
    assert f.source.startswith("def compiled(a_b, a_b_2, exp_2, for_, v2x):")
    assert_matches_eager(fn, f, [1.0, 2.0, 0.1, 4.0, -1.0])


def test_branching_ops_compile_branch_free_and_take_the_other_branch_right() -> None:
    fn = lambda x: x.relu() + abs(x) + x.leaky_relu(0.1)
    f = compile(fn, [2.0])  # traced on the positive side
    assert " if " not in f.source
    for x in (-3.0, 0.0, 2.5):
        assert_matches_eager(fn, f, [x])


def test_gradients_only_for_what_is_asked_and_zero_for_what_the_output_ignores() -> None:
    x, y, unused = Value(1.0, label="x"), Value(2.0, label="y"), Value(3.0, label="unused")
    f = compile(lambda x, y, unused: x * 3.0, (x, y, unused), wrt=[x, unused])
    assert "g_y" not in f.source
    assert f(2.0, 5.0, 7.0) == (6.0, [3.0, 0.0])


def test_captured_leaves_not_in_wrt_are_constants_written_into_the_code() -> None:
    scale = Value(10.0, label="scale")
    f = compile(lambda x: x * scale, [1.0])
    assert "z1 = x * 10.0" in f.source
    scale.data = 20.0
    assert f(2.0) == (20.0, (10.0,))  # documented: retrace to pick up a new constant


def test_gradients_come_back_structured_like_wrt() -> None:
    w = [[Value(1.0), Value(2.0)], [Value(3.0)]]
    b = Value(0.5)
    f = compile(lambda x: x * w[0][0] + w[0][1] * w[1][0] + b, [1.0], wrt=(w, b))
    out, (gw, gb) = f(4.0)
    assert out == 4.0 + 6.0 + 0.5
    assert gw == [[4.0, 3.0], [2.0]] and gb == 1.0


def test_tracing_records_even_inside_no_grad() -> None:
    from autograd import no_grad

    with no_grad():
        f = compile(lambda x: x * x, [3.0])
    assert f(3.0) == (9.0, (6.0,))  # gradients structured like the inputs


def test_tracebacks_point_at_the_generated_line() -> None:
    f = compile(lambda x: x.log(), [1.0])
    with pytest.raises(ValueError) as error:
        f(-1.0)
    assert "z1 = log(x)" in "".join(traceback.format_tb(error.tb))


# ---------------------------------------------------------------- learner-defined ops and nn's fused neuron


softplus = Op("soft_relu", lambda x: math.log1p(math.exp(-abs(x))) + max(x, 0.0), lambda x, out: (1.0 / (1.0 + ops.exp(-x)),))


def test_a_learner_defined_op_is_called_by_reference_on_floats_and_in_a_batch() -> None:
    fn = lambda x, y: softplus(x * y) - x
    f = compile(fn, (1.0, 2.0))
    assert "soft_relu(" in f.source and "has no code" in f.source
    assert_matches_eager(fn, f, [0.7, -1.3])
    np = require("numpy")
    rows = [[0.7, -1.3], [-2.0, 0.5], [3.0, 3.0]]
    total, (gx, gy) = f.batch(np.array(rows)[:, 0], np.array(rows)[:, 1])
    results = [eager(fn, row) for row in rows]
    assert close(total, math.fsum(out for out, _ in results))
    assert all(close(float(a), want[0]) for a, (_, want) in zip(gx, results))
    assert all(close(float(a), want[1]) for a, (_, want) in zip(gy, results))


def test_nns_fused_neuron_is_written_out_as_arithmetic() -> None:
    neuron = nn.Neuron(2, activation="tanh", seed=0)
    f = compile(lambda x: neuron(x), ([1.0, 2.0],), wrt=neuron.parameters())
    assert "w·x+b" not in f.source and "has no code" not in f.source
    assert "g_w_0 = g_z1 * x0" in f.source
    neuron.zero_grad()
    out = neuron([0.5, -1.0])
    out.backward()
    assert f([0.5, -1.0]) == (out.data, [p.grad for p in neuron.parameters()])


# ---------------------------------------------------------------- limits: data-dependent control flow


def clipped(x: Value) -> Value:
    return x * 2.0 if x.data > 0 else x * -1.0  # a Python `if` on the data: one path per trace


def test_the_trace_records_one_path_and_check_true_detects_another() -> None:
    f = compile(clipped, [1.0])
    assert f(-3.0) == (-6.0, (2.0,))  # documented: the traced path, not fn's other branch
    checked = compile(clipped, [1.0], check=True)
    assert checked(5.0) == (10.0, (2.0,))
    with pytest.raises(ValueError, match="node 1 is constant -1.0 here, constant 2.0 in the trace.*control flow"):
        checked(-3.0)
    with pytest.raises(ValueError, match="control flow depends on the data"):
        checked.loop([[1.0], [-3.0]])


def test_check_true_also_checks_every_sample_of_a_batch() -> None:
    np = require("numpy")
    checked = compile(clipped, [1.0], check=True)
    assert checked.batch(np.array([1.0, 2.0]))[0] == 6.0
    with pytest.raises(ValueError, match="control flow depends on the data"):
        checked.batch(np.array([1.0, -2.0]))


# ---------------------------------------------------------------- NumPy batches: shapes and reductions


def test_batch_sums_or_averages_shared_gradients_and_keeps_per_sample_ones() -> None:
    np = require("numpy")
    w = Value(2.0, label="w")
    f = compile(lambda x: (x * w - 1.0) ** 2, [0.0], wrt=[w])
    xs = np.array([1.0, 2.0, 3.0])
    total, (gw,) = f.batch(xs)
    assert total == pytest.approx(sum((x * 2.0 - 1.0) ** 2 for x in xs))
    assert gw == pytest.approx(sum(2 * (x * 2.0 - 1.0) * x for x in xs))
    mean, (gw_mean,) = f.batch(xs, reduction="mean")
    assert (mean, gw_mean) == pytest.approx((total / 3, gw / 3))


def test_a_shared_argument_is_passed_once_for_every_sample() -> None:
    np = require("numpy")
    f = compile(lambda x, w: x[0] * w[0] + x[1] * w[1], ([1.0, 2.0], [3.0, 4.0]))
    total, (gx, gw) = f.batch(np.array([[1.0, 2.0], [3.0, 4.0]]), [10.0, 100.0])
    assert total == 1 * 10 + 2 * 100 + 3 * 10 + 4 * 100
    assert [list(g) for g in gx] == [[10.0, 10.0], [100.0, 100.0]]  # per sample
    assert gw == [1.0 + 3.0, 2.0 + 4.0]  # shared: summed


def test_a_batch_outside_an_ops_domain_names_the_line() -> None:
    np = require("numpy")
    f = compile(lambda x: x.log(), [1.0])
    with pytest.raises(ValueError, match=r"z1 = log\(x\)"):
        f.batch(np.array([1.0, -1.0]))


# ---------------------------------------------------------------- bad input


def test_bad_input_names_the_problem() -> None:
    square = lambda x: x * x
    with pytest.raises(TypeError, match="example_inputs must be a tuple"):
        compile(square, 3.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"example input x\[0\].*'three'"):
        compile(lambda x: x[0], (["three"],))
    with pytest.raises(TypeError, match="must return a Value, got float"):
        compile(lambda x: 2.0, [1.0])
    made = Value(1.0) * 2.0
    with pytest.raises(ValueError, match="must be a leaf Value.*'\\*'"):
        compile(square, [made])
    with pytest.raises(TypeError, match="wrt entry must be a Value, got float"):
        compile(square, [1.0], wrt=[1.0])
    leaf = Value(1.0)
    with pytest.raises(ValueError, match="appears twice"):
        compile(lambda a, b: a * b, (leaf, leaf))
    f = compile(lambda x, w: x[0] * w, ([1.0, 2.0], 3.0))
    with pytest.raises(TypeError, match="takes 2 arguments, got 1"):
        f([1.0, 2.0])
    with pytest.raises(ValueError, match=r"input x must be a sequence of 2 numbers"):
        f([1.0], 3.0)
    with pytest.raises(TypeError, match=r"input w.*'3'"):
        f([1.0, 2.0], "3")
    with pytest.raises(TypeError, match=r"input w.*None"):
        f([1.0, 2.0], None)


def test_bad_batches_name_the_problem() -> None:
    np = require("numpy")
    f = compile(lambda x, w: x[0] * w, ([1.0, 2.0], 3.0))
    with pytest.raises(ValueError, match="disagree on the batch size"):
        f.batch(np.zeros((3, 2)), np.zeros(4))
    with pytest.raises(ValueError, match=r"has shape \(3, 5\); expected \(2,\)"):
        f.batch(np.zeros((3, 5)), 1.0)
    with pytest.raises(ValueError, match="reduction must be 'sum' or 'mean', got 'max'"):
        f.batch(np.zeros((3, 2)), 1.0, reduction="max")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not an array of numbers"):
        f.batch([["a", "b"]], 1.0)


def test_the_numpy_namespace_agrees_with_the_float_rules_case_for_case() -> None:
    np = require("numpy")
    from autograd.namespaces import FLOATS, numpy_namespace

    arrays = numpy_namespace()
    assert set(arrays) == set(FLOATS)
    points = [-math.inf, -2.0, -0.5, -0.0, 0.0, 0.5, 2.0, math.inf, math.nan]
    for name, rule in FLOATS.items():
        if not callable(rule):
            continue
        arity = {"power": 2, "leaky_relu": 2, "pow_da": 2, "pow_db": 3, "leaky_relu_dx": 2}.get(name, 1)
        for args in itertools.product(points, repeat=arity):
            try:
                want = rule(*args)
            except (ValueError, ZeroDivisionError, OverflowError):
                continue
            if isinstance(want, complex):  # a derivative rule outside its op's domain: forward raises first
                continue
            with np.errstate(all="ignore"):
                got = arrays[name](*[np.array([a]) for a in args])
            got, want = float(np.asarray(got)[0]), float(want)
            assert close(got, want), (name, args, got, want)
            if got == want == 0.0:
                assert math.copysign(1.0, got) == math.copysign(1.0, want), (name, args, got, want)
