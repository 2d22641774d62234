"""autograd.compile on hostile input: odd constants, labels Python reads alike, bad batches, huge graphs."""

from __future__ import annotations

import ast
import fractions
import importlib
import io
import keyword
import math
import tokenize
import unicodedata
from collections.abc import Callable
from typing import Any, ClassVar

import pytest
from hypothesis import given, reject, settings
from hypothesis import strategies as st

import nn
from autograd import Op, Value, compile, grad, ops
from autograd.namespaces import FLOATS
from tests.conftest import require
from tests.op_cases import CASES
from tests.test_compile import close, safe

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


def test_compiled_relu_gives_what_the_op_gives_at_minus_zero_and_nan() -> None:
    f = compile(lambda x: x.relu(), (1.0,))
    for x in (-0.0, math.nan, 0.5):
        want = Value(x).relu().data
        assert float.__repr__(f(x)[0]) == float.__repr__(want)  # relu(-0.0) is +0.0; relu(NaN) is NaN
    np = require("numpy")
    for x, want_text in ((-0.0, "0.0"), (math.nan, "nan")):
        assert float.__repr__(float(f.batch(np.array([x]))[0])) == want_text


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
    with pytest.raises(OverflowError, match=r"constant Value 'huge': its data is an int of about 401 digits, too large"):
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
    fn = lambda a, b: a * b * 2.0
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


# ---------------------------------------------------------------- random programs with nasty labels


FULL_WIDTH = ["ｘ", "ｙ", "ａｂ", "Ｗ１"]
COMBINING = ["\u0303", "v\u0303", "ṽ", "e\u0301", "é", "\u0301x", "x\u0308\u0301"]
HANGUL = ["ㄱ", "ᄀ", "ㅏ", "ᅡ", "ㄱㅏ", "가", "각", "가중치", "ㄱ ㅏ"]
PYTHON = ["for", "ｆｏｒ", "None", "True", "False", "match", "case", "_", "__debug__", "__builtins__",
          "__init__", "__", "1x", "2", "²", "", " ", "x y", "a-b", "ﬁ", "fi", "ℌ", "H"]
OWN = [*FLOATS, "compiled", "compiled_loop", "program", "program_loop", "samples", "total", "sum_g_x", "g_x",
       "z1", "z2", "v", "v_2", "x", "x_2", "x0", "p0", "op", "nasty_op", "nasty_op_d0", "g_z1"]
NASTY = FULL_WIDTH + COMBINING + HANGUL + PYTHON + OWN
labels = st.sampled_from(NASTY)


def test_the_random_programs_cover_every_op_in_the_table() -> None:
    assert {case.op for case in CASES} == set(ops.TABLE)


@st.composite
def labelled_programs(draw: Any) -> tuple[Callable[..., Value], list[str], list[Value], Value, Any]:
    """A random function of 3 labelled inputs, one labelled parameter and one constant, every node labelled.

    Each step is an op of the table (kept inside its domain) or a learner-defined op with a nasty
    name, on earlier nodes; the function's own name is nasty too. Returned with the input labels,
    the parameter, the constant (holding a float) and the number of another type to compile it with.
    """
    nasty_op = Op(draw(labels), lambda x: x * x + 1.0, lambda x, out: (2.0 * x,))
    choices = [*((safe(case), len(case.domain)) for case in CASES), (nasty_op, 1)]
    steps = []
    for k in range(draw(st.integers(1, 12))):
        op, arity = draw(st.sampled_from(choices))
        steps.append((op, [draw(st.integers(0, 4 + k)) for _ in range(arity)], draw(labels)))
    w = Value(draw(st.floats(-2.0, 2.0, allow_nan=False)), label=draw(labels))  # a parameter, in wrt
    number = draw(st.sampled_from([fractions.Fraction(3, 7), LoudFloat(0.375), -0.0, 2]))
    c = Value(float.__float__(number) if isinstance(number, float) else float(number), label=draw(labels))

    def program(*xs: Value) -> Value:
        nodes = [*xs, w, c]
        for op, picks, label in steps:
            node = op(*(nodes[i] for i in picks))
            node.label = label
            nodes.append(node)
        return nodes[-1] + nodes[0] * 0.5  # every input takes part at least once

    program.__name__ = draw(labels)
    return program, [draw(labels) for _ in range(3)], [w], c, number


inputs3 = st.lists(st.floats(-2.0, 2.0, allow_nan=False), min_size=3, max_size=3)


