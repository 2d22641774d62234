"""Saving and loading models as JSON: readable, exact, atomic, and checked before anything changes.

The file holds a format name and version, the architecture (the constructor's arguments) and
every parameter by dotted name. Floats are written as ``repr`` writes them, which reads back to
the identical float. ``save`` checks every parameter, then writes with ``autograd.write_atomically``:
a crash leaves the old file or the new one, never half of one. ``load`` reads at most
``max_bytes``, parses with ``json`` only (nothing is unpickled or evaluated) and checks the whole
file before touching a model; each error says what is wrong.
"""

from __future__ import annotations

import inspect
import json
import math
import numbers
import os
from collections.abc import Mapping
from typing import Any

from autograd import Value, arguments, write_atomically

from .layers import MLP, Layer, Neuron
from .module import Module

FORMAT = "chainrule.nn"
VERSION = 1
KEYS = {"format", "version", "architecture", "parameters"}
# The models a file can hold, by the "type" their architecture() gives: the class name. An
# architecture's other keys are the constructor's arguments, all but the seed.
MODELS: dict[str, type[Neuron | Layer | MLP]] = {model.__name__: model for model in (Neuron, Layer, MLP)}
ARGUMENTS = {name: set(inspect.signature(model).parameters) - {"seed"} for name, model in MODELS.items()}
# A parameter takes about 54 bytes of the file (its dotted name, its float, the JSON around them):
# a million-parameter MLP(2, [1000, 1000, 1]) is 51 MiB. 64 MiB admits it with a quarter to spare,
# and a file far bigger than any model is refused before it is read. Raise it with load(max_bytes=).
MAX_BYTES = 64 * 2**20
SHOWN = 300  # characters of a value from the file that an error message shows


class ModelFileError(ValueError):
    """A model file that is not valid: unreadable JSON, another format or version, a mismatch."""


def save(model: Neuron | Layer | MLP, path: str | os.PathLike[str], allow_nonfinite: bool = False) -> None:
    """Write ``model`` to ``path`` as JSON, atomically, after checking that every parameter is a number.

    Non-finite parameters are refused unless ``allow_nonfinite``; any real number (an int, a NumPy
    float) is written as a float. Nothing is written when a check fails.
    """
    if type(model) not in MODELS.values():
        raise TypeError(
            f"save: can save a Neuron, Layer or MLP, got {type(model).__name__}; "
            "for other modules, store model.state_dict() yourself"
        )
    try:
        state = _floats(model.state_dict(), allow_nonfinite, "save")
    except (TypeError, ValueError) as error:
        raise type(error)(f"save: {error}") from None
    architecture = model.architecture()
    document = {"format": FORMAT, "version": VERSION, "architecture": architecture, "parameters": state}
    write_atomically(path, json.dumps(document, indent=1) + "\n")


def load(
    path: str | os.PathLike[str],
    model: Neuron | Layer | MLP | None = None,
    allow_nonfinite: bool = False,
    *,
    max_bytes: int = MAX_BYTES,
) -> Neuron | Layer | MLP:
    """Read a model saved by ``save``: a new one, or into ``model``, whose architecture must match.

    Raises ModelFileError (a ValueError) naming what is wrong: a file over ``max_bytes`` (MAX_BYTES,
    64 MiB, room for about 1.2 million parameters), not UTF-8, not JSON or cut short, a duplicate key,
    another format or version, a bad architecture, missing, extra or renamed parameters, values
    that are not numbers, or not finite (unless ``allow_nonfinite``). The model is changed only
    when the whole file is valid.
    """
    max_bytes = arguments.count(max_bytes, "load: max_bytes")
    try:
        architecture, state = _check_document(_parse(_read(path, max_bytes)))
        if model is None:
            model = _build(architecture)
        elif not isinstance(model, Module) or _architecture_of(model) != architecture:
            raise ModelFileError(f"the file holds {_describe(architecture)}, but the model is {model!r}")
        parameters = _parameters(model, state)
        floats = _floats(state, allow_nonfinite, "load")
    except (TypeError, ValueError) as error:  # ModelFileError, and _floats' errors about one parameter
        raise ModelFileError(f"load: {os.fspath(path)}: {error}") from None
    for name, parameter in parameters:  # what load_state_dict does, without checking it all again
        parameter.data = floats[name]
    return model


def _read(path: str | os.PathLike[str], max_bytes: int) -> bytes:
    """The file's bytes: refused unread when it is bigger than ``max_bytes``, and never read past that."""
    size = os.stat(path).st_size
    if size > max_bytes:
        raise ModelFileError(_too_big(f"{size} bytes, more than", max_bytes))
    with open(path, "rb") as file:
        data = file.read(max_bytes + 1)  # a file growing while read, or a pipe, stops here too
    if len(data) > max_bytes:
        raise ModelFileError(_too_big("more than", max_bytes))
    return data


def _too_big(size: str, max_bytes: int) -> str:
    """What to tell a learner whose file is over the limit: its size, the limit, and how to raise it."""
    return (
        f"the file is {size} max_bytes={max_bytes} bytes; if it is a model that big, pass a larger "
        f"max_bytes to load (the default, nn.io.MAX_BYTES, is {MAX_BYTES // 2**20} MiB)"
    )


