"""nn modules: names and order of parameters, seeded initialisation, the neuron's math and its gradients."""

from __future__ import annotations

import math
import random

import pytest

import nn
from autograd import Value, draw_dot, gradcheck, topological_order


def test_named_parameters_are_dotted_paths_in_order_and_labels() -> None:
    model = nn.MLP(3, [4, 2], seed=0)
    named = model.named_parameters()
    names = [name for name, _ in named]
    assert names[:5] == [
        "layers.0.neurons.0.w.0",
        "layers.0.neurons.0.w.1",
        "layers.0.neurons.0.w.2",
        "layers.0.neurons.0.b",
        "layers.0.neurons.1.w.0",
    ]
    assert names[-1] == "layers.1.neurons.1.b"
    assert len(names) == len(set(names)) == model.num_parameters() == (3 + 1) * 4 + (4 + 1) * 2
    assert [p.label for _, p in named] == names
    assert model.parameters() == [p for _, p in named]
    assert model.layers[0].neurons[3].w[1] is dict(named)["layers.0.neurons.3.w.1"]


def test_repr_says_what_the_model_is() -> None:
    assert repr(nn.MLP(2, [16, 16, 1], seed=0)) == "MLP(2 -> [16 relu, 16 relu, 1 linear], 337 parameters)"
    assert repr(nn.Layer(3, 2, activation="tanh", seed=0)) == "Layer(3 -> 2, tanh)"
    assert repr(nn.Neuron(3, activation=None, seed=0)) == "Neuron(3 inputs, linear)"


def test_zero_grad_resets_every_parameter() -> None:
    model = nn.MLP(2, [3, 1], seed=0)
    model([1.0, -2.0]).backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_a_custom_module_finds_values_lists_and_submodules_once() -> None:
    class Pair(nn.Module):
        def __init__(self) -> None:
            self.scale = Value(2.0)
            self.inner = nn.Neuron(2, seed=0)
            self.shared = [self.scale]  # the same Value again: listed once
            self._cache = Value(9.0)  # private: not a parameter
            self.label_parameters()

    pair = Pair()
    assert [name for name, _ in pair.named_parameters()] == ["scale", "inner.w.0", "inner.w.1", "inner.b"]
    assert pair.scale.label == "scale"


def test_initialisation_is_seeded_and_scaled_for_the_activation() -> None:
    weights = [p.data for p in nn.MLP(2, [16, 16, 1], seed=0).parameters()]
    assert weights == [p.data for p in nn.MLP(2, [16, 16, 1], seed=0).parameters()]
    assert weights != [p.data for p in nn.MLP(2, [16, 16, 1], seed=1).parameters()]
    from_generator = [p.data for p in nn.MLP(2, [16, 16, 1], seed=random.Random(0)).parameters()]
    assert from_generator == weights
    for activation, gain in (("relu", math.sqrt(2.0)), ("tanh", 1.0)):
        layer = nn.Layer(50, 200, activation=activation, seed=0)
        ws = [w.data for neuron in layer.neurons for w in neuron.w]
        bound = gain * math.sqrt(3.0 / 50)
        assert max(map(abs, ws)) <= bound and max(map(abs, ws)) > 0.95 * bound
        variance = sum(w * w for w in ws) / len(ws)
        assert variance == pytest.approx(gain**2 / 50, rel=0.05)  # He for ReLU, LeCun for tanh
        assert all(neuron.b.data == 0.0 for neuron in layer.neurons)


def test_neuron_is_w_dot_x_plus_b_then_its_activation() -> None:
    for activation, f in (
        ("relu", lambda z: max(z, 0.0)),
        ("tanh", math.tanh),
        ("sigmoid", lambda z: 1.0 / (1.0 + math.exp(-z))),
        ("leaky_relu", lambda z: z if z > 0 else 0.01 * z),
        (None, lambda z: z),
    ):
        neuron = nn.Neuron(3, activation=activation, seed=3)
        neuron.b.data = -0.25
        x = [0.5, -1.5, 2.0]
        z = sum(w.data * xi for w, xi in zip(neuron.w, x)) + neuron.b.data
        assert neuron(x).data == pytest.approx(f(z), abs=1e-15)


def test_neuron_gradients_match_the_elementwise_graph() -> None:
    neuron = nn.Neuron(3, activation="tanh", seed=1)
    x = [Value(0.3), Value(-1.2), Value(0.7)]
    neuron(x).backward()
    fused = [p.grad for p in (*neuron.w, neuron.b, *x)]
    ws = [Value(w.data) for w in neuron.w]
    b = Value(neuron.b.data)
    xs = [Value(v.data) for v in x]
    z = b
    for w, xi in zip(ws, xs):
        z = z + w * xi
    z.tanh().backward()
    assert fused == pytest.approx([p.grad for p in (*ws, b, *xs)], abs=1e-15)