def same(a: float, b: float) -> bool:
    """The same float, sign of zero included, NaN equal to NaN: what the compiled float code must
    give, against eager."""
    return float.__repr__(a) == float.__repr__(b)


def eager_result(fn: Callable[..., Value], input_labels: list[str], params: list[Value],
                 xs: list[float]) -> tuple[float, list[float]]:
    """Output and gradients (inputs, then parameters) from the eager engine, as ``grad`` returns them.

    (``backward()`` would add each to the leaf's ``.grad`` of 0.0, turning a -0.0 into 0.0.)
    """
    leaves = [Value(x, label) for x, label in zip(xs, input_labels)]
    out = fn(*leaves)
    return out.data, grad(out, [*leaves, *params])


@settings(report_multiple_bugs=False)  # old bugs: shrinking every distinct failure took minutes
@given(labelled_programs(), inputs3, inputs3)
def test_random_programs_with_nasty_labels_compile_to_exactly_the_eager_result(
    program: Any, example: list[float], xs: list[float]
) -> None:
    fn, input_labels, params, constant, number = program
    leaves = [Value(x, label) for x, label in zip(example, input_labels)]
    held, constant.data = constant.data, number  # the code must write it as the float it stands for
    try:
        f = compile(fn, tuple(leaves), wrt=[*leaves, *params])  # traced on other inputs
    except (ArithmeticError, ValueError):  # fn fails on the example inputs themselves
        reject()
    finally:
        constant.data = held  # the eager engine's derivative rules expect floats
    assert_clean_names(f)
    try:
        want_out, want_grads = eager_result(fn, input_labels, params, xs)
    except (ArithmeticError, ValueError) as error:  # the code raises where eager does
        with pytest.raises(type(error)):
            f(*xs)
        return
    out, grads = f(*xs)
    assert same(out, want_out) and all(map(same, grads, want_grads)), (out, grads, want_out, want_grads)
    total, sums = f.loop([xs])
    assert same(total, 0.0 + want_out) and all(same(s, 0.0 + g) for s, g in zip(sums, want_grads))  # sums start at 0.0
    if all(map(math.isfinite, [want_out, *want_grads])):
        np = require("numpy")  # NumPy's exp, log and tanh may differ from libm's in the last bit
        total, batch_grads = f.batch(*[np.array([x]) for x in xs])
        assert close(total, want_out)
        assert all(close(float(np.sum(g)), want) for g, want in zip(batch_grads, want_grads))


# ---------------------------------------------------------------- batches and argument counts


def test_an_empty_batch_names_the_argument_and_the_shapes_it_takes() -> None:
    np = require("numpy")
    f = compile(lambda x: x * 2.0, [1.0])
    with pytest.raises(ValueError, match=r"batch argument x has shape \(0,\); expected \(\) \(shared by "
                                         r"every sample\) or \(n,\) with n >= 1 \(one entry per sample\)"):
        f.batch(np.array([]))
    g = compile(lambda x, w: x[0] * w, ([1.0, 2.0], 3.0))
    with pytest.raises(ValueError, match=r"batch argument x has shape \(0, 2\); expected \(2,\) .*\(n, 2\)"):
        g.batch(np.zeros((0, 2)), 1.0)
    with pytest.raises(ValueError, match=r"batch argument x has shape \(3, 1\); expected \(2,\)"):
        g.batch(np.zeros((3, 1)), 1.0)
    with pytest.raises(ValueError, match=r"batch argument w has shape \(3, 1\); expected \(\) .* or \(n,\)"):
        g.batch(np.zeros((3, 2)), np.zeros((3, 1)))


def test_a_batch_of_no_numbers_is_refused_not_made_nan() -> None:
    np = require("numpy")
    f = compile(lambda x: x * 2.0, [1.0])
    for bad in (None, [1.0, None], np.array(["1", "2"]), [1 + 2j]):
        with pytest.raises(ValueError, match=r"batch argument x is not an array of numbers \(dtype"):
            f.batch(bad)
    assert f.batch([True, 2])[0] == 6.0  # booleans and integers are numbers


