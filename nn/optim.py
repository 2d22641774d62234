"""Optimizers: turn each parameter's gradient into a step, as torch.optim does, on plain floats.

An optimizer holds a list of parameters. After ``loss.backward()``, ``step()`` updates every
parameter's ``.data`` from its ``.grad`` (no graph is recorded); ``zero_grad()`` resets the
gradients, which otherwise add up across backward passes. ``lr`` may be changed between steps,
for example by a schedule such as ``LinearDecay``.
"""

from __future__ import annotations

import abc
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from autograd import Value, arguments


class Optimizer(abc.ABC):
    """The parameters, the learning rate, weight decay and per-parameter state; ``step()`` is the rule.

    A subclass writes only its update rule, ``step()``: it reads the gradients from
    ``decayed_gradients()``, which applies the weight decay, and keeps what it remembers between
    steps in ``state``, one list of floats per name, parallel to ``parameters`` (see ``buffer``).
    """

    decoupled_weight_decay: ClassVar[bool] = False
    """False: weight decay adds ``weight_decay * p`` to each gradient (L2, as torch.optim.SGD).
    True: it shrinks each parameter by ``lr * weight_decay`` of itself instead (as torch.optim.AdamW)."""

    def __init__(self, parameters: Iterable[Value], lr: float, weight_decay: float = 0.0) -> None:
        name = type(self).__name__
        self.parameters = list(parameters)
        for p in self.parameters:
            if not isinstance(p, Value):
                raise TypeError(f"{name}: parameters must be Values, got {type(p).__name__} {p!r}")
        if len(set(self.parameters)) != len(self.parameters):
            raise ValueError(f"{name}: a parameter is listed twice; it would be updated twice per step")
        self.lr = arguments.real(lr, f"{name}: lr", low=0.0)
        self.weight_decay = arguments.real(weight_decay, f"{name}: weight_decay", low=0.0)
        self.state: dict[str, list[float]] = {}

    @abc.abstractmethod
    def step(self) -> None:
        """Update every parameter's ``.data`` from its gradient: the optimizer's rule."""

    def zero_grad(self) -> None:
        """Reset every parameter's gradient to 0.0."""
        for p in self.parameters:
            p.grad = 0.0

    def gradients(self) -> list[float]:
        """Every parameter's gradient as a float; TypeError for a Value gradient (from create_graph)."""
        grads: list[float] = []
        for p in self.parameters:
            g = p.grad
            if not isinstance(g, float):
                raise TypeError(
                    f"{type(self).__name__}.step: the gradient of {p.label or p!r} is {type(g).__name__} {g!r}, "
                    "not a float; optimizers step on backward() without create_graph"
                )
            grads.append(g)
        return grads

    def decayed_gradients(self) -> list[float]:
        """``gradients()`` after weight decay, the one place it is applied: added to each gradient,
        or, when ``decoupled_weight_decay``, taken off the parameters themselves (p *= 1 - lr * decay)."""
        grads = self.gradients()
        decay = self.weight_decay
        if decay and self.decoupled_weight_decay:
            shrink = 1.0 - self.lr * decay
            for p in self.parameters:
                p.data *= shrink
        elif decay:
            grads = [g + decay * p.data for p, g in zip(self.parameters, grads)]
        return grads

    def buffer(self, name: str) -> list[float]:
        """``state[name]``: one float per parameter, in the order of ``parameters``, 0.0 until set."""
        values = self.state.get(name)
        if values is None:
            values = self.state[name] = [0.0] * len(self.parameters)
        return values


class SGD(Optimizer):
    """Stochastic gradient descent, with optional momentum and L2 weight decay (as torch.optim.SGD).

    g = grad + weight_decay * p;  v = momentum * v + g (v = g at the first step);  p -= lr * v
    """

    def __init__(
        self, parameters: Iterable[Value], lr: float, momentum: float = 0.0, weight_decay: float = 0.0
    ) -> None:
        super().__init__(parameters, lr, weight_decay)
        self.momentum = arguments.real(momentum, "SGD: momentum", low=0.0, high=1.0)

    def step(self) -> None:
        """Move every parameter against its gradient (its velocity, with momentum)."""
        lr, momentum = self.lr, self.momentum
        grads = self.decayed_gradients()
        if momentum:
            velocity = self.state.get("velocity")
            if velocity is not None:
                grads = [momentum * v + g for v, g in zip(velocity, grads)]
            self.state["velocity"] = grads
        for p, g in zip(self.parameters, grads):
            p.data -= lr * g


class Adam(Optimizer):
    """Adam with decoupled weight decay (AdamW; plain Adam when weight_decay is 0), as torch.optim.AdamW.

    p -= lr * weight_decay * p;  m, v = running means of g and g^2;
    p -= lr * m_hat / (sqrt(v_hat) + eps), where m_hat, v_hat undo the bias of starting at 0.
    """

    decoupled_weight_decay = True

    def __init__(
        self,
        parameters: Iterable[Value],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(parameters, lr, weight_decay)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise TypeError(f"Adam: betas must be a pair (beta1, beta2), got {betas!r}")
        self.betas = (
            arguments.real(betas[0], "Adam: beta1", 0.0, 1.0),
            arguments.real(betas[1], "Adam: beta2", 0.0, 1.0),
        )
        if self.betas[0] == 1.0 or self.betas[1] == 1.0:
            raise ValueError(f"Adam: betas must be below 1, got {betas!r}")
        self.eps = arguments.real(eps, "Adam: eps", low=0.0)
        self.steps = 0

    def step(self) -> None:
        """One Adam step for every parameter."""
        grads = self.decayed_gradients()
        self.steps += 1
        lr, (beta1, beta2), eps, sqrt = self.lr, self.betas, self.eps, math.sqrt
        rest1, rest2 = 1.0 - beta1, 1.0 - beta2
        step_size = lr / (1.0 - beta1**self.steps)
        root_correction = sqrt(1.0 - beta2**self.steps)
        ms, vs = self.buffer("m"), self.buffer("v")
        for i, (p, g) in enumerate(zip(self.parameters, grads)):
            m = ms[i] = beta1 * ms[i] + rest1 * g
            v = vs[i] = beta2 * vs[i] + rest2 * g * g
            p.data -= step_size * (m / (sqrt(v) / root_correction + eps))


@dataclass(frozen=True)
class LinearDecay:
    """A learning-rate schedule: ``start`` at step 0, falling in a straight line to ``end`` at ``steps``.

    ``LinearDecay(1.0, 0.1, 100)(k)`` is micrograd's demo schedule 1.0 - 0.9 * k / 100; after
    ``steps`` it stays at ``end``. Use it as ``optimizer.lr = schedule(k)`` before step k.
    """

    start: float
    end: float
    steps: int

    def __post_init__(self) -> None:
        arguments.real(self.start, "LinearDecay: start", low=0.0)
        arguments.real(self.end, "LinearDecay: end", low=0.0)
        arguments.count(self.steps, "LinearDecay: steps")

    def __call__(self, step: int) -> float:
        """The learning rate for step ``step`` (0-based)."""
        done = min(arguments.count(step, "LinearDecay: step", minimum=0), self.steps) / self.steps
        return self.start + (self.end - self.start) * done