def test_mlp_gradients_pass_gradcheck_with_respect_to_inputs() -> None:
    model = nn.MLP(3, [4, 4, 1], activation="tanh", seed=0)
    assert gradcheck(lambda a, b, c: model([a, b, c]), [0.2, -0.4, 0.9])


def test_second_derivatives_flow_through_the_fused_op() -> None:
    from autograd import func

    neuron = nn.Neuron(1, activation="tanh", seed=0)
    w, b = neuron.w[0].data, neuron.b.data
    second = func.grad(func.grad(lambda x: neuron([x])))(0.5)
    t = math.tanh(w * 0.5 + b)
    assert second == pytest.approx(-2 * t * (1 - t * t) * w * w, abs=1e-12)


def test_layer_returns_a_list_and_mlp_a_value_or_a_list() -> None:
    assert isinstance(nn.Layer(2, 1, seed=0)([1.0, 2.0]), list)
    assert isinstance(nn.MLP(2, [3, 1], seed=0)([1.0, 2.0]), Value)
    outputs = nn.MLP(2, [3, 4], seed=0)([1.0, 2.0])
    assert isinstance(outputs, list) and len(outputs) == 4


def test_inputs_may_be_floats_or_values_and_give_the_same_answer() -> None:
    model = nn.MLP(2, [5, 1], seed=0)
    assert model([0.5, -1.0]).data == model([Value(0.5), Value(-1.0)]).data


def test_hidden_and_output_activations() -> None:
    model = nn.MLP(2, [3, 3, 2], activation="tanh", output_activation="sigmoid", seed=0)
    assert [layer.activation for layer in model.layers] == ["tanh", "tanh", "sigmoid"]
    assert all(0.0 < out.data < 1.0 for out in model([3.0, -3.0]))


@pytest.mark.parametrize(
    "make, error, words",
    [
        (lambda: nn.MLP(2, [3, 1], seed=0)([1.0, 2.0, 3.0]), ValueError, "expects 2 inputs, got 3"),
        (lambda: nn.Layer(3, 2, seed=0)([1.0]), ValueError, "expects 3 inputs, got 1"),
        (lambda: nn.Neuron(2, seed=0)(1.0), TypeError, "expects a list of 2 inputs, got float"),
        (lambda: nn.MLP(2, [3, 1], seed=0)(["a", 1.0]), TypeError, "str"),
        (lambda: nn.Neuron(2, activation="softmax"), ValueError, "activation must be one of"),
        (lambda: nn.MLP(2, [], seed=0), TypeError, "sizes must be a non-empty list"),
        (lambda: nn.MLP(2, [3, 0], seed=0), ValueError, "at least 1, got 0"),
        (lambda: nn.Layer(2.5, 1), TypeError, "nin must be an int, got float"),
        (lambda: nn.MLP(2, [1], seed="zero"), TypeError, "seed must be an int"),
    ],
)
def test_bad_arguments_are_named(make, error, words) -> None:
    with pytest.raises(error, match=words):
        make()


def test_a_neuron_is_one_op_node_and_draws_with_parameter_names() -> None:
    model = nn.MLP(2, [3, 1], seed=0)
    out = model([1.0, -1.0])
    ops = [v.op.name for v in topological_order([out]) if v.op is not None]
    assert ops.count("w·x+b") == 4 and ops.count("relu") == 3
    source = draw_dot(out, params=model.parameters()).source
    assert "layers.0.neurons.2.w.1" in source and "w·x+b" in source
    for level, boxes in (("neuron", 4), ("layer", 2)):  # one box per neuron or per layer
        collapsed = draw_dot(out, params=model.parameters(), collapse=level).source
        assert "layers.0.neurons.2.w.1" not in collapsed
        assert collapsed.count(" params, ") == boxes


def test_nn_uses_only_the_public_api_of_autograd_and_not_the_reverse() -> None:
    import ast
    import pathlib

    import autograd

    root = pathlib.Path(nn.__file__).parent.parent
    for path in (root / "nn").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("autograd"):
                assert node.module == "autograd", f"{path.name} imports {node.module}"
                assert {alias.name for alias in node.names} <= set(autograd.__all__), path.name
    for path in (root / "autograd").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            module = node.module if isinstance(node, ast.ImportFrom) else None
            assert "nn" not in names and module != "nn" and not (module or "").startswith("nn."), path.name
