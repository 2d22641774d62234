"""autograd.compile on hostile input: odd constants, labels Python reads alike, bad batches, huge graphs."""

from __future__ import annotations

import ast
import fractions
import io
import keyword
import math
import tokenize
import unicodedata
from typing import Any, ClassVar

import pytest

from autograd import Op, Value, compile
from autograd.namespaces import FLOATS
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


# ---------------------------------------------------------------- names unique as Python reads them (NFKC)


def names_in(source: str) -> list[str]:
    """Every identifier token of generated source, as written."""
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return [token.string for token in tokens if token.type == tokenize.NAME]


def bound_names(source: str) -> set[str]:
    """The names the generated code binds: functions, parameters, assigned and loop variables."""
    bound = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef):
            bound |= {node.name, *(a.arg for a in node.args.args)}
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            bound.add(node.id)
    return bound


def assert_clean_names(f: Any) -> None:
    """Every name is written in the NFKC form Python reads it in, and none shadows what the code calls."""
    text = f.program.source + f.program.loop_source
    assert all(unicodedata.normalize("NFKC", name) == name for name in names_in(text))
    for name in bound_names(text):
        assert name not in FLOATS and name not in f.program.by_reference, name
        assert not (name.startswith("__") and name.endswith("__")) and not keyword.iskeyword(name), name


def test_a_label_that_becomes_another_after_normalisation_gets_its_own_name() -> None:
    def scaled(x: Value) -> Value:
        y = x * 3.0
        y.label = "\u0303"  # a lone combining tilde: written v + tilde, which Python reads as ṽ
        return y * x

    leaf = Value(2.0, label="ṽ")
    f = compile(scaled, (leaf,))
    assert f(2.0) == (12.0, (12.0,))  # was (36.0, (24.0,)): the tilde node and the input were one variable
    assert "ṽ_2 = ṽ * 3.0" in f.source
    assert_clean_names(f)


ALIKE = [("ṽ", "\u0303"), ("ｘ", "x"), ("ㄱ", "ᄀ"), ("ｆｏｒ", "for"), ("é", "e\u0301"), ("ﬁ", "fi"),
         ("²", "2"), ("__debug__", "__debug__")]


@pytest.mark.parametrize("labels", ALIKE)
def test_inputs_whose_labels_python_reads_alike_stay_distinct(labels: tuple[str, str]) -> None:
    a, b = (Value(2.0, label=label) for label in labels)
    fn = lambda a, b: a * b * 2.0  # noqa: E731
    f = compile(fn, (a, b))
    assert f(2.0, 3.0) == (12.0, (6.0, 4.0))  # "\u0303" made a SyntaxError: duplicate argument
    assert_clean_names(f)


def test_the_function_name_is_bound_as_python_reads_it() -> None:
    def fn(x: Value) -> Value:
        return x * x

    for name in ("\u0303", "ｘ", "exp", "__debug__", "None", "9lives"):
        fn.__name__ = name
        f = compile(fn, [1.0])  # "\u0303" was a KeyError: the code defined ṽ, compile looked up v + tilde
        assert f(3.0) == f.loop([[3.0]]) == (9.0, (6.0,))
        assert_clean_names(f)


def test_no_name_is_a_keyword_a_dunder_or_one_the_code_calls() -> None:
    labels = ["None", "True", "False", "__debug__", "__builtins__", "__class__", *FLOATS, "compiled",
              "compiled_loop", "samples", "total", "sum_g_x", "g_x", "z1", "inf", "nan", "softplus"]
    softplus = Op("softplus", lambda x: math.log1p(math.exp(x)), lambda x, out: (1.0 - math.exp(-out),))

    def fn(*xs: Value) -> Value:
        out = softplus(xs[0])
        for k, x in enumerate(xs[1:]):
            out = out * 0.5 + x.tanh()
            out.label = labels[k]
        return out

    leaves = [Value(0.1 * k, label=label) for k, label in enumerate(labels)]
    fn.__name__ = "max"
    f = compile(fn, tuple(leaves))
    assert_clean_names(f)
    xs = [0.05 * k - 0.3 for k in range(len(labels))]
    eager_leaves = [Value(x) for x in xs]
    out = fn(*eager_leaves)
    out.backward()
    assert f(*xs) == (out.data, tuple(leaf.grad for leaf in eager_leaves))
    assert f.loop([xs]) == (out.data, tuple(leaf.grad for leaf in eager_leaves))
