"""The way out: an MLP as an equivalent ``torch.nn.Sequential`` in float64, and back.

Each Layer becomes a ``Linear`` (its neurons' weights are the rows of the weight matrix)
followed by the activation's module; a linear layer has none. PyTorch is imported only here.
"""

from __future__ import annotations

from typing import Any

from .layers import MLP

TORCH_ACTIVATIONS = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid", "leaky_relu": "LeakyReLU"}
LEAKY_SLOPE = 0.01  # Value.leaky_relu's default, and torch.nn.LeakyReLU's


def _import_torch(what: str) -> Any:
    try:
        import torch
    except ImportError as error:
        raise ImportError(
            f"nn.{what} needs PyTorch, which is not installed. Install the CPU build with "
            "`pip install torch --index-url https://download.pytorch.org/whl/cpu` "
            "(a plain `pip install torch` pulls several GB of CUDA packages)."
        ) from error
    return torch


def to_torch(model: MLP) -> Any:
    """A ``torch.nn.Sequential`` of float64 ``Linear`` layers and activations computing what ``model`` does."""
    torch = _import_torch("to_torch")
    if not isinstance(model, MLP):
        raise TypeError(f"to_torch: expects an nn.MLP, got {type(model).__name__}")
    modules = []
    for layer in model.layers:
        linear = torch.nn.utils.skip_init(torch.nn.Linear, layer.nin, layer.nout, dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor([[w.data for w in n.w] for n in layer.neurons], dtype=torch.float64))
            linear.bias.copy_(torch.tensor([n.b.data for n in layer.neurons], dtype=torch.float64))
        modules.append(linear)
        if layer.activation != "linear":
            modules.append(getattr(torch.nn, TORCH_ACTIVATIONS[layer.activation])())
    return torch.nn.Sequential(*modules)


def from_torch(sequential: Any) -> MLP:
    """An MLP equal to a ``torch.nn.Sequential`` of ``Linear`` layers, each optionally followed by
    ReLU, Tanh, Sigmoid or LeakyReLU (slope 0.01); hidden layers must share one activation."""
    torch = _import_torch("from_torch")
    if not isinstance(sequential, torch.nn.Sequential):
        raise TypeError(f"from_torch: expects a torch.nn.Sequential, got {type(sequential).__name__}")
    names = {getattr(torch.nn, module_name): name for name, module_name in TORCH_ACTIVATIONS.items()}
    modules = list(sequential)
    linears: list[Any] = []
    activations: list[str] = []
    for position, module in enumerate(modules):
        if isinstance(module, torch.nn.Linear):
            if linears and module.in_features != linears[-1].out_features:
                raise ValueError(
                    f"from_torch: module {position} takes {module.in_features} inputs, "
                    f"but the layer before gives {linears[-1].out_features}"
                )
            linears.append(module)
            activations.append("linear")
        elif type(module) in names and linears and activations[-1] == "linear":
            if isinstance(module, torch.nn.LeakyReLU) and module.negative_slope != LEAKY_SLOPE:
                raise ValueError(f"from_torch: LeakyReLU slope must be {LEAKY_SLOPE}, got {module.negative_slope}")
            activations[-1] = names[type(module)]
        else:
            raise ValueError(
                f"from_torch: module {position} is {module!r}; expected Linear layers, each optionally "
                f"followed by one of {sorted(TORCH_ACTIVATIONS.values())}"
            )
    if not linears:
        raise ValueError("from_torch: the Sequential has no Linear layer")
    if len(set(activations[:-1])) > 1:
        raise ValueError(f"from_torch: the hidden layers' activations differ ({activations[:-1]}); an MLP has one")
    mlp = MLP(
        linears[0].in_features,
        [linear.out_features for linear in linears],
        activation=activations[0] if len(linears) > 1 else "relu",
        output_activation=activations[-1],
        seed=0,
    )
    for layer, linear in zip(mlp.layers, linears):
        weights = linear.weight.detach().to(torch.float64).tolist()
        bias = linear.bias.detach().to(torch.float64).tolist() if linear.bias is not None else [0.0] * len(weights)
        for neuron, row, b in zip(layer.neurons, weights, bias):
            for w, number in zip(neuron.w, row):
                w.data = number
            neuron.b.data = b
    return mlp
