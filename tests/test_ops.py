"""Every op in the table: forward against math, gradients against central differences and PyTorch."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value, ops
from tests.conftest import require
from tests.op_cases import CASES, OpCase, central_difference


def inputs_for(case: OpCase) -> st.SearchStrategy[tuple[float, ...]]:
    return st.tuples(*case.domain)


def test_every_op_in_the_table_has_a_case() -> None:
    assert {case.op for case in CASES} == set(ops.TABLE)


def _evaluate(formula: str) -> float:
    """A notation formula with numbers in place of names, read as Python (· is *, ² is **2, ...)."""
    for written, python in (("−", "-"), ("·", "*"), ("²", "**2"), ("^", "**"), (", else", " else"),
                            ("ln ", "log"), ("cos ", "cos"), ("sin ", "sin"), ("σ", "sigmoid")):
        formula = formula.replace(written, python)
    names = {"log": math.log, "cos": math.cos, "sin": math.sin, "sigmoid": ops.sigmoid,
             "sign": lambda x: math.copysign(1.0, x)}
    return float(eval(formula, {"__builtins__": {}}, names))  # our own table's formulas, no builtins


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_notation_writes_what_the_derivative_rule_computes(case: OpCase) -> None:
    @given(inputs_for(case))
    def check(xs: tuple[float, ...]) -> None:
        out = case.call(*[Value(x) for x in xs])
        assert out.op.notation is not None and len(out.op.notation) == len(out.children)
        local = out.op.derivatives(*[child.data for child in out.children], out.data)
        operands = [f"({child.data!r})" for child in out.children]
        for i, derivative in enumerate(local):
            formula = out.op.written(i, operands, f"({out.data!r})")
            try:
                written = _evaluate(formula)
            except ValueError:  # ln of a base <= 0: the rule's edge case (0 at a zero base, else NaN)
                assert derivative == 0.0 or math.isnan(derivative), formula
                continue
            assert written == pytest.approx(derivative, rel=1e-9, abs=1e-12), formula

    check()


def test_notation_is_checked_when_an_op_is_made() -> None:
    with pytest.raises(ValueError, match=r"notation '\{x\}²' may name only the inputs"):
        ops.Op("square", lambda x: x * x, lambda x, out: (2.0 * x,), notation=("{x}²",))
    with pytest.raises(TypeError, match="notation must be a tuple of str"):
        ops.Op("square", lambda x: x * x, lambda x, out: (2.0 * x,), notation=["2·{0}"])  # type: ignore[arg-type]
    learners = ops.Op("square", lambda x: x * x, lambda x, out: (2.0 * x,))
    assert learners.written(0, ["x"], "y") is None  # no notation: tools show ∂y/∂x alone


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_forward_matches_math(case: OpCase) -> None:
    @given(inputs_for(case))
    def check(xs: tuple[float, ...]) -> None:
        out = case.call(*[Value(x) for x in xs])
        assert out.op is case.op
        assert out.data == pytest.approx(case.reference(*xs), rel=1e-12, abs=1e-300)

    check()


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_gradient_matches_central_differences(case: OpCase) -> None:
    @given(inputs_for(case))
    def check(xs: tuple[float, ...]) -> None:
        leaves = [Value(x) for x in xs]
        case.call(*leaves).backward()
        for i, leaf in enumerate(leaves):
            numeric = central_difference(case.reference, list(xs), i)
            assert leaf.grad == pytest.approx(numeric, rel=1e-5, abs=1e-6), f"d/dx{i} at {xs}"

    check()


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_gradient_matches_pytorch(case: OpCase) -> None:
    torch = require("torch")

    @given(inputs_for(case))
    def check(xs: tuple[float, ...]) -> None:
        leaves = [Value(x) for x in xs]
        out = case.call(*leaves)
        out.backward()
        tensors = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]
        expected = (case.torch_call or case.call)(*tensors)
        expected.backward()
        assert out.data == pytest.approx(expected.item(), rel=1e-12, abs=1e-300)
        for leaf, tensor in zip(leaves, tensors):
            assert leaf.grad == pytest.approx(tensor.grad.item(), rel=1e-9, abs=1e-12)

    check()


def test_kinks_follow_pytorch() -> None:
    for method in ("relu", "__abs__"):
        x = Value(0.0)
        getattr(x, method)().backward()
        assert x.grad == 0.0, method
    x = Value(0.0)
    x.leaky_relu(0.1).backward()
    assert x.grad == 0.1  # the left slope at 0, as torch.nn.functional.leaky_relu


def test_leaky_relu_slope_is_differentiable_when_it_is_a_value() -> None:
    x, slope = Value(-3.0), Value(0.2)
    x.leaky_relu(slope).backward()
    assert (x.grad, slope.grad) == (0.2, -3.0)


@pytest.mark.parametrize("x", [1e4, -1e4, 1e308, -1e308, 710.0, -710.0])
def test_tanh_and_sigmoid_are_stable_everywhere(x: float) -> None:
    for method, limit in (("tanh", 1.0), ("sigmoid", 1.0)):
        v = Value(x)
        out = getattr(v, method)()
        out.backward()
        assert math.isfinite(out.data) and math.isfinite(v.grad), (method, x)
        assert abs(out.data) <= limit and v.grad == pytest.approx(0.0, abs=1e-300)


def test_overflow_gives_infinity_as_ieee_and_pytorch() -> None:
    assert Value(1000.0).exp().data == math.inf
    assert (Value(10.0) ** 400).data == math.inf
    assert (Value(-10.0) ** 401).data == -math.inf


def test_infinite_slopes_at_domain_edges_follow_pytorch() -> None:
    x = Value(0.0)
    x.sqrt().backward()
    assert x.grad == math.inf
    y = Value(0.0)
    (y**0.5).backward()
    assert y.grad == math.inf


def test_exponent_derivative_of_a_negative_base_is_nan_as_pytorch() -> None:
    a, b = Value(-2.0), Value(3.0)
    (a**b).backward()
    assert a.grad == 12.0 and math.isnan(b.grad)
    zero, c = Value(0.0), Value(2.0)
    (zero**c).backward()
    assert (zero.grad, c.grad) == (0.0, 0.0)


def test_nan_data_propagates() -> None:
    nan = Value(math.nan)
    for out in (nan.relu(), nan.log(), nan.sqrt(), nan.tanh(), nan.sigmoid(), nan * 2, nan.leaky_relu()):
        assert math.isnan(out.data), out
