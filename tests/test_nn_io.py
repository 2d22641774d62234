"""Saving and loading: exact round trips, atomic writes, and broken files refused before the model changes."""

from __future__ import annotations

import builtins
import json
import math
import os
import re
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import pytest

import nn


@pytest.fixture
def model() -> nn.MLP:
    return nn.MLP(2, [4, 3, 1], activation="tanh", output_activation="sigmoid", seed=0)


def saved(model: nn.Module, path: Path) -> dict:
    nn.save(model, path)
    return json.loads(path.read_text(encoding="utf-8"))


def test_round_trip_is_exact_and_keeps_the_architecture(tmp_path, model) -> None:
    model.layers[0].neurons[0].w[0].data = 0.1 + 0.2  # a float with a long repr
    model.layers[0].neurons[1].b.data = 5e-324  # the smallest subnormal
    path = tmp_path / "model.json"
    document = saved(model, path)
    assert document["format"] == "chainrule.nn" and document["version"] == 1
    assert document["architecture"] == {
        "type": "MLP", "nin": 2, "sizes": [4, 3, 1], "activation": "tanh", "output_activation": "sigmoid",
    }
    loaded = nn.load(path)
    assert type(loaded) is nn.MLP and loaded.architecture() == model.architecture()
    assert loaded.state_dict() == model.state_dict()
    assert loaded([0.3, -0.7]).data == model([0.3, -0.7]).data
    assert [p.label for p in loaded.parameters()] == [p.label for p in model.parameters()]


def test_load_into_an_existing_model_and_state_dicts(tmp_path, model) -> None:
    path = tmp_path / "model.json"
    nn.save(model, path)
    other = nn.MLP(2, [4, 3, 1], activation="tanh", output_activation="sigmoid", seed=9)
    assert nn.load(path, other) is other and other.state_dict() == model.state_dict()
    neuron = nn.Neuron(3, activation="relu", seed=0)
    nn.save(neuron, tmp_path / "neuron.json")
    assert nn.load(tmp_path / "neuron.json").state_dict() == neuron.state_dict()
    layer = nn.Layer(3, 2, seed=0)
    copy = nn.Layer(3, 2, seed=1)
    copy.load_state_dict(layer.state_dict())
    assert copy.state_dict() == layer.state_dict()


def test_nonfinite_parameters_only_when_allowed(tmp_path, model) -> None:
    model.layers[1].neurons[2].b.data = math.inf
    path = tmp_path / "model.json"
    with pytest.raises(ValueError, match="layers.1.neurons.2.b = inf"):
        nn.save(model, path)
    assert not path.exists()
    nn.save(model, path, allow_nonfinite=True)
    with pytest.raises(nn.ModelFileError, match=r"\(layers.1.neurons.2.b = inf\); pass allow_nonfinite=True"):
        nn.load(path)
    assert nn.load(path, allow_nonfinite=True).layers[1].neurons[2].b.data == math.inf


B = "layers.0.neurons.0.b"
Change = Callable[[str, dict], str]  # (the saved file's text, its document) -> the broken file's text


def edit(change: Callable[[dict], object]) -> Change:
    """The saved document after ``change`` edits it (a deep copy), as JSON."""

    def edited(text: str, document: dict) -> str:
        copy = json.loads(json.dumps(document))
        change(copy)
        return json.dumps(copy)

    return edited


def replace(old: str, new: str) -> Change:
    return lambda text, document: text.replace(old, new)


def parameter(value: str) -> Change:
    """layers.0.neurons.0.b written as ``value`` (JSON text)."""
    return replace(f'"{B}": 0.0', f'"{B}": {value}')


def rename_layer_2(d: dict) -> None:
    d["parameters"] = {k.replace("layers.2", "layers.7"): v for k, v in d["parameters"].items()}


