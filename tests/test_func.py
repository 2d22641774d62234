"""autograd.func: grad, value_and_grad and hessian as functions, composing to any order."""

from __future__ import annotations

import gc
import math
import re

import pytest
from hypothesis import given

from autograd import Value, func, grad, no_grad
from tests.conftest import require
from tests.op_cases import interval


def cube(x):
    return x * x * x


def rosenbrock(x, y):
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2


def rosenbrock_hessian(x: float, y: float) -> list[list[float]]:
    return [[2 - 400 * (y - x * x) + 800 * x * x, -400 * x], [-400 * x, 200.0]]


def test_numbers_in_numbers_out() -> None:
    for value in (3.0, 3, True):
        for result in (func.grad(cube)(value), func.grad(func.grad(cube))(value)):
            assert type(result) is float
    assert func.grad(cube)(3.0) == 27.0
    assert func.grad(func.grad(cube))(3.0) == 18.0
    assert func.grad(func.grad(func.grad(cube)))(3.0) == 6.0
    assert func.grad(func.grad(func.grad(func.grad(cube))))(3.0) == 0.0
    assert func.value_and_grad(cube)(3.0) == (27.0, 27.0)


def test_argnums_picks_the_arguments_and_a_tuple_gives_a_tuple() -> None:
    def f(x, y, z):
        return x * y * y + z

    assert func.grad(f)(2.0, 3.0, 4.0) == 9.0
    assert func.grad(f, argnums=1)(2.0, 3.0, 4.0) == 12.0
    assert func.grad(f, argnums=(0, 2))(2.0, 3.0, 4.0) == (9.0, 1.0)
    assert func.value_and_grad(f, argnums=(2, 1))(2.0, 3.0, 4.0) == (22.0, (1.0, 12.0))


def test_keyword_arguments_pass_through_undifferentiated() -> None:
    def scaled(x, scale=1.0):
        return scale * x * x

    assert func.grad(scaled)(3.0, scale=2.0) == 12.0


def test_values_in_values_out_and_still_differentiable() -> None:
    x = Value(3.0, label="x")
    first = func.grad(cube)(x)
    assert isinstance(first, Value) and first.data == 27.0
    assert grad(first, [x]) == [18.0]
    assert x.grad == 0.0  # transforms never touch .grad
    value, slope = func.value_and_grad(cube)(x)
    assert isinstance(value, Value) and (value.data, slope.data) == (27.0, 27.0)


def test_a_value_passed_twice_gives_partial_derivatives() -> None:
    x = Value(2.0)
    assert [g.data for g in func.grad(lambda a, b: a * b * b, argnums=(0, 1))(x, x)] == [4.0, 8.0]


def test_nested_transforms_do_not_confuse_an_outer_variable_with_an_inner_one() -> None:
    # d/dx [x * d/dy (x * y)] = d/dx [x * x] = 2x, whether the inner call gets a number or x itself
    assert func.grad(lambda x: x * func.grad(lambda y: x * y)(2.0))(3.0) == 6.0
    assert func.grad(lambda x: x * func.grad(lambda y: x * y)(x))(3.0) == 6.0


def test_tanh_derivatives_by_composition_match_pytorch() -> None:
    torch = require("torch")
    derivative = lambda x: x.tanh()
    t = torch.tensor(0.7, dtype=torch.float64, requires_grad=True)
    expected = torch.tanh(t)
    for _ in range(4):
        derivative = func.grad(derivative)
        (expected,) = torch.autograd.grad(expected, [t], create_graph=True)
        assert derivative(0.7) == pytest.approx(expected.item(), rel=1e-12)


@given(interval(-2.0, 2.0), interval(-1.0, 3.0))
def test_rosenbrock_hessian_is_the_analytic_one(x: float, y: float) -> None:
    found = func.hessian(rosenbrock)(x, y)
    assert all(type(h) is float for row in found for h in row)
    expected = rosenbrock_hessian(x, y)
    for found_row, expected_row in zip(found, expected):
        assert found_row == pytest.approx(expected_row, rel=1e-12, abs=1e-9)


