"""What hostile or careless input used to break: overflow in backward, errors from learners' ops,
huge numbers and labels in messages, bounded work, grad mode shared across threads and tasks."""

from __future__ import annotations

import asyncio
import json
import math
import threading
from typing import Any

import pytest

from autograd import (
    Op,
    Value,
    backward_frames,
    compile,
    enable_grad,
    explain,
    grad,
    is_grad_enabled,
    no_grad,
    ops,
    trace_backward,
)
from autograd.explain import MAX_PATH_STEPS
from tests.conftest import require
from tests.op_cases import CASES, OpCase

EXTREMES = [0.0, -0.0, 1.0, -1.0, 2000.0, -2000.0, 1e308, -1e308, 1e-300, -1e-300, 5e-324, math.inf, -math.inf,
            math.nan]


def same(a: float, b: float) -> bool:
    """Equal as IEEE numbers, NaN equal to NaN."""
    return a == b or (math.isnan(a) and math.isnan(b))


def extreme_inputs(case: OpCase) -> list[tuple[float, ...]]:
    if len(case.domain) == 1:
        return [(x,) for x in EXTREMES]
    return [(a, b) for a in EXTREMES for b in EXTREMES]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_every_derivative_rule_gives_ieee_numbers_at_extreme_inputs(case: OpCase) -> None:
    """Forward raises only a domain error; then eager, create_graph, trace, explain and compile agree."""
    for xs in extreme_inputs(case):
        leaves = [Value(x, label=f"x{i}") for i, x in enumerate(xs)]
        try:
            out = case.call(*leaves)
        except (ValueError, ZeroDivisionError):
            continue  # a domain error, raised at once and documented
        out.backward()
        eager = [leaf.grad for leaf in leaves]
        assert all(type(g) is float for g in eager), (case.name, xs)
        graphs = grad(out, leaves, create_graph=True)
        assert all(same(g.data, e) for g, e in zip(graphs, eager)), (case.name, xs, graphs, eager)
        replayed = trace_backward(out).replay()
        assert all(same(replayed.get(leaf, 0.0), e) for leaf, e in zip(leaves, eager)), (case.name, xs)
        for leaf, e in zip(leaves, eager):
            assert same(explain(out, leaf).gradient, e)
        value, compiled = compile(case.call, list(xs))(*xs)
        assert same(value, out.data) and all(same(c, e) for c, e in zip(compiled, eager)), (case.name, xs)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_gradients_at_extreme_inputs_are_pytorchs(case: OpCase) -> None:
    """inf and NaN where PyTorch gives them. Not compared: -0.0 (PyTorch's vertical slopes take the
    sign of the zero, ours are +inf), relu'(NaN) (PyTorch 1, ours 0) and the slope of a**0 at a NaN
    or subnormal a (PyTorch 0 by a special case; ours 0 × a**-1 = NaN, so that d/db of it stays right)."""
    torch = require("torch")
    for xs in extreme_inputs(case):
        negative_zero = any(x == 0.0 and math.copysign(1.0, x) < 0 for x in xs)
        relu_of_nan = case.op is ops.RELU and math.isnan(xs[0])
        zeroth_power = case.op is ops.POW and len(xs) == 2 and xs[1] == 0.0 and not abs(xs[0]) >= 1e-300
        if negative_zero or relu_of_nan or zeroth_power:
            continue
        leaves = [Value(x) for x in xs]
        try:
            out = case.call(*leaves)
        except (ValueError, ZeroDivisionError):
            continue
        out.backward()
        tensors = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]
        (case.torch_call or case.call)(*tensors).backward()
        expected = [0.0 if t.grad is None else t.grad.item() for t in tensors]
        assert all(same(leaf.grad, e) for leaf, e in zip(leaves, expected)), (case.name, xs, expected)


@pytest.mark.parametrize("build, expected", [
    (lambda: (2 ** Value(2000.0, label="x"), 0), math.inf),
    (lambda: (Value(1e308, label="x") ** 3, 0), math.inf),
    (lambda: (Value(1e-300, label="x") ** -2, 0), -math.inf),
    (lambda: (Value(-1e-300, label="x") ** -3, 0), -math.inf),
])
def test_backward_through_an_overflowed_power_is_infinite_as_in_pytorch(build: Any, expected: float) -> None:
    out, _ = build()
    (x,) = [c for c in out.children if c.label == "x"]
    out.backward()
    assert x.grad == expected
    (g,) = grad(out, [x], create_graph=True)
    assert g.data == expected