# kind: (how the saved file is broken, what the error says about it)
BROKEN_FILES: dict[str, tuple[Change, str]] = {
    "truncated": (
        lambda text, d: text[: len(text) // 2], r"not JSON, or cut short: .* \(line \d+, column \d+\)"
    ),
    "empty": (lambda text, d: "", "the file is empty"),
    "not JSON": (
        lambda text, d: "layers.0.neurons.0.w.0 = 0.5\n",
        "not JSON, or cut short: Expecting value \\(line 1, column 1\\)",
    ),
    "not UTF-8": (replace("chainrule", "chain\udcffrule"), r"not UTF-8 text \(byte 0xff at position 19\)"),
    "nested too deeply": (lambda text, d: "[" * 100_000, "nested too deeply"),
    "an integer of 5000 digits": (
        replace('"version": 1', '"version": 1' + "0" * 5000), "not JSON that Python can read: Exceeds the"
    ),
    "another format": (edit(lambda d: d.update(format="pickle")), "not a chainrule model file"),
    "a list, not an object": (lambda text, d: "[1, 2, 3]", "not a chainrule model file"),
    "a newer version": (
        edit(lambda d: d.update(version=2)),
        r"unsupported format version 2 \(this chainrule reads version 1\)",
    ),
    "the version as a string": (edit(lambda d: d.update(version="1")), "unsupported format version '1'"),
    "no parameters": (
        edit(lambda d: d.pop("parameters")),
        r"model files have the keys .*; this one misses \['parameters'\]$",
    ),
    "an unknown model type": (
        edit(lambda d: d["architecture"].update(type="Transformer")),
        r"bad architecture: \"type\" must be one of \['Layer', 'MLP', 'Neuron'\], got 'Transformer'",
    ),
    "a list for the type": (
        edit(lambda d: d["architecture"].update(type=["MLP"])),
        r"bad architecture: \"type\" must be one of .*, got \['MLP'\]",
    ),
    "an architecture key missing": (
        edit(lambda d: d["architecture"].pop("activation")),
        r"bad architecture: MLP architectures have the keys .*; this one misses \['activation'\]$",
    ),
    "a width that is not a number": (
        edit(lambda d: d["architecture"].update(sizes=[4, "3", 1])),
        "bad architecture: MLP layer width must be an int, got str '3'",
    ),
    "another architecture": (
        edit(lambda d: d["architecture"].update(sizes=[4, 3, 2])),
        r"sizes=\[4, 3, 2\].* has 35 parameters, but the file lists 31",
    ),
    "a parameter missing": (
        edit(lambda d: d["parameters"].pop("layers.2.neurons.0.b")),
        "has 31 parameters, but the file lists 30",
    ),
    "an extra parameter": (
        edit(lambda d: d["parameters"].update({"layers.9.b": 1.0})),
        "has 31 parameters, but the file lists 32",
    ),
    "a renamed parameter": (
        edit(rename_layer_2),
        (
            r"the parameter names do not match MLP\(.*\): "
            r"the file has 4 unknown \(such as 'layers.7.neurons.0.w.0'\) "
            r"and misses 4 \(such as 'layers.2.neurons.0.w.0'\)"
        ),
    ),
    "a string for a number": (parameter('"0.5"'), f"parameter {B} is str '0.5', not a number"),
    "a bool for a number": (parameter("true"), f"parameter {B} is bool True, not a number"),
    "null for a number": (parameter("null"), f"parameter {B} is NoneType None, not a number"),
    "an integer too big for a float": (parameter("1" + "0" * 400), f"parameter {B} = an int of about 401 digits is too large"),
    "NaN": (parameter("NaN"), rf"1 parameter is not finite \({B} = nan\); pass allow_nonfinite=True to"),
    "a number too big": (parameter("1e999"), rf"1 parameter is not finite \({B} = inf\)"),
    "a duplicate key": (parameter(f'0.0, "{B}": 1.0'), f"the key '{B}' appears more than once"),
}


@pytest.mark.parametrize("kind", BROKEN_FILES)
def test_broken_files_raise_an_error_saying_what_is_wrong_and_change_nothing(tmp_path, model, kind) -> None:
    path = tmp_path / "model.json"
    document = saved(model, path)
    change, message = BROKEN_FILES[kind]
    path.write_bytes(change(path.read_text(encoding="utf-8"), document).encode("utf-8", "surrogateescape"))
    target = nn.MLP(2, [4, 3, 1], activation="tanh", output_activation="sigmoid", seed=5)
    before = target.state_dict()
    for into in (None, target):
        with pytest.raises(nn.ModelFileError, match=f"^load: {re.escape(str(path))}: ") as error:
            nn.load(path, into)
        assert isinstance(error.value, ValueError)
        if kind != "another architecture" or into is None:  # loading into a model compares architectures
            assert re.search(message, str(error.value)), str(error.value)
    assert target.state_dict() == before, kind


def test_an_architecture_that_cannot_be_built_says_why(tmp_path, model) -> None:
    path = tmp_path / "model.json"
    document = saved(model, path)
    swish = edit(lambda d: d["architecture"].update(activation="swish"))
    path.write_text(swish("", document), encoding="utf-8")
    with pytest.raises(nn.ModelFileError, match="bad architecture: MLP: activation must be one of .*'swish'"):
        nn.load(path)


HUGE = "x" * 1_000_000
# Every place a file's value is echoed in an error: the echo is cut to a few hundred characters.
HUGE_FILES: dict[str, Callable[[dict], None]] = {
    "version": lambda d: d.update(version=HUGE),
    "unexpected keys": lambda d: d.update({HUGE: 1}),
    "model type": lambda d: d["architecture"].update(type=HUGE),
    "architecture keys": lambda d: d["architecture"].update({HUGE: 1}),
    "layer widths": lambda d: d["architecture"].update(sizes=[1] * 300_000),
    "a width": lambda d: d["architecture"].update(sizes=[4, HUGE, 1]),
    "activation": lambda d: d["architecture"].update(activation=HUGE),
    "a parameter's name": lambda d: d["parameters"].update({HUGE: d["parameters"].pop(B)}),
    "a parameter's value": lambda d: d["parameters"].update({B: HUGE}),
    "a duplicate key": lambda d: d["parameters"].update({HUGE: 0.0}),
}


@pytest.mark.parametrize("kind", HUGE_FILES)
def test_a_huge_value_is_shown_cut_short(tmp_path, model, kind) -> None:
    path = tmp_path / "model.json"
    text = edit(HUGE_FILES[kind])("", saved(model, path))
    if kind == "a duplicate key":
        text = text.replace(f'"{HUGE}": 0.0', f'"{HUGE}": 0.0, "{HUGE}": 1.0')
    path.write_text(text, encoding="utf-8")
    with pytest.raises(nn.ModelFileError) as error:
        nn.load(path)
    message = str(error.value)
    assert len(message) < 1000 and re.search(r"… \([\d,]+ characters\)", message), message


def test_a_duplicate_among_many_keys_is_named(tmp_path) -> None:
    keys = [f"layers.0.neurons.{i}.w.0" for i in range(200_000)]
    text = json.dumps({key: 0.5 for key in keys})
    path = tmp_path / "model.json"
    path.write_text(text.replace("}", f', "{keys[123_456]}": 1.0}}'), encoding="utf-8")
    with pytest.raises(nn.ModelFileError, match="the key 'layers.0.neurons.123456.w.0' appears more than"):
        nn.load(path)


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path, model, monkeypatch) -> None:
    path = tmp_path / "model.json"
    nn.save(model, path)
    size = path.stat().st_size
    assert nn.load(path, max_bytes=size).state_dict() == model.state_dict()

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file was opened")

    monkeypatch.setattr(builtins, "open", never)
    too_big = f"the file is {size} bytes, more than max_bytes={size - 1} bytes; "
    with pytest.raises(nn.ModelFileError, match=too_big):
        nn.load(path, max_bytes=size - 1)
    assert nn.io.MAX_BYTES == 64 * 2**20


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a named pipe")
def test_a_pipe_is_read_no_further_than_the_size_limit(tmp_path) -> None:
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    reader = os.open(pipe, os.O_RDONLY | os.O_NONBLOCK)  # lets the writer open without waiting
    writer = os.open(pipe, os.O_WRONLY)  # kept open: reading to the end would never finish
    try:
        os.write(writer, b" " * 5000)
        with pytest.raises(nn.ModelFileError, match="the file is more than max_bytes=1000 bytes; "):
            nn.load(pipe, max_bytes=1000)
    finally:
        os.close(writer)
        os.close(reader)