def test_rosenbrock_hessian_matches_pytorch() -> None:
    torch = require("torch")
    point = (-1.2, 1.0)
    expected = torch.autograd.functional.hessian(rosenbrock, tuple(torch.tensor(p, dtype=torch.float64)
                                                                   for p in point))
    found = func.hessian(rosenbrock)(*point)
    assert found == [[pytest.approx(expected[i][j].item(), rel=1e-12) for j in range(2)] for i in range(2)]


def test_hessian_of_values_is_differentiable() -> None:
    x = Value(2.0)
    ((second,),) = func.hessian(lambda x: x**4)(x)
    assert second.data == 48.0  # 12 x**2
    assert grad(second, [x]) == [48.0]  # 24 x


def test_newtons_method_with_two_grads_converges_quadratically() -> None:
    def f(x):
        return x.exp() - 2 * x  # minimum at ln 2

    slope, curvature = func.grad(f), func.grad(func.grad(f))
    x, errors = 0.0, []
    for _ in range(6):
        x -= slope(x) / curvature(x)
        errors.append(abs(x - math.log(2.0)))
    assert errors[-1] < 1e-15
    assert errors[2] < errors[1] ** 2 < errors[0] ** 4  # the error squares at each step


def test_transforms_record_even_under_no_grad() -> None:
    with no_grad():
        assert func.grad(cube)(3.0) == 27.0
        assert func.hessian(cube)(3.0) == [[18.0]]


def test_a_function_that_ignores_its_argument_has_gradient_zero() -> None:
    assert func.grad(lambda x: 5.0)(1.0) == 0.0
    assert func.value_and_grad(lambda x, y: y * y)(1.0, 3.0) == (9.0, 0.0)
    assert func.hessian(lambda x, y: x * 3)(1.0, 3.0) == [[0.0, 0.0], [0.0, 0.0]]


def test_errors_inside_f_name_the_parameter() -> None:
    with pytest.raises(ValueError, match=r"logarithm of -1.0 (.|\n)*in op 'log' with input weight=-1.0"):
        func.grad(lambda weight: weight.log())(-1.0)


@pytest.mark.parametrize("argnums", [-1, 1.0, True, (), (0, "1"), [0]])
def test_bad_argnums_are_rejected_when_the_transform_is_made(argnums: object) -> None:
    message = f"grad: argnums must be an int >= 0 or a non-empty tuple of them, got {argnums!r}"
    with pytest.raises(TypeError, match=re.escape(message)):
        func.grad(cube, argnums=argnums)


def test_repeated_argnums_are_rejected() -> None:
    with pytest.raises(ValueError, match=re.escape("value_and_grad: argnums (0, 0) repeats an argument")):
        func.value_and_grad(cube, argnums=(0, 0))


def test_bad_calls_name_the_function_and_argument() -> None:
    message = "grad: cube was called with 1 positional arguments, so there is no argument 1 to differentiate"
    with pytest.raises(TypeError, match=message):
        func.grad(cube, argnums=1)(1.0)
    with pytest.raises(TypeError, match="hessian: <lambda> was called with 0 positional arguments"):
        func.hessian(lambda: 1.0)()
    with pytest.raises(TypeError, match="grad: argument 'x' of cube must be a real number, got str '1'"):
        func.grad(cube)("1")
    with pytest.raises(TypeError, match="hessian: the result of <lambda> must be a real number, got list"):
        func.hessian(lambda x: [x, x])(1.0)


def test_transforms_leave_no_reference_cycles() -> None:
    gc.collect()
    gc.disable()
    try:
        func.grad(func.grad(cube))(2.0)
        func.hessian(rosenbrock)(1.0, 2.0)
        assert gc.collect() == 0
    finally:
        gc.enable()