def test_x_to_the_x_at_large_x_has_an_infinite_gradient() -> None:
    x = Value(400.0)
    (x**x).backward()
    assert x.grad == math.inf


class ParseError(ValueError):
    """An exception whose constructor needs more than a message, as many libraries' do."""

    def __init__(self, text: str, position: int) -> None:
        super().__init__(f"cannot parse {text!r} at {position}")
        self.position = position


def parse_forward(x: float) -> float:
    raise ParseError("abc", 3)


@pytest.mark.parametrize("forward, kind", [
    (lambda x: json.loads("{"), json.JSONDecodeError),
    (lambda x: b"\xff".decode("utf-8") and 0.0, UnicodeDecodeError),
    (parse_forward, ParseError),
])
def test_an_exception_from_a_learners_forward_rule_is_kept_with_a_note(forward: Any, kind: type) -> None:
    op = Op("parse", forward, lambda x, out: (0.0,))
    with pytest.raises(kind) as raised:
        op(Value(1.5, label="raw"))
    assert type(raised.value) is kind
    assert raised.value.__notes__ == ["in op 'parse' with input raw=1.5"]
    assert any(frame.name in ("<lambda>", "parse_forward") for frame in raised.traceback)  # the learner's frame


def test_numbers_too_large_for_a_float_say_what_and_where() -> None:
    with pytest.raises(OverflowError, match=r"Value data is an int of about 401 digits, too large for a float"):
        Value(10**400)
    x = Value(1.0, label="weight")
    with pytest.raises(OverflowError, match=r"operand of '\+' is an int of about 401 digits") as raised:
        x + 10**400
    assert raised.value.__notes__ == ["in op '+' with the Value input weight=1.0"]
    with pytest.raises(OverflowError, match="backward gradient is an int of about 401 digits"):
        (x * 2).backward(10**400)
    with pytest.raises(OverflowError, match="an int of about 5,001 digits"):  # past int -> str's digit limit
        Value(10**5000)


def test_grad_says_that_outputs_must_be_values() -> None:
    x = Value(1.0)
    with pytest.raises(TypeError, match="grad: outputs must be a Value or a list of Values, got float 1.0"):
        grad(1.0, [x])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="grad: inputs must be a Value or a list of Values, got float 2.0"):
        grad(x * 2, 2.0)  # type: ignore[arg-type]


@pytest.mark.parametrize("label, shown", [
    ("\x1b[31mred\x1b[0m", r"\x1b[31mred\x1b[0m"),
    ("abc\u202edcba", r"abc\u202edcba"),
    ("line\nbreak\x00", r"line\nbreak\x00"),
    ("가중치", "가중치"),
])
def test_labels_in_messages_are_escaped(label: str, shown: str) -> None:
    with pytest.raises(ValueError) as raised:
        Value(-1.0, label=label).log()
    (note,) = raised.value.__notes__
    assert note == f"in op 'log' with input {shown}=-1.0"
    assert shown in repr(Value(1.0, label=label))


def test_a_huge_label_gives_a_short_message() -> None:
    label = "w" * 1_000_000
    with pytest.raises(ValueError) as raised:
        Value(-1.0, label=label).log()
    (note,) = raised.value.__notes__
    assert len(note) < 200 and "(1,000,000 characters)" in note
    assert len(repr(Value(1.0, label=label))) < 200


def test_a_label_must_stay_text_after_construction() -> None:
    v = Value(1.0, label="a")
    with pytest.raises(TypeError, match="Value label must be a str, got int 42"):
        v.label = 42  # type: ignore[assignment]
    assert v.label == "a"
    v.label = "b"
    assert v.label == "b"


def test_explain_checks_precision_at_once() -> None:
    with pytest.raises(ValueError, match="explain: precision must be a whole number >= 1, got 0"):
        explain(Value(1.0), Value(1.0), precision=0)


def doubling(depth: int, x: Value) -> Value:
    y = x
    for _ in range(depth):
        y = y * x + y  # doubles the paths from y down to x
    return y


def test_explain_refuses_at_once_past_its_ceiling() -> None:
    x = Value(0.5, label="x")
    y = doubling(60, x)
    with pytest.raises(ValueError, match=rf"121,000,000 steps, more than MAX_PATH_STEPS={MAX_PATH_STEPS:,}"):
        explain(y, x, max_paths=10**6)
    explanation = explain(y, x, max_paths=2_000)  # within the ceiling: 2,000 paths of up to 120 edges
    assert len(explanation.paths) == 2_000 and explanation.matches


