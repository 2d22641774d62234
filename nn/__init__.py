"""chainrule's nn: neurons, layers and MLPs built on ``autograd.Value``, with what it takes to train them.

>>> import nn
>>> X, y = nn.moons(100, noise=0.1, seed=0)            # labels -1 / +1
>>> model = nn.MLP(2, [16, 16, 1], seed=0)             # ReLU hidden layers, one linear output
>>> optimizer = nn.SGD(model.parameters(), lr=1.0)
>>> history = nn.fit(model, X, y, optimizer, loss=nn.hinge_loss, l2=1e-4, steps=5, progress=False)
>>> len(history.loss)
5
"""

from .data import blobs, circles, moons, spiral, xor
from .grouping import layer_of, neuron_of  # registers draw_dot's collapse="neuron" and "layer"
from .io import ModelFileError, load, save
from .layers import ACTIVATIONS, MLP, Layer, Neuron
from .losses import bce_with_logits, cross_entropy, half_squared_error, hinge_loss, l2_penalty, mse_loss
from .metrics import accuracy, predicted_class
from .module import Module
from .optim import SGD, Adam, LinearDecay, Optimizer
from .plot import plot_decision_boundary, use_korean_fonts
from .torch_bridge import from_torch, to_torch
from .train import History, fit

__all__ = [
    "ACTIVATIONS",
    "MLP",
    "SGD",
    "Adam",
    "History",
    "Layer",
    "LinearDecay",
    "ModelFileError",
    "Module",
    "Neuron",
    "Optimizer",
    "accuracy",
    "bce_with_logits",
    "blobs",
    "circles",
    "cross_entropy",
    "fit",
    "from_torch",
    "half_squared_error",
    "hinge_loss",
    "l2_penalty",
    "layer_of",
    "load",
    "moons",
    "mse_loss",
    "neuron_of",
    "plot_decision_boundary",
    "predicted_class",
    "save",
    "spiral",
    "to_torch",
    "use_korean_fonts",
    "xor",
]