def test_a_file_that_grows_while_read_is_read_no_further_than_the_size_limit(tmp_path, monkeypatch) -> None:
    path = tmp_path / "model.json"
    path.write_bytes(b" " * 5000)
    stat = os.stat(path)
    monkeypatch.setattr(os, "stat", lambda *args, **kwargs: os.stat_result((*stat[:6], 10, *stat[7:])))
    with pytest.raises(nn.ModelFileError, match="the file is more than max_bytes=1000 bytes; "):
        nn.load(path, max_bytes=1000)


@pytest.mark.parametrize("max_bytes", [0, 1.5, None])
def test_the_size_limit_must_be_a_positive_count(tmp_path, max_bytes) -> None:
    with pytest.raises((TypeError, ValueError), match="load: max_bytes must be"):
        nn.load(tmp_path / "model.json", max_bytes=max_bytes)


@pytest.mark.parametrize("kind", ["Neuron", "Layer", "MLP"])
def test_each_model_class_counts_the_parameters_of_an_architecture(kind) -> None:
    model = {"Neuron": nn.Neuron(3), "Layer": nn.Layer(3, 2), "MLP": nn.MLP(2, [4, 3, 1])}[kind]
    assert type(model).parameter_count(model.architecture()) == model.num_parameters()


def test_a_huge_architecture_is_refused_before_it_is_built(tmp_path, model, monkeypatch) -> None:
    path = tmp_path / "model.json"
    path.write_text(edit(lambda d: d["architecture"].update(sizes=[10**9] * 3))("", saved(model, path)), encoding="utf-8")
    monkeypatch.setattr(nn.MLP, "__init__", lambda *args, **kwargs: pytest.fail("the model was built"))
    with pytest.raises(nn.ModelFileError, match="has 2000000005000000000 parameters, but the file lists 31"):
        nn.load(path)


