"""gradcheck, gradgradcheck and check_local_derivatives: right derivatives pass, wrong ones are named."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Op, Value, check_local_derivatives, gradcheck, gradgradcheck, ops
from tests.op_cases import CASES, OpCase

SLOPPY_SQUARE = Op("square", lambda x: x * x, lambda x, out: (x,))  # forgot the factor 2


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_every_op_passes_every_check(case: OpCase) -> None:
    @given(st.tuples(*case.domain))
    def check(xs: tuple[float, ...]) -> None:
        assert gradcheck(case.call, xs) is True
        assert gradgradcheck(case.call, xs) is True
        assert check_local_derivatives(case.call(*map(Value, xs))) is True

    check()


def table_rows(message: str) -> dict[str, list[str]]:
    """The rows of a failure table, by their first cell."""
    lines = [re.split(r"\s{2,}", line) for line in message.splitlines()]  # columns are 2+ spaces apart
    assert lines[1] == ["input", "analytic", "numeric", "abs err", "rel err"]
    assert lines[-1][0].startswith("passes when |analytic - numeric| <= atol + rtol * |numeric|")
    return {cells[0]: cells[1:] for cells in lines[2:-1]}


def test_gradcheck_failure_is_a_table_with_the_worst_marked() -> None:
    def f(x, y):
        return SLOPPY_SQUARE(x) * y + y.exp()

    with pytest.raises(AssertionError) as raised:
        gradcheck(f, [3.0, 0.5])
    message = str(raised.value)
    title = "gradcheck: the gradient of f at x=3.0, y=0.5 differs from central differences"
    assert message.splitlines()[0] == title
    rows = table_rows(message)
    analytic, numeric, error, relative, mark = rows["x"]
    assert (analytic, float(numeric), float(error), float(relative), mark) == (
        "1.5", pytest.approx(3.0), pytest.approx(1.5), pytest.approx(0.5), "<- worst")
    assert float(rows["y"][1]) == pytest.approx(9 + math.exp(0.5)) and len(rows["y"]) == 4  # unmarked
    assert gradcheck(f, [3.0, 0.5], raise_exception=False) is False
    with pytest.raises(AssertionError, match=r"(?m)^x +1.5 +3 .*<- worst$"):  # no tolerance at all
        gradcheck(f, [3.0, 0.5], atol=0.0, rtol=0.0)


def test_an_undefined_derivative_fails_and_is_the_worst() -> None:
    undefined = Op("square", lambda x: x * x, lambda x, out: (math.nan,))
    with pytest.raises(AssertionError) as raised:
        gradcheck(lambda x, y: undefined(x) + SLOPPY_SQUARE(y), [1.0, 2.0])
    rows = table_rows(str(raised.value))
    assert rows["x"][0] == "nan" and rows["x"][-1] == "<- worst" and rows["y"][-1] == "<- fails"


def test_gradgradcheck_catches_a_derivative_rule_that_is_not_differentiable() -> None:
    # number() turns x into a plain float, so under create_graph the rule is a constant: its
    # first derivative is right, its second derivative is 0 instead of 6x
    frozen_cube = Op("cube", lambda x: x**3, lambda x, out: (3.0 * ops.number(x) ** 2,))
    assert gradcheck(lambda x: frozen_cube(x), 2.0)
    with pytest.raises(AssertionError) as raised:
        gradgradcheck(lambda x: frozen_cube(x), 2.0)
    analytic, numeric, *_, mark = table_rows(str(raised.value))["x, x"]
    assert (analytic, float(numeric), mark) == ("0", pytest.approx(12.0), "<- worst")


def test_second_derivatives_are_checked_against_differences_of_the_gradient() -> None:
    # d2(a**b)/da db = a**(b-1) (1 + b ln a): at b = 0 that is 1/a (PyTorch's pow gives 0 there)
    assert gradgradcheck(lambda a, b: a**b, [2.0, 0.0])
    # d/dx of df/dy = x**2 goes through the sloppy rule: analytic x, numeric 2x
    with pytest.raises(AssertionError, match=r"(?m)^y, x +1 +2 +.*<- worst$"):
        gradgradcheck(lambda x, y: SLOPPY_SQUARE(x) * y, [1.0, 2.0])


def test_checks_accept_one_number_values_or_a_sequence() -> None:
    assert gradcheck(lambda x: x.tanh(), 0.3) and gradcheck(lambda x: x.tanh(), Value(0.3))
    assert gradgradcheck(lambda x, y: x * y.sin(), (Value(1.0), 2))


@pytest.mark.parametrize("check", [gradcheck, gradgradcheck])
def test_checks_reject_bad_inputs(check) -> None:
    with pytest.raises(ValueError, match=f"{check.__name__}: inputs is empty"):
        check(lambda x: x, [])
    with pytest.raises(TypeError, match=f"{check.__name__}: input 1 must be a real number, got str"):
        check(lambda x, y: x * y, [1.0, "2"])


@pytest.mark.parametrize("setting, value", [("eps", 0.0), ("eps", -1e-6), ("atol", -1.0), ("rtol", math.inf)])
def test_checks_reject_bad_settings(setting: str, value: float) -> None:
    message = rf"{setting} must be a finite number [>=]+ 0, got {value}"
    with pytest.raises(ValueError, match="gradcheck: " + message):
        gradcheck(lambda x: x, 1.0, **{setting: value})
    with pytest.raises(ValueError, match="gradgradcheck: " + message):
        gradgradcheck(lambda x: x, 1.0, **{setting: value})
    with pytest.raises(ValueError, match="check_local_derivatives: " + message):
        check_local_derivatives(Value(1.0) * 2, **{setting: value})


def test_local_check_passes_built_in_ops_at_kinks_and_domain_edges() -> None:
    zero = Value(0.0, label="zero")
    out = zero.relu() + abs(zero) + zero.leaky_relu(0.1) + zero.sqrt() + zero**0.5 + zero**0
    out = out + Value(-2.0) ** 3 + (Value(-2.0) ** Value(3.0)) + Value(1e300) * 1e300  # nan slope, inf
    assert check_local_derivatives(out) is True


def test_local_check_names_the_first_wrong_op_by_label_and_op_name() -> None:
    x = Value(3.0, label="x")
    first = SLOPPY_SQUARE(x)
    first.label = "first"
    second = SLOPPY_SQUARE(first.tanh())  # unlabelled, and later in forward order
    with pytest.raises(AssertionError) as raised:
        check_local_derivatives(second * 2)
    message = str(raised.value)
    assert message.splitlines()[0] == ("check_local_derivatives: the derivative rule of op 'square' is wrong "
                                       "at node 'first' (inputs x=3.0)")
    analytic, numeric, *_ = table_rows(message)["x"]
    assert (analytic, float(numeric)) == ("3", pytest.approx(6.0))
    first.label = ""
    with pytest.raises(AssertionError, match=r"op 'square' is wrong at node \(unlabelled\) \(inputs x=3.0\)"):
        check_local_derivatives(second)
    assert check_local_derivatives(second, raise_exception=False) is False


def test_local_check_rejects_bad_input() -> None:
    with pytest.raises(TypeError, match="check_local_derivatives: root must be a Value, got float 1.0"):
        check_local_derivatives(1.0)  # type: ignore[arg-type]
    halved = Op("twice", lambda a, b: 2 * a + b, lambda a, b, out: (2.0,))
    with pytest.raises(ValueError, match="'twice': derivative rule gave 1 values for 2 inputs"):
        check_local_derivatives(halved(Value(1.0), Value(2.0)))
