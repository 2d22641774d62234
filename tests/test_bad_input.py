"""Bad input raises a clear exception naming the op, the offending value and the node's label."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest

from autograd import Value, grad


@pytest.mark.parametrize("data", ["1.0", None, 1j, [1.0], Value(1.0), {"x": 1}])
def test_value_rejects_non_real_data_naming_the_type(data: Any) -> None:
    with pytest.raises(TypeError, match=f"real number, got {type(data).__name__}"):
        Value(data)


def test_label_must_be_text() -> None:
    with pytest.raises(TypeError, match="label must be a str, got int 3"):
        Value(1.0, label=3)  # type: ignore[arg-type]


DOMAIN_ERRORS: list[tuple[str, Callable[[Value], Value], float, type[Exception], str]] = [
    ("log of a negative", lambda x: x.log(), -2.0, ValueError, "'log': logarithm of -2.0"),
    ("log of zero", lambda x: x.log(), 0.0, ValueError, "'log': logarithm of 0.0"),
    ("sqrt of a negative", lambda x: x.sqrt(), -1.0, ValueError, "'sqrt': square root of -1.0"),
    ("divide by zero", lambda x: 1.0 / x, 0.0, ZeroDivisionError, "'/': division of 1.0 by zero"),
    ("zero to a negative power", lambda x: x**-1, 0.0, ZeroDivisionError, "'**': 0.0 raised to the negative power -1.0"),
    ("negative base, fractional power", lambda x: x**0.5, -4.0, ValueError,
     "'**': negative base -4.0 raised to the non-integer power 0.5"),
    ("sine of infinity", lambda x: x.sin(), math.inf, ValueError, "'sin': math domain error"),
]


@pytest.mark.parametrize("case", DOMAIN_ERRORS, ids=lambda c: c[0])
def test_domain_errors_name_op_value_and_label(case: tuple) -> None:
    _, call, x, error, message = case
    with pytest.raises(error) as raised:
        call(Value(x, label="입력"))
    op, detail = message.split(": ", 1)
    assert detail in str(raised.value)
    (note,) = raised.value.__notes__
    assert note.startswith(f"in op {op} with input") and f"입력={x!r}" in note, note


@pytest.mark.parametrize("symbol, call", [
    ("+", lambda x: x + "a"), ("+", lambda x: "a" + x), ("-", lambda x: x - None), ("*", lambda x: x * [2]),
    ("/", lambda x: x / 1j), ("**", lambda x: x ** "2"), ("leaky_relu", lambda x: x.leaky_relu("0.1")),
])
def test_operands_that_are_not_numbers_name_the_op_and_the_type(symbol: str, call: Callable[[Value], Any]) -> None:
    with pytest.raises(TypeError) as raised:
        call(Value(1.0))
    text = str(raised.value)
    assert f"'{symbol}'" in text or f"{symbol}:" in text, text


def test_comparisons_with_non_numbers_raise() -> None:
    with pytest.raises(TypeError, match="operand of '<' must be a real number, got str"):
        Value(1.0) < "2"  # noqa: B015


def test_bad_backward_seed_and_grad_arguments() -> None:
    x = Value(1.0)
    with pytest.raises(TypeError, match="backward gradient must be a real number, got str"):
        (x * 2).backward("1")
    with pytest.raises(TypeError, match="grad: outputs and inputs must be Values, got float 1.0"):
        grad(x * 2, [1.0])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="grad: 1 outputs but 2 grad_outputs"):
        grad(x * 2, [x], grad_outputs=[1.0, 2.0])


def test_a_failed_op_leaves_its_inputs_untouched() -> None:
    x = Value(-1.0, label="x")
    with pytest.raises(ValueError):
        x.log()
    assert (x.data, x.grad, x.op, x.children) == (-1.0, 0.0, None, ())


def test_a_derivative_rule_with_the_wrong_arity_fails_loudly_naming_the_op() -> None:
    from autograd import Op

    half_rule = Op("twice", lambda a, b: 2 * a + b, lambda a, b, out: (2.0,))  # forgot d/db
    a, b = Value(1.0), Value(2.0, label="b")
    out = half_rule(a, b)
    with pytest.raises(ValueError, match="'twice': derivative rule gave 1 values for 2 inputs") as raised:
        out.backward()
    assert "derivative rule of 'twice'" in "".join(raised.value.__notes__)