def test_the_largest_paths_found_best_first_are_the_largest_of_all() -> None:
    x = Value(0.7, label="x")
    y = doubling(8, x)  # 511 paths: few enough to list all of them and compare
    every = sorted((abs(p.product) for p in explain(y, x, max_paths=1_000).paths), reverse=True)
    for k in (1, 5, 50, 300):
        largest = [abs(p.product) for p in explain(y, x, max_paths=k).paths]
        assert largest == every[:k]


def test_the_player_refuses_a_long_backward_pass_before_building_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import autograd.player

    def fail(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the trace was built before the size was checked")

    monkeypatch.setattr(autograd.player, "trace_backward", fail)
    y = Value(1.0)
    for _ in range(50_000):
        y = y * 1.0
    with pytest.raises(ValueError, match="at least 3,334 steps, more than max_steps=100"):
        backward_frames(y)


def test_numpy_arrays_refuse_values_on_both_sides() -> None:
    np = pytest.importorskip("numpy")
    x = Value(2.0, label="x")
    for call in (lambda: np.array([1.0, 2.0]) * x, lambda: x * np.array([1.0, 2.0])):
        with pytest.raises(TypeError, match="operand of '\\*' must be a real number, got ndarray"):
            call()
    assert (np.float64(3.0) * x).data == 6.0  # a NumPy scalar is a number


def test_bool_of_a_value_is_the_truth_of_its_number() -> None:
    assert not Value(0.0) and Value(-2.0) and Value(math.nan)
    assert bool(Value(1.0) - 1.0) is False


def test_one_no_grad_shared_by_two_threads_restores_each_threads_mode() -> None:
    shared = no_grad()
    both_inside = threading.Barrier(2)
    seen: list[tuple[bool, bool]] = []

    def work() -> None:
        with shared:
            both_inside.wait()
            inside = is_grad_enabled()
            both_inside.wait()  # the first to leave does so while the other is still inside
        seen.append((inside, is_grad_enabled()))

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == [(False, True), (False, True)]


def test_one_no_grad_shared_by_two_tasks_restores_each_tasks_mode() -> None:
    shared = no_grad()

    async def task(mine: asyncio.Event, other: asyncio.Event) -> tuple[bool, bool]:
        with shared:
            mine.set()
            await other.wait()
            inside = is_grad_enabled()
        return inside, is_grad_enabled()

    async def main() -> list[tuple[bool, bool]]:
        a, b = asyncio.Event(), asyncio.Event()
        return list(await asyncio.gather(task(a, b), task(b, a)))

    assert asyncio.run(main()) == [(False, True), (False, True)]
    assert is_grad_enabled()


def test_no_grad_on_a_generator_applies_while_it_runs_only() -> None:
    @no_grad()
    def steps() -> Any:
        received = yield is_grad_enabled()
        yield received, is_grad_enabled(), (Value(1.0) * 2).op
        return "done"

    generator = steps()
    assert next(generator) is False and is_grad_enabled()
    assert generator.send("hi") == ("hi", False, None) and is_grad_enabled()
    with pytest.raises(StopIteration) as stop:
        next(generator)
    assert stop.value.value == "done"

    @enable_grad()
    def recording() -> Any:
        yield is_grad_enabled()

    with no_grad():
        assert list(recording()) == [True] and not is_grad_enabled()


def test_no_grad_on_a_generator_passes_thrown_exceptions_to_the_body() -> None:
    @no_grad()
    def catching() -> Any:
        try:
            yield 1
        except KeyError:
            yield is_grad_enabled()

    generator = catching()
    next(generator)
    assert generator.throw(KeyError("k")) is False


def test_no_grad_on_coroutines_and_async_generators() -> None:
    @no_grad()
    async def coroutine() -> bool:
        await asyncio.sleep(0)
        return is_grad_enabled()

    @no_grad()
    async def numbers() -> Any:
        yield is_grad_enabled()
        await asyncio.sleep(0)
        yield is_grad_enabled()

    async def consume() -> list[tuple[bool, bool]]:
        return [(inside, is_grad_enabled()) async for inside in numbers()]

    assert asyncio.run(coroutine()) is False and is_grad_enabled()
    assert asyncio.run(consume()) == [(False, True), (False, True)]


def test_every_op_is_covered_by_the_extreme_inputs() -> None:
    assert {case.op for case in CASES} == set(ops.TABLE)