def test_a_model_of_another_shape_is_not_overwritten(tmp_path, model) -> None:
    path = tmp_path / "model.json"
    nn.save(model, path)
    small = nn.MLP(2, [4, 1], seed=0)
    before = small.state_dict()
    with pytest.raises(nn.ModelFileError, match="but the model is MLP"):
        nn.load(path, small)
    assert small.state_dict() == before


def test_load_state_dict_checks_everything_first(model) -> None:
    state = model.state_dict()
    before = dict(state)
    state["layers.2.neurons.0.b"] = "oops"
    with pytest.raises(TypeError, match="layers.2.neurons.0.b must be a real number, got str"):
        model.load_state_dict(state)
    assert model.state_dict() == before
    with pytest.raises(ValueError, match="misses 1 \\['layers.0.neurons.0.w.0'\\]"):
        model.load_state_dict({k: v for k, v in before.items() if k != "layers.0.neurons.0.w.0"})


def test_save_refuses_what_it_cannot_describe(tmp_path) -> None:
    class Custom(nn.Module):
        pass

    with pytest.raises(TypeError, match="save: can save a Neuron, Layer or MLP, got Custom"):
        nn.save(Custom(), tmp_path / "custom.json")


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        pytest.param("0.5", TypeError, "is str '0.5', not a number", id="str"),
        pytest.param(None, TypeError, "is NoneType None, not a number", id="None"),
        pytest.param(True, TypeError, "is bool True, not a number", id="bool"),
        pytest.param(10**400, ValueError, "= an int of about 401 digits is too large for a float", id="10**400"),
    ],
)
def test_save_names_a_parameter_that_is_not_a_number_before_writing(tmp_path, model, value, error, message):
    path = tmp_path / "model.json"
    nn.save(model, path)
    before = path.read_bytes()
    model.layers[1].neurons[2].w[0].data = value
    with pytest.raises(error, match=f"^save: parameter layers.1.neurons.2.w.0 {message}"):
        nn.save(model, path)
    assert path.read_bytes() == before


def test_save_writes_any_real_number_as_a_float(tmp_path, model) -> None:
    numpy = pytest.importorskip("numpy")
    for p, value in zip(model.parameters(), [1, Fraction(1, 3), numpy.float32(0.5), numpy.int64(-2)]):
        p.data = value
    nn.save(model, tmp_path / "model.json")
    loaded = [p.data for p in nn.load(tmp_path / "model.json").parameters()[:4]]
    assert loaded == [1.0, 1 / 3, 0.5, -2.0] and all(type(x) is float for x in loaded)
