"""Neuron, Layer and MLP: the textbook neuron z = w1*x1 + ... + wn*xn + b, a = f(z), stacked.

The weighted sum is one op of the graph, ``w·x+b``, with the textbook local derivatives
dz/dw_i = x_i, dz/dx_i = w_i and dz/db = 1. One node per neuron instead of 2n (a product and a
sum per input) makes training about ten times faster; the chain rule it applies is the same.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from autograd import Op, Value, apply, arguments, gc_paused

from .module import Module, counted


def _weighted_sum(*inputs: float) -> float:
    """w1*x1 + ... + wn*xn + b for inputs (w1..wn, x1..xn, b)."""
    n = len(inputs) // 2
    z = inputs[2 * n]
    for i in range(n):  # a plain loop: fastest, and the same rounding on every Python version
        z += inputs[i] * inputs[n + i]
    return z


def _weighted_sum_derivatives(*inputs_and_out: Any) -> tuple[Any, ...]:
    """(x1..xn, w1..wn, 1): dz/dw_i = x_i, dz/dx_i = w_i, dz/db = 1; for floats and Values alike."""
    n = len(inputs_and_out) // 2 - 1
    return (*inputs_and_out[n : 2 * n], *inputs_and_out[:n], 1.0)


# _weighted_sum on Values builds b + w1*x1 + ... + wn*xn from * and +: compile writes that out.
WEIGHTED_SUM = Op("w·x+b", _weighted_sum, _weighted_sum_derivatives, expand=_weighted_sum)

# name: (f applied to z, or None for linear; init gain g: weights ~ U(-g*sqrt(3/nin), g*sqrt(3/nin)),
# variance g^2/nin, which keeps activations' scale from layer to layer: He for ReLUs, LeCun otherwise)
ACTIVATIONS: dict[str, tuple[Callable[[Value], Value] | None, float]] = {
    "linear": (None, 1.0),
    "relu": (Value.relu, math.sqrt(2.0)),
    "leaky_relu": (Value.leaky_relu, math.sqrt(2.0)),
    "tanh": (Value.tanh, 1.0),
    "sigmoid": (Value.sigmoid, 1.0),
}


def activation_name(activation: str | None, what: str) -> str:
    """The activation's name, with None meaning "linear"."""
    return "linear" if activation is None else arguments.choice(activation, what, ACTIVATIONS)


def check_inputs(module: Module, x: Any, nin: int) -> None:
    """TypeError unless ``x`` is a sequence, ValueError unless it holds ``nin`` inputs."""
    try:
        size = len(x)
    except TypeError:
        raise TypeError(f"{module!r} expects a list of {nin} inputs, got {type(x).__name__} {x!r}") from None
    if size != nin:
        raise ValueError(f"{module!r} expects {nin} inputs, got {size}")


def layer_sizes(sizes: Any, what: str) -> Sequence[Any]:
    """``sizes`` if it is a non-empty sequence (not a string): the widths of an MLP's layers, unchecked."""
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence) or not sizes:
        raise TypeError(f"{what} must be a non-empty list of layer widths, got {sizes!r}")
    return sizes


def _weights_and_biases(kind: str, widths: Sequence[Any]) -> int:
    """The weights and biases of fully connected layers of these widths, each checked to be a count."""
    checked = [arguments.count(width, f"{kind} layer width") for width in widths]
    return sum((n_in + 1) * n_out for n_in, n_out in itertools.pairwise(checked))


class Neuron(Module):
    """z = w1*x1 + ... + wn*xn + b, a = f(z). Weights start small and random (seeded), the bias at 0."""

    def __init__(self, nin: int, activation: str | None = "relu", seed: int | random.Random | None = None) -> None:
        self.nin = arguments.count(nin, "Neuron: nin")
        self.activation = activation_name(activation, "Neuron: activation")
        generator = arguments.rng(seed, "Neuron: seed")
        bound = ACTIVATIONS[self.activation][1] * math.sqrt(3.0 / self.nin)
        self.w = [Value(generator.uniform(-bound, bound)) for _ in range(self.nin)]
        self.b = Value(0.0)
        self.label_parameters()

    def __call__(self, x: Sequence[Value | float]) -> Value:
        """The neuron's output a = f(w·x + b) for ``nin`` inputs (floats or Values)."""
        check_inputs(self, x, self.nin)
        z = apply(WEIGHTED_SUM, *self.w, *x, self.b)
        f = ACTIVATIONS[self.activation][0]
        return z if f is None else f(z)

    def architecture(self) -> dict[str, Any]:
        """The constructor's arguments, as ``nn.save`` stores them."""
        return {"type": "Neuron", "nin": self.nin, "activation": self.activation}

    @classmethod
    def parameter_count(cls, architecture: Mapping[str, Any]) -> int:
        """How many parameters the model ``architecture`` describes has, checked as the constructor
        checks its arguments but without building it: ``nn.load`` refuses a huge one at no cost."""
        count = _weights_and_biases("Neuron", [architecture["nin"], 1])
        activation_name(architecture["activation"], "Neuron: activation")
        return count

    def __repr__(self) -> str:
        return f"Neuron({counted('input', self.nin)}, {self.activation})"


