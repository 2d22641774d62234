"""Optimizers: turn each parameter's gradient into a step, as torch.optim does, on plain floats.

An optimizer holds a list of parameters. After ``loss.backward()``, ``step()`` updates every
parameter's ``.data`` from its ``.grad`` (no graph is recorded); ``zero_grad()`` resets the
gradients, which otherwise add up across backward passes. ``lr`` may be changed between steps,
for example by a schedule such as ``LinearDecay``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from autograd import Value, arguments


class Optimizer:
    """The parameters, the learning rate, ``zero_grad()``; subclasses define ``step()``."""

    def __init__(self, parameters: Iterable[Value], lr: float) -> None:
        name = type(self).__name__
        self.parameters = list(parameters)
        for p in self.parameters:
            if not isinstance(p, Value):
                raise TypeError(f"{name}: parameters must be Values, got {type(p).__name__} {p!r}")
        if len(set(self.parameters)) != len(self.parameters):
            raise ValueError(f"{name}: a parameter is listed twice; it would be updated twice per step")
        self.lr = arguments.real(lr, f"{name}: lr", low=0.0)

    def zero_grad(self) -> None:
        """Reset every parameter's gradient to 0.0."""
        for p in self.parameters:
            p.grad = 0.0

    def gradients(self) -> list[float]:
        """Every parameter's gradient as a float; TypeError for a Value gradient (from create_graph)."""
        grads = [p.grad for p in self.parameters]
        for p, g in zip(self.parameters, grads):
            if type(g) is not float:
                raise TypeError(
                    f"{type(self).__name__}.step: the gradient of {p.label or p!r} is {type(g).__name__} {g!r}, "
                    "not a float; optimizers step on backward() without create_graph"
                )
        return grads


class SGD(Optimizer):
    """Stochastic gradient descent, with optional momentum and L2 weight decay (as torch.optim.SGD).

    g = grad + weight_decay * p;  v = momentum * v + g (v = g at the first step);  p -= lr * v
    """

    def __init__(
        self, parameters: Iterable[Value], lr: float, momentum: float = 0.0, weight_decay: float = 0.0
    ) -> None:
        super().__init__(parameters, lr)
        self.momentum = arguments.real(momentum, "SGD: momentum", low=0.0, high=1.0)
        self.weight_decay = arguments.real(weight_decay, "SGD: weight_decay", low=0.0)
        self.velocity: list[float] | None = None  # created at the first step with momentum

    def step(self) -> None:
        """Move every parameter against its gradient."""
        lr, decay, momentum = self.lr, self.weight_decay, self.momentum
        grads = self.gradients()
        if decay:
            grads = [g + decay * p.data for p, g in zip(self.parameters, grads)]
        if momentum:
            if self.velocity is None:
                self.velocity = grads
            else:
                self.velocity = [momentum * v + g for v, g in zip(self.velocity, grads)]
            grads = self.velocity
        for p, g in zip(self.parameters, grads):
            p.data -= lr * g


class Adam(Optimizer):
    """Adam with decoupled weight decay (AdamW; plain Adam when weight_decay is 0), as torch.optim.AdamW.

    p -= lr * weight_decay * p;  m, v = running means of g and g^2;
    p -= lr * m_hat / (sqrt(v_hat) + eps), where m_hat, v_hat undo the bias of starting at 0.
    """

    def __init__(
        self,
        parameters: Iterable[Value],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(parameters, lr)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise TypeError(f"Adam: betas must be a pair (beta1, beta2), got {betas!r}")
        self.betas = (arguments.real(betas[0], "Adam: beta1", 0.0, 1.0), arguments.real(betas[1], "Adam: beta2", 0.0, 1.0))
        if self.betas[0] == 1.0 or self.betas[1] == 1.0:
            raise ValueError(f"Adam: betas must be below 1, got {betas!r}")
        self.eps = arguments.real(eps, "Adam: eps", low=0.0)
        self.weight_decay = arguments.real(weight_decay, "Adam: weight_decay", low=0.0)
        self.steps = 0
        self.m = [0.0] * len(self.parameters)
        self.v = [0.0] * len(self.parameters)

    def step(self) -> None:
        """One Adam step for every parameter."""
        grads = self.gradients()
        self.steps += 1
        lr, (beta1, beta2), eps = self.lr, self.betas, self.eps
        shrink = 1.0 - lr * self.weight_decay
        step_size = lr / (1.0 - beta1**self.steps)
        root_correction = math.sqrt(1.0 - beta2**self.steps)
        for i, (p, g) in enumerate(zip(self.parameters, grads)):
            m = self.m[i] = beta1 * self.m[i] + (1.0 - beta1) * g
            v = self.v[i] = beta2 * self.v[i] + (1.0 - beta2) * g * g
            p.data = p.data * shrink - step_size * (m / (math.sqrt(v) / root_correction + eps))


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