def _parse(data: bytes) -> Any:
    """The JSON document in ``data``, or a ModelFileError saying why the bytes are not one."""
    if not data:
        raise ModelFileError("the file is empty")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        byte = f"0x{data[error.start]:02x}"
        raise ModelFileError(f"not UTF-8 text (byte {byte} at position {error.start})") from None
    try:
        return json.loads(text, object_pairs_hook=_no_duplicate_keys)
    except ModelFileError:
        raise
    except json.JSONDecodeError as error:
        raise ModelFileError(
            f"not JSON, or cut short: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from None
    except ValueError as error:  # an integer of more than 4300 digits
        raise ModelFileError(f"not JSON that Python can read: {arguments.shown(str(error), SHOWN)}") from None
    except RecursionError:
        raise ModelFileError("nested too deeply to be a model file") from None


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """json's hook for each object: a dict, unless a key appears twice (found in linear time)."""
    document = dict(pairs)
    if len(document) < len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ModelFileError(f"the key {arguments.shown_object(key, SHOWN)} appears more than once")
            seen.add(key)
    return document


def _check_document(document: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The architecture and the parameters, after checking all but the parameters' names and values."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ModelFileError(f'not a chainrule model file (no "format": {FORMAT!r})')
    version = document.get("version")
    if type(version) is not int or version != VERSION:
        raise ModelFileError(
            f"unsupported format version {arguments.shown_object(version, SHOWN)} (this chainrule reads version {VERSION})"
        )
    _check_keys("model files", KEYS, document)
    architecture, state = document["architecture"], document["parameters"]
    if not isinstance(state, dict):
        raise ModelFileError(f'"parameters" must map names to numbers, got {type(state).__name__}')
    expected = _parameter_count(architecture)
    if len(state) != expected:
        raise ModelFileError(
            f"the architecture ({_describe(architecture)}) has {expected} parameters, "
            f"but the file lists {len(state)}"
        )
    return architecture, state


def _check_keys(what: str, expected: set[str], found: dict[str, Any]) -> None:
    """Nothing, or an error naming the keys ``found`` misses and those it should not have."""
    wrong = {"misses": sorted(expected - set(found)), "also has": sorted(set(found) - expected)}
    faults = " and ".join(f"{verb} {arguments.shown_object(keys, SHOWN)}" for verb, keys in wrong.items() if keys)
    if faults:
        raise ModelFileError(f"{what} have the keys {sorted(expected)}; this one {faults}")


def _parameter_count(architecture: Any) -> int:
    """How many parameters the architecture has, checked by its model class before anything that big is built."""
    if not isinstance(architecture, dict):
        raise ModelFileError(f"bad architecture: it must be an object, got {type(architecture).__name__}")
    kind = architecture.get("type")
    if not isinstance(kind, str) or kind not in MODELS:
        raise ModelFileError(
            f'bad architecture: "type" must be one of {sorted(MODELS)}, got {arguments.shown_object(kind, SHOWN)}'
        )
    _check_keys(f"bad architecture: {kind} architectures", ARGUMENTS[kind] | {"type"}, architecture)
    try:
        return MODELS[kind].parameter_count(architecture)
    except (TypeError, ValueError) as error:
        raise ModelFileError(f"bad architecture: {arguments.shown(str(error), SHOWN)}") from None


def _build(architecture: dict[str, Any]) -> Neuron | Layer | MLP:
    """A new model of an architecture that ``_parameter_count`` has checked."""
    return MODELS[architecture["type"]](**{k: v for k, v in architecture.items() if k != "type"})


def _parameters(model: Module, state: dict[str, Any]) -> list[tuple[str, Value]]:
    """The model's named parameters, once checked that the file names exactly these."""
    named = model.named_parameters()
    names = [name for name, _ in named]
    known = set(names)
    unknown = [key for key in state if key not in known]
    missing = [name for name in names if name not in state]
    if unknown or missing:
        raise ModelFileError(
            f"the parameter names do not match {model!r}: the file has {len(unknown)} unknown"
            f"{_example(unknown)} and misses {len(missing)}{_example(missing)}"
        )
    return named


def _example(names: list[str]) -> str:
    """The first of ``names``, cut short, for an error message."""
    return f" (such as {arguments.shown_object(names[0], SHOWN)})" if names else ""


def _floats(state: Mapping[str, Any], allow_nonfinite: bool, verb: str) -> dict[str, float]:
    """Every parameter as a float: a TypeError naming one that is no number, a ValueError if not finite."""
    floats = {name: _float(name, value) for name, value in state.items()}
    bad = [name for name, number in floats.items() if not math.isfinite(number)]
    if bad and not allow_nonfinite:
        raise ValueError(
            f"{len(bad)} {'parameter is' if len(bad) == 1 else 'parameters are'} not finite "
            f"({bad[0]} = {floats[bad[0]]!r}); "
            f"pass allow_nonfinite=True to {verb} them anyway"
        )
    return floats


def _float(name: str, value: Any) -> float:
    """One parameter's value as a float, or an error naming the parameter."""
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise TypeError(f"parameter {name} is {type(value).__name__} {arguments.shown_object(value, SHOWN)}, not a number")
    try:
        return float(value)
    except OverflowError:
        raise ValueError(f"parameter {name} = {arguments.shown_object(value, SHOWN)} is too large for a float") from None


def _architecture_of(model: Module) -> Any:
    architecture = getattr(model, "architecture", None)
    return architecture() if callable(architecture) else None


def _describe(architecture: dict[str, Any]) -> str:
    return arguments.shown(", ".join(f"{key}={value!r}" for key, value in architecture.items()), SHOWN)
