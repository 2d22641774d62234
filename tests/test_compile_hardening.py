"""autograd.compile on hostile input: odd constants, labels Python reads alike, bad batches, huge graphs."""

from __future__ import annotations

import fractions
import math
from typing import Any, ClassVar

import pytest

from autograd import Value, compile
from tests.conftest import require

# ---------------------------------------------------------------- constants are exact float literals


class LoudFloat(float):
    """A float whose repr and __float__ are not to be trusted: the compiler must use neither."""

    calls: ClassVar[list[str]] = []

    def __repr__(self) -> str:
        LoudFloat.calls.append("repr")
        return "__import__('os').getcwd() and 99.0"

    def __float__(self) -> float:
        LoudFloat.calls.append("float")
        return 99.0


@pytest.mark.parametrize("data", [0.5, fractions.Fraction(1, 3), 2, True, LoudFloat(0.25)],
                         ids=["float", "Fraction", "int", "bool", "float-subclass"])
@pytest.mark.parametrize("check", [False, True])
def test_a_captured_constant_is_written_as_the_literal_of_its_float(data: Any, check: bool) -> None:
    w = Value(1.0, label="w")
    w.data = data  # assigned after the Value was made: .data holds whatever type was given
    number = float.__float__(data) if isinstance(data, float) else float(data)
    LoudFloat.calls.clear()
    f = compile(lambda x: x * w + w, [1.0], check=check)
    assert f(3.0) == (3.0 * number + number, (number,))
    assert f"z1 = x * {float.__repr__(number)}" in f.source
    assert LoudFloat.calls == []


@pytest.mark.parametrize("kind", ["float64", "float32", "int64", "0-d array"])
def test_a_numpy_scalar_constant_is_written_as_a_float(kind: str) -> None:
    np = require("numpy")
    data = {"float64": np.float64(0.5), "float32": np.float32(0.5), "int64": np.int64(3),
            "0-d array": np.array(0.75)}[kind]
    w = Value(1.0, label="w")
    w.data = data
    f = compile(lambda x: x * w, [1.0], check=True)
    assert "np." not in f.source and "array" not in f.source
    assert f(2.0) == (2.0 * float(data), (float(data),))


@pytest.mark.parametrize("number", [math.inf, -math.inf, -0.0, 5e-324, -1.7976931348623157e308, math.nan])
def test_special_constants_round_trip_exactly(number: float) -> None:
    c = Value(number)
    out, _ = compile(lambda x: x * c, [1.0])(1.0)
    assert float.__repr__(out) == float.__repr__(number)  # the same number, sign of zero included


def test_a_constant_that_holds_no_number_is_a_type_error_naming_it_escaped() -> None:
    w = Value(2.0, label="w\x1b[31m")
    h = w * 3.0  # the graph is built while w holds a number...
    w.data = "abc"  # ...and w's data replaced afterwards
    with pytest.raises(TypeError, match=r"constant Value 'w\\x1b\[31m' holds str, not a real") as error:
        compile(lambda x: x * h, [1.0])
    assert "\x1b" not in str(error.value)
    nameless = Value(2.0)
    h = nameless * 3.0
    nameless.data = None
    with pytest.raises(TypeError, match=r"constant Value \(unlabelled\) holds NoneType"):
        compile(lambda x: x * h, [1.0])
    huge = Value(2.0, label="huge")
    h = huge * 3.0
    huge.data = 10**400
    with pytest.raises(OverflowError, match=r"constant Value 'huge': int too large to convert to float"):
        compile(lambda x: x * h, [1.0])
