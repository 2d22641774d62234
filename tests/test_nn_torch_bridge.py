"""The PyTorch bridge: to_torch matches the MLP to 1e-12, from_torch converts back, errors are clear."""

from __future__ import annotations

import random
import sys

import pytest

import nn
from tests.conftest import require


def random_inputs(n: int, width: int, seed: int = 0) -> list[list[float]]:
    generator = random.Random(seed)
    return [[generator.uniform(-3.0, 3.0) for _ in range(width)] for _ in range(n)]


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "leaky_relu", None])
def test_to_torch_computes_what_the_mlp_computes(activation) -> None:
    torch = require("torch")
    model = nn.MLP(3, [5, 4, 2], activation=activation, output_activation="tanh", seed=1)
    for neuron in model.layers[0].neurons:
        neuron.b.data = random.Random(2).uniform(-1.0, 1.0)
    sequential = nn.to_torch(model)
    assert isinstance(sequential, torch.nn.Sequential)
    assert all(p.dtype == torch.float64 for p in sequential.parameters())
    inputs = random_inputs(20, 3)
    theirs = sequential(torch.tensor(inputs, dtype=torch.float64)).tolist()
    ours = [[out.data for out in model(x)] for x in inputs]
    assert [a for row in ours for a in row] == pytest.approx([b for row in theirs for b in row], abs=1e-12)


def test_from_torch_round_trips_and_accepts_a_trained_network() -> None:
    torch = require("torch")
    model = nn.MLP(2, [16, 16, 1], seed=0)
    assert nn.from_torch(nn.to_torch(model)).state_dict() == model.state_dict()
    torch.manual_seed(0)
    sequential = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3))
    back = nn.from_torch(sequential)
    assert back.architecture() == {
        "type": "MLP", "nin": 2, "sizes": [8, 3], "activation": "tanh", "output_activation": "linear",
    }
    inputs = random_inputs(10, 2)
    theirs = sequential.double()(torch.tensor(inputs, dtype=torch.float64)).tolist()
    ours = [[out.data for out in back(x)] for x in inputs]
    assert [a for row in ours for a in row] == pytest.approx([b for row in theirs for b in row], abs=1e-12)


def test_from_torch_names_what_it_cannot_convert() -> None:
    torch = require("torch")
    with pytest.raises(ValueError, match="module 1 is Dropout"):
        nn.from_torch(torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Dropout(0.5)))
    with pytest.raises(ValueError, match="module 2 takes 4 inputs, but the layer before gives 3"):
        nn.from_torch(torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(4, 1)))
    with pytest.raises(ValueError, match="hidden layers' activations differ"):
        nn.from_torch(
            torch.nn.Sequential(
                torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 3), torch.nn.Tanh(), torch.nn.Linear(3, 1)
            )
        )
    with pytest.raises(TypeError, match="from_torch: expects a torch.nn.Sequential, got Linear"):
        nn.from_torch(torch.nn.Linear(2, 3))
    with pytest.raises(TypeError, match="to_torch: expects an nn.MLP, got Layer"):
        nn.to_torch(nn.Layer(2, 3, seed=0))


def test_without_torch_the_error_says_how_to_install_it(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch now raises ImportError
    with pytest.raises(ImportError, match="nn.to_torch needs PyTorch, which is not installed"):
        nn.to_torch(nn.MLP(2, [1], seed=0))
