"""Saving and loading models as JSON: readable, exact, atomic, and checked before anything changes.

The file holds a format name and version, the architecture (the constructor's arguments) and
every parameter by dotted name. Floats are written as ``repr`` writes them, which reads back to
the identical float. ``save`` writes a temporary file and renames it over the target, so a
crash leaves the old file or the new one, never half of one. ``load`` parses with ``json``
only (nothing is unpickled or evaluated) and checks the whole file before touching a model.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

from autograd import write_atomically

from .checks import count
from .layers import MLP, Layer, Neuron
from .module import Module

FORMAT = "chainrule.nn"
VERSION = 1
MODELS: dict[str, type[Module]] = {"Neuron": Neuron, "Layer": Layer, "MLP": MLP}
ARGUMENTS = {  # the architecture's keys for each model type, besides "type"
    "Neuron": {"nin", "activation"},
    "Layer": {"nin", "nout", "activation"},
    "MLP": {"nin", "sizes", "activation", "output_activation"},
}


class ModelFileError(ValueError):
    """A model file that is not valid: unreadable JSON, another format or version, a mismatch."""


def save(model: Neuron | Layer | MLP, path: str | os.PathLike[str], allow_nonfinite: bool = False) -> None:
    """Write ``model`` to ``path`` as JSON, atomically. Non-finite parameters are refused unless allowed."""
    if type(model) not in MODELS.values():
        raise TypeError(
            f"save: can save a Neuron, Layer or MLP, got {type(model).__name__}; "
            "for other modules, store model.state_dict() yourself"
        )
    state = model.state_dict()
    bad = [name for name, number in state.items() if not math.isfinite(number)]
    if bad and not allow_nonfinite:
        raise ValueError(
            f"save: {len(bad)} parameters are not finite ({bad[0]} = {state[bad[0]]!r}); "
            "pass allow_nonfinite=True to save them anyway"
        )
    document = {"format": FORMAT, "version": VERSION, "architecture": model.architecture(), "parameters": state}
    write_atomically(path, json.dumps(document, indent=1) + "\n")


def load(
    path: str | os.PathLike[str], model: Neuron | Layer | MLP | None = None, allow_nonfinite: bool = False
) -> Neuron | Layer | MLP:
    """Read a model saved by ``save``: a new one, or into ``model``, whose architecture must match.

    Raises ModelFileError (a ValueError) for a file that is truncated, not JSON, of another
    format or version, of another architecture, with missing, extra or duplicate parameters,
    or with numbers that are not finite (unless ``allow_nonfinite``) or not numbers at all.
    The model is changed only when the whole file is valid.
    """
    where = f"load: {os.fspath(path)!s}"
    try:
        document = json.loads(
            Path(path).read_bytes(),
            object_pairs_hook=_no_duplicate_keys,
            parse_constant=_nonfinite(allow_nonfinite),
        )
    except (ValueError, RecursionError) as error:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise ModelFileError(f"{where}: not a readable model file (truncated or not JSON?): {error}") from None
    try:
        architecture, state = _check_document(document)
        if model is None:
            model = MODELS[architecture["type"]](**{k: v for k, v in architecture.items() if k != "type"})
        elif not isinstance(model, Module) or _architecture_of(model) != architecture:
            raise ValueError(f"the file holds {_describe(architecture)}, but the model is {model!r}")
        model.load_state_dict(state, allow_nonfinite)
    except (TypeError, ValueError) as error:
        raise ModelFileError(f"{where}: {error}") from None
    return model


def _check_document(document: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The architecture and the parameters, after checking everything but the parameters' values."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f"not a chainrule model file (no \"format\": {FORMAT!r})")
    if document.get("version") != VERSION or type(document.get("version")) is not int:
        raise ValueError(f"unsupported format version {document.get('version')!r} (this chainrule reads {VERSION})")
    if set(document) != {"format", "version", "architecture", "parameters"}:
        raise ValueError(f"unexpected keys {sorted(set(document) - {'format', 'version', 'architecture', 'parameters'})}")
    architecture, state = document["architecture"], document["parameters"]
    if not isinstance(state, dict):
        raise ValueError(f"\"parameters\" must be an object of names to numbers, got {type(state).__name__}")
    expected = _parameter_count(architecture)
    if len(state) != expected:
        raise ValueError(f"{_describe(architecture)} has {expected} parameters, but the file lists {len(state)}")
    return architecture, state


def _parameter_count(architecture: Any) -> int:
    """How many parameters the architecture has, computed before building anything that big."""
    if not isinstance(architecture, dict) or architecture.get("type") not in MODELS:
        raise ValueError(f"\"architecture\" must name one of {sorted(MODELS)}, got {architecture!r}")
    kind = architecture["type"]
    if set(architecture) - {"type"} != ARGUMENTS[kind]:
        raise ValueError(f"a {kind} architecture has keys {sorted(ARGUMENTS[kind])}, got {sorted(architecture)}")
    if kind == "MLP":
        sizes = architecture["sizes"]
        if not isinstance(sizes, list) or not sizes:
            raise ValueError(f"MLP sizes must be a non-empty list, got {sizes!r}")
        widths = [architecture["nin"], *sizes]
    else:
        widths = [architecture["nin"], architecture.get("nout", 1)]
    widths = [count(width, f"{kind} layer width") for width in widths]
    return sum((n_in + 1) * n_out for n_in, n_out in zip(widths, widths[1:]))


def _architecture_of(model: Module) -> Any:
    architecture = getattr(model, "architecture", None)
    return architecture() if callable(architecture) else None


def _describe(architecture: dict[str, Any]) -> str:
    return ", ".join(f"{key}={value!r}" for key, value in architecture.items())


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        duplicates = sorted({key for key in keys if keys.count(key) > 1})
        raise ValueError(f"duplicate keys {duplicates[:3]}")
    return dict(pairs)


def _nonfinite(allowed: bool) -> Any:
    """json's hook for NaN, Infinity and -Infinity: refuse them unless allowed."""

    def parse(name: str) -> float:
        if not allowed:
            raise ValueError(f"non-finite number {name} (pass allow_nonfinite=True to accept)")
        return float(name.replace("Infinity", "inf"))

    return parse

