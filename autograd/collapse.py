"""Grouping a graph's nodes into boxes (one per neuron or layer, say) for a collapsed drawing.

A grouping is a function from a parameter to the name of its group, or None. ``draw_dot(collapse=...)``
takes one directly, or by a name it was registered under: the engine knows nothing about modules,
and ``nn`` registers ``"neuron"`` and ``"layer"``, read from its parameters' labels, when imported.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from .messages import shown_object
from .value import Value

Grouping = Callable[[Value], str | None]

GROUPINGS: dict[str, Grouping] = {}


def register_grouping(name: str, grouping: Grouping) -> None:
    """Let ``draw_dot(..., collapse=name)`` draw one box per group that ``grouping`` names."""
    if not isinstance(name, str) or not callable(grouping):
        raise TypeError(
            f"register_grouping: needs a name (a str) and a function, "
            f"got {type(name).__name__} and {type(grouping).__name__}"
        )
    GROUPINGS[name] = grouping


def find_grouping(collapse: str | Grouping) -> Grouping:
    """The grouping ``collapse`` stands for: a function, or the name of a registered one."""
    if callable(collapse):
        return collapse
    if isinstance(collapse, str) and collapse in GROUPINGS:
        return GROUPINGS[collapse]
    names = " or ".join(map(repr, GROUPINGS)) or "a registered name (import nn for 'neuron', 'layer')"
    raise ValueError(
        f"draw_dot: collapse must be None, {names}, or a function from a parameter to its group's name, "
        f"got {collapse!r}"
    )


def group_nodes(order: list[Value], params: Collection[Value], grouping: Grouping) -> dict[Value, str]:
    """Map every node that belongs inside a box to the box's name; other nodes stay visible.

    ``order`` lists children before parents (``topological_order``). A parameter belongs to the
    box ``grouping`` names. An op node belongs to a box when one of its direct inputs is a
    parameter of that box (and none of another box), or when all its op inputs are in that box.
    An unlabelled constant whose users are all in one box goes inside it; labelled inputs stay out.
    """
    group: dict[Value, str] = {}
    for param in params:
        name = grouping(param)
        if not isinstance(name, str | None):
            raise TypeError(
                f"draw_dot: collapse's function must give a group name (a str) or None, "
                f"got {type(name).__name__} {shown_object(name)} for {param!r}"
            )
        if name is not None:
            group[param] = name
    for node in order:
        if node.op is None:
            continue
        direct = {group[child] for child in node.children if child in params and child in group}
        owner = _sole(direct or {group.get(child) for child in node.children if child.op is not None})
        if owner is not None:
            group[node] = owner
    users: dict[Value, set[str | None]] = {}
    for node in order:
        for child in node.children:
            if child.op is None and not child.label and child not in params:
                users.setdefault(child, set()).add(group.get(node))
    for constant, owners in users.items():
        owner = _sole(owners)
        if owner is not None:
            group[constant] = owner
    return group


def _sole(owners: Collection[str | None]) -> str | None:
    """The one box that all of ``owners`` are, or None when they are several or outside every box."""
    return next(iter(owners)) if len(owners) == 1 else None
