"""The Module base class: finds a model's parameters by name, zeroes them, saves and restores them.

A module's parameters are the Values among its attributes, in the order they were assigned,
looking inside sub-modules and lists: ``layers.0.neurons.3.w.1`` is ``self.layers[0].neurons[3].w[1]``.
Each parameter carries that dotted name as its label, so drawings and errors name it.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterator, Mapping
from typing import Any

from autograd import Value, arguments, language


class Module:
    """Base class of Neuron, Layer and MLP; subclass it for your own models.

    Attributes that are Values, Modules, or lists/tuples of them are found automatically;
    names starting with ``_`` are private and skipped. Call ``label_parameters()`` at the end
    of ``__init__`` so the parameters carry their names.
    """

    def named_parameters(self) -> list[tuple[str, Value]]:
        """(dotted name, parameter) pairs in a fixed order; a Value reachable twice is listed once."""
        seen: set[Value] = set()
        named = []
        for name, value in _walk(self, ""):
            if value not in seen:
                seen.add(value)
                named.append((name, value))
        return named

    def parameters(self) -> list[Value]:
        """The parameters, in the order of ``named_parameters()``."""
        return [value for _, value in self.named_parameters()]

    def num_parameters(self) -> int:
        """How many numbers the model learns."""
        return len(self.named_parameters())

    def zero_grad(self) -> None:
        """Reset every parameter's gradient to 0.0 (gradients accumulate across ``backward()`` calls)."""
        for p in self.parameters():
            p.grad = 0.0

    def label_parameters(self) -> None:
        """Set each parameter's label to its dotted name, e.g. ``layers.0.neurons.3.b``."""
        for name, p in self.named_parameters():
            p.label = name

    def state_dict(self) -> dict[str, float]:
        """The parameters' numbers by dotted name, in order: what ``nn.save`` writes."""
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, Any], allow_nonfinite: bool = False) -> None:
        """Set every parameter from ``state``; check all of it first, so a bad state changes nothing.

        ``state`` must name exactly this module's parameters, each with a real number (finite
        unless ``allow_nonfinite``). Gradients are left as they are.
        """
        if not isinstance(state, Mapping):
            raise TypeError(f"load_state_dict: state must be a mapping of names to numbers, got {type(state).__name__}")
        named = self.named_parameters()
        names = [name for name, _ in named]
        missing = [name for name in names if name not in state]
        known = set(names)
        unexpected = [key for key in state if key not in known]
        if missing or unexpected:
            raise ValueError(
                f"load_state_dict: {type(self).__name__} has {len(names)} parameters; the state misses "
                f"{len(missing)} {_some(missing)} and has {len(unexpected)} unexpected {_some(unexpected)}"
            )
        values = [_parameter_value(name, state[name], allow_nonfinite) for name in names]
        for (_, p), number in zip(named, values):
            p.data = number

    def __repr__(self) -> str:
        return f"{type(self).__name__}({counted('parameter', self.num_parameters())})"


def counted(what: str, count: int) -> str:
    """``count`` inputs or parameters, as a module's repr says it in the language in effect."""
    return language.text(f"module.{what}" if count == 1 else f"module.{what}s", count=count)


def _walk(obj: Any, name: str) -> Iterator[tuple[str, Value]]:
    """Yield (name, Value) for every Value inside ``obj`` (a Value, Module, list or tuple)."""
    if isinstance(obj, Value):
        yield name, obj
    elif isinstance(obj, Module):
        prefix = f"{name}." if name else ""
        for attr, member in vars(obj).items():
            if not attr.startswith("_"):
                yield from _walk(member, prefix + attr)
    elif isinstance(obj, (list, tuple)):
        for index, item in enumerate(obj):
            yield from _walk(item, f"{name}.{index}")


def _parameter_value(name: str, value: Any, allow_nonfinite: bool) -> float:
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise TypeError(
            f"load_state_dict: {name} must be a real number, got {type(value).__name__} {arguments.shown_object(value)}"
        )
    try:
        number = float(value)
    except OverflowError:
        raise ValueError(f"load_state_dict: {name} = {arguments.shown_object(value)} is too large for a float") from None
    if not (allow_nonfinite or math.isfinite(number)):
        raise ValueError(f"load_state_dict: {name} = {number!r} is not finite (pass allow_nonfinite=True to accept)")
    return number


def _some(names: list[Any]) -> str:
    """A short, readable sample of a list of names for an error message."""
    shown = ", ".join(arguments.shown_object(n) for n in names[:3])
    return f"[{shown}{', ...' if len(names) > 3 else ''}]"