class Layer(Module):
    """``nout`` neurons reading the same inputs. Always returns a list, even of one output."""

    def __init__(
        self, nin: int, nout: int, activation: str | None = "relu", seed: int | random.Random | None = None
    ) -> None:
        generator = arguments.rng(seed, "Layer: seed")
        self.nin = arguments.count(nin, "Layer: nin")
        self.nout = arguments.count(nout, "Layer: nout")
        self.activation = activation_name(activation, "Layer: activation")
        self.neurons = [Neuron(self.nin, self.activation, generator) for _ in range(self.nout)]
        self.label_parameters()

    def __call__(self, x: Sequence[Value | float]) -> list[Value]:
        """Every neuron's output, in order."""
        check_inputs(self, x, self.nin)
        with gc_paused():  # the nodes made here hold no cycles: the cyclic collector need not look
            return [neuron(x) for neuron in self.neurons]

    def architecture(self) -> dict[str, Any]:
        """The constructor's arguments, as ``nn.save`` stores them."""
        return {"type": "Layer", "nin": self.nin, "nout": self.nout, "activation": self.activation}

    @classmethod
    def parameter_count(cls, architecture: Mapping[str, Any]) -> int:
        """How many parameters the model ``architecture`` describes has, checked but not built (see Neuron's)."""
        count = _weights_and_biases("Layer", [architecture["nin"], architecture["nout"]])
        activation_name(architecture["activation"], "Layer: activation")
        return count

    def __repr__(self) -> str:
        return f"Layer({self.nin} -> {self.nout}, {self.activation})"


class MLP(Module):
    """A multi-layer perceptron: ``sizes`` gives each layer's width, the last one is the output.

    Hidden layers use ``activation``; the last uses ``output_activation`` (None: linear, as
    scores or logits for a loss). An MLP whose last layer has one output returns a single
    Value; otherwise it returns a list. ``seed`` (an int or a ``random.Random``) makes the
    initial weights reproducible.
    """

    def __init__(
        self,
        nin: int,
        sizes: Sequence[int],
        activation: str | None = "relu",
        output_activation: str | None = None,
        seed: int | random.Random | None = None,
    ) -> None:
        generator = arguments.rng(seed, "MLP: seed")
        self.nin = arguments.count(nin, "MLP: nin")
        self.sizes = [arguments.count(size, "MLP: each of sizes") for size in layer_sizes(sizes, "MLP: sizes")]
        self.activation = activation_name(activation, "MLP: activation")
        self.output_activation = activation_name(output_activation, "MLP: output_activation")
        widths = [self.nin, *self.sizes]
        last = len(self.sizes) - 1
        self.layers = [
            Layer(widths[i], widths[i + 1], self.output_activation if i == last else self.activation, generator)
            for i in range(len(self.sizes))
        ]
        self.label_parameters()

    def __call__(self, x: Sequence[Value | float]) -> Value | list[Value]:
        """The output layer's Value (one output) or list of Values (several)."""
        check_inputs(self, x, self.nin)
        with gc_paused():  # as in Layer
            for layer in self.layers:
                x = outputs = layer(x)
        return outputs[0] if len(outputs) == 1 else outputs

    def architecture(self) -> dict[str, Any]:
        """The constructor's arguments, as ``nn.save`` stores them."""
        return {
            "type": "MLP",
            "nin": self.nin,
            "sizes": list(self.sizes),
            "activation": self.activation,
            "output_activation": self.output_activation,
        }

    @classmethod
    def parameter_count(cls, architecture: Mapping[str, Any]) -> int:
        """How many parameters the model ``architecture`` describes has, checked but not built (see Neuron's)."""
        count = _weights_and_biases("MLP", [architecture["nin"], *layer_sizes(architecture["sizes"], "MLP: sizes")])
        activation_name(architecture["activation"], "MLP: activation")
        activation_name(architecture["output_activation"], "MLP: output_activation")
        return count

    def __repr__(self) -> str:
        shapes = ", ".join(f"{layer.nout} {layer.activation}" for layer in self.layers)
        return f"MLP({self.nin} -> [{shapes}], {counted('parameter', self.num_parameters())})"