def test_a_wrong_number_of_arguments_names_each_argument_and_its_shape() -> None:
    require("numpy")
    f = compile(lambda x, w: x[0] * w, ([1.0, 2.0], 3.0))
    with pytest.raises(TypeError, match=r"compiled\.batch takes 2 arguments, got 1: x of shape \(2,\) "
                                        r"\(shared by every sample\) or \(n, 2\) with n >= 1 .*; "
                                        r"w of shape \(\) .* or \(n,\)"):
        f.batch([1.0, 2.0])
    with pytest.raises(TypeError, match=r"compiled takes 2 arguments, got 3: x of shape \(2,\); w a number"):
        f([1.0, 2.0], 3.0, 4.0)
    with pytest.raises(TypeError, match=r"each sample of compiled\.loop takes 2 arguments, got 1"):
        f.loop([([1.0, 2.0], 3.0), ([1.0, 2.0],)])
    g = compile(lambda x: x[0] * x[1][0], ([1.0, [2.0]],))
    with pytest.raises(TypeError, match=r"compiled\.batch takes 1 argument, got 0: x structured as in"):
        g.batch()


# ---------------------------------------------------------------- bounded work for large graphs


def chain(n: int) -> Callable[[Value], Value]:
    """x times 2, n times: a graph of 2n + 1 nodes (each step adds a constant and a product)."""
    def fn(x: Value) -> Value:
        for _ in range(n):
            x = x * 2.0
        return x
    return fn


def test_a_graph_over_max_nodes_is_refused_before_code_is_written(monkeypatch: pytest.MonkeyPatch) -> None:
    compile_module = importlib.import_module("autograd.compile")  # autograd.compile is also the function

    def no_codegen(*args: Any) -> None:
        raise AssertionError("code generation ran")

    monkeypatch.setattr(compile_module, "generate", no_codegen)
    advice = r"one sample.*one layer, rather than a whole batch traced into one graph; or pass a larger"
    with pytest.raises(ValueError, match=r"traced graph has 21 nodes, more than max_nodes=20\. .*" + advice):
        compile(chain(10), [1.0], max_nodes=20)


def test_max_nodes_admits_a_graph_of_exactly_that_size_and_counts_fused_neurons_as_written_out() -> None:
    assert compile(chain(10), [1.0], max_nodes=21)(1.0) == (1024.0, (1024.0,))
    neuron = nn.Neuron(3, activation="tanh", seed=0)  # one w·x+b node, written out as 3 products and 3 sums
    with pytest.raises(ValueError, match="has 14 nodes"):  # 7 leaves, 6 of arithmetic, the tanh
        compile(lambda x: neuron(x), ([1.0, 2.0, 3.0],), wrt=neuron.parameters(), max_nodes=13)
    compile(lambda x: neuron(x), ([1.0, 2.0, 3.0],), wrt=neuron.parameters(), max_nodes=14)


@pytest.mark.parametrize("bad", [0, -5, 2.5, True, "100"])
def test_max_nodes_must_be_a_positive_whole_number(bad: Any) -> None:
    with pytest.raises(ValueError, match="max_nodes must be a whole number >= 1"):
        compile(chain(1), [1.0], max_nodes=bad)


# ---------------------------------------------------------------- labels in messages: escaped and short


HOSTILE = ["\x1b[2J\x1b[31mred", "\u202eevil", "line\nbreak\r\x00", "x" * 1_000_000]


@pytest.mark.parametrize("label", HOSTILE, ids=["ansi", "rtl", "controls", "1MB"])
def test_labels_in_error_messages_are_escaped_and_cut(label: str) -> None:
    def assert_shown(error: pytest.ExceptionInfo[BaseException]) -> None:
        message = str(error.value)
        assert len(message) < 1000
        assert not any(c in message for c in "\x1b\u202e\n\r\x00")

    leaf = Value(1.0, label=label)
    with pytest.raises(ValueError, match="appears twice") as error:
        compile(lambda a, b: a * b, (leaf, leaf))
    assert_shown(error)
    made = leaf * 2.0
    made.label = label
    with pytest.raises(ValueError, match="must be a leaf Value") as error:
        compile(lambda x: x * x, [made])
    assert_shown(error)
    h = leaf * 3.0
    leaf.data = "abc"
    with pytest.raises(TypeError, match="holds str") as error:
        compile(lambda x: x * h, [1.0])
    assert_shown(error)
    if label.startswith("x"):  # a label that makes a name: the failing line of a batch shows it, cut
        np = require("numpy")
        f = compile(lambda x: x.log(), (Value(1.0, label=label),))
        with pytest.raises(ValueError, match=r"log\(x{50}") as error:
            f.batch(np.array([1.0, -1.0]))
        assert_shown(error)
    bad_op = Op(label, lambda x: x, lambda x, out: (1.0,), expand=lambda x: 1.0)
    with pytest.raises(TypeError, match="expand rule of op") as error:
        compile(lambda x: bad_op(x), [1.0])
    assert_shown(error)
