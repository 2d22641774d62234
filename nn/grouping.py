"""The neuron and the layer a parameter belongs to, read from its label, for collapsed drawings.

Each parameter of a model is labelled with its dotted name (``layers.0.neurons.3.w.1``, see
``Module``), so the label's prefix names its neuron (``layers.0.neurons.3``) and its layer
(``layers.0``). Importing nn registers both: ``draw_dot(out, params=model.parameters(), collapse="neuron")``.
"""

from __future__ import annotations

import re

from autograd import Value, register_grouping

NEURON = re.compile(r"^(.*?\bneurons\.\d+)\.")
LAYER = re.compile(r"^(.*?\blayers\.\d+)\.")


def neuron_of(param: Value) -> str | None:
    """``layers.0.neurons.3`` for the parameter labelled ``layers.0.neurons.3.w.1``; None outside a neuron."""
    match = NEURON.match(param.label)
    return match.group(1) if match else None


def layer_of(param: Value) -> str | None:
    """``layers.0`` for the parameter labelled ``layers.0.neurons.3.w.1``; None outside a layer."""
    match = LAYER.match(param.label)
    return match.group(1) if match else None


register_grouping("neuron", neuron_of)
register_grouping("layer", layer_of)
