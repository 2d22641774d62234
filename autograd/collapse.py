"""Grouping a graph's nodes into module boxes (one per neuron or per layer) for a collapsed drawing.

The engine knows nothing about modules; the parameters' labels do. ``nn`` labels each parameter
with its dotted name (``layers.0.neurons.3.w.1``, ``layers.0.neurons.3.b``), so the label's prefix
names the neuron (``layers.0.neurons.3``) and the layer (``layers.0``) that own it.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from .value import Value

LEVELS: dict[str, re.Pattern[str]] = {
    "neuron": re.compile(r"^(.*?\bneurons\.\d+)\."),
    "layer": re.compile(r"^(.*?\blayers\.\d+)\."),
}


def group_nodes(order: list[Value], params: Collection[Value], level: str) -> dict[Value, str]:
    """Map every node that belongs inside a box to the box's name; other nodes stay visible.

    ``order`` lists children before parents (``topological_order``). A parameter belongs to the
    box its label names. An op node belongs to a box when one of its direct inputs is a
    parameter of that box (and none of another box), or when all its op inputs are in that box.
    An unlabelled constant whose users are all in one box goes inside it; labelled inputs stay out.
    """
    pattern = LEVELS[level]
    group: dict[Value, str] = {}
    for param in params:
        match = pattern.match(param.label)
        if match:
            group[param] = match.group(1)
    for node in order:
        if node.op is None:
            continue
        owners = {group[child] for child in node.children if child in params and child in group}
        if not owners:
            owners = {group.get(child) for child in node.children if child.op is not None}
        if len(owners) == 1 and None not in owners:
            group[node] = owners.pop()
    users: dict[Value, set[str | None]] = {}
    for node in order:
        for child in node.children:
            if child.op is None and not child.label and child not in params:
                users.setdefault(child, set()).add(group.get(node))
    for constant, owners in users.items():
        if len(owners) == 1 and None not in owners:
            group[constant] = owners.pop()
    return group
