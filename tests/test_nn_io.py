"""Saving and loading: exact round trips, atomic writes, and broken files refused before the model changes."""

from __future__ import annotations

import json
import math
import os
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
    with pytest.raises(nn.ModelFileError, match="non-finite number Infinity"):
        nn.load(path)
    assert nn.load(path, allow_nonfinite=True).layers[1].neurons[2].b.data == math.inf


def test_a_crash_while_saving_leaves_the_old_file_and_no_debris(tmp_path, model, monkeypatch) -> None:
    path = tmp_path / "model.json"
    nn.save(model, path)
    before = path.read_bytes()
    model.layers[0].neurons[0].b.data = 42.0

    def crash(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        nn.save(model, path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json"]


def edit(document: dict, change) -> str:
    """The document as JSON after ``change`` edits it (a deep copy)."""
    copy = json.loads(json.dumps(document))
    change(copy)
    return json.dumps(copy)


BROKEN_FILES = {
    "truncated": lambda text, doc: text[: len(text) // 2],
    "empty": lambda text, doc: "",
    "not JSON": lambda text, doc: "layers.0.neurons.0.w.0 = 0.5\n",
    "not UTF-8": lambda text, doc: text.replace("chainrule", "chain\udcffrule"),
    "another format": lambda text, doc: edit(doc, lambda d: d.update(format="pickle")),
    "a newer version": lambda text, doc: edit(doc, lambda d: d.update(version=2)),
    "a parameter missing": lambda text, doc: edit(doc, lambda d: d["parameters"].pop("layers.2.neurons.0.b")),
    "an extra parameter": lambda text, doc: edit(doc, lambda d: d["parameters"].update({"layers.9.b": 1.0})),
    "a renamed parameter": lambda text, doc: edit(
        doc, lambda d: d.update(parameters={k.replace("layers.2", "layers.7"): v for k, v in d["parameters"].items()})
    ),
    "a string for a number": lambda text, doc: edit(doc, lambda d: d["parameters"].update({"layers.0.neurons.0.b": "0.5"})),
    "a bool for a number": lambda text, doc: edit(doc, lambda d: d["parameters"].update({"layers.0.neurons.0.b": True})),
    "NaN": lambda text, doc: text.replace('"layers.0.neurons.0.b": 0.0', '"layers.0.neurons.0.b": NaN'),
    "a number too big": lambda text, doc: text.replace('"layers.0.neurons.0.b": 0.0', '"layers.0.neurons.0.b": 1e999'),
    "a duplicate key": lambda text, doc: text.replace('"layers.0.neurons.0.b": 0.0', '"layers.0.neurons.0.b": 0.0, "layers.0.neurons.0.b": 1.0'),
    "another architecture": lambda text, doc: edit(doc, lambda d: d["architecture"].update(sizes=[4, 3, 2])),
    "an unknown model type": lambda text, doc: edit(doc, lambda d: d["architecture"].update(type="Transformer")),
    "a list, not an object": lambda text, doc: "[1, 2, 3]",
}


@pytest.mark.parametrize("kind", BROKEN_FILES)
def test_broken_files_raise_a_clear_error_and_change_nothing(tmp_path, model, kind) -> None:
    path = tmp_path / "model.json"
    document = saved(model, path)
    text = BROKEN_FILES[kind](path.read_text(encoding="utf-8"), document)
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    target = nn.MLP(2, [4, 3, 1], activation="tanh", output_activation="sigmoid", seed=5)
    before = target.state_dict()
    with pytest.raises(nn.ModelFileError, match=f"load: {path}: ") as error:
        nn.load(path, target)
    assert target.state_dict() == before, kind
    assert isinstance(error.value, ValueError)


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
