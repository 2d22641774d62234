"""Learner-defined ops: Op(name, forward, derivatives) works like a built-in op everywhere."""

from __future__ import annotations

import pytest

from autograd import Op, Value


def test_a_forward_rule_must_return_a_real_number() -> None:
    whole = Op("whole", lambda x: int(x), lambda x, out: (0.0,))
    assert type(whole(Value(2.5)).data) is float
    root = Op("root", lambda x: x**0.5, lambda x, out: (0.5 / out,))  # complex for x < 0 in Python
    with pytest.raises(TypeError, match=r"'root': forward result \(inputs: x=-4.0\) must be a real number, got complex"):
        root(Value(-4.0, label="x"))
