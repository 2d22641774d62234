"""The chain rule in numbers: a gradient is the sum, over every path, of the product along the path.

``explain(L, w)`` lists each path from ``L`` down to ``w`` with its local derivatives, e.g.
``dL/dw = (1.0)(-0.3)(2.0) + (1.0)(0.5)(1.0) = -0.1``, and checks the total against backward.
Paths can number 2**depth, so they are counted and ranked by dynamic programming, never
enumerated beyond ``max_paths``: the work is about (edges × max_paths), whatever the count.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from .backward import backpropagate, topological_order
from .format import format_number, node_names
from .trace import local_derivatives
from .value import Value

DEFAULT_MAX_PATHS = 20
SHOWN_FACTORS = 12  # a longer path is printed with its middle elided


@dataclass(frozen=True, slots=True)
class Path:
    """One path from the root down to the leaf: its nodes, the factors along it, and their product.

    ``factors[0]`` is the seed d(root)/d(root) = 1.0; each further factor is the local
    derivative of one edge. ``inputs[i]`` says which input of ``nodes[i]`` the edge leaves by,
    which tells apart the two paths through ``a * a``.
    """

    nodes: tuple[Value, ...]
    inputs: tuple[int, ...]
    factors: tuple[float, ...]
    product: float


@dataclass(frozen=True)
class Explanation:
    """dL/d(leaf) written out as a sum over paths, and whether it matches the backward pass."""

    root: Value
    leaf: Value
    paths: tuple[Path, ...]  # all paths, or the largest contributions when there are too many
    path_count: int
    total: float  # the sum over all paths
    gradient: float  # what backward computes
    abs_total: float  # the sum over all paths of |product|: the scale of the rounding errors
    names: dict[Value, str]
    precision: int

    @property
    def complete(self) -> bool:
        """True when every path is listed, not only the largest ones."""
        return len(self.paths) == self.path_count

    @property
    def matches(self) -> bool:
        """True when the sum over paths equals backward's gradient (up to rounding of the sums)."""
        if math.isnan(self.total) or math.isnan(self.gradient):
            return math.isnan(self.total) and math.isnan(self.gradient)
        if math.isinf(self.total) or math.isinf(self.gradient):
            return self.total == self.gradient
        return abs(self.total - self.gradient) <= 1e-9 * self.abs_total

    def __str__(self) -> str:
        r, w = self.names[self.root], self.names[self.leaf]
        number = self._number
        grad = f"d{r}/d{w}"
        if self.path_count == 0:
            lines = [f"{grad} = 0.0: {r} does not depend on {w} (there is no path from {r} to {w})."]
        elif self.complete:
            terms = " + ".join(self._factors_text(path) for path in self.paths)
            lines = [f"{grad} = {terms} = {number(self.total)}", "  one term per path:"]
        else:
            lines = [
                f"{grad} is a sum over {self.path_count:,} paths, "
                f"too many to list (max_paths={len(self.paths)}).",
                f"  the {len(self.paths)} largest contributions:",
            ]
        lines += [
            f"    {self._path_text(path)}: {self._factors_text(path)} = {number(path.product)}"
            for path in self.paths
        ]
        if self.path_count and not self.complete:
            lines.append(f"  sum over all {self.path_count:,} paths = {number(self.total)}")
        verdict = "the same" if self.matches else "DIFFERENT: please report this as a bug"
        lines.append(f"backward() gives {grad} = {number(self.gradient)}: {verdict}.")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"<Explanation d{self.names[self.root]}/d{self.names[self.leaf]} = {self._number(self.total)} "
            f"over {self.path_count:,} paths>"
        )

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))  # IPython and Jupyter show the explanation itself

    def _number(self, x: float) -> str:
        return format_number(x, self.precision)

    def _factors_text(self, path: Path) -> str:
        factors = [f"({self._number(f)})" for f in path.factors]
        if len(factors) > SHOWN_FACTORS:
            half = SHOWN_FACTORS // 2
            factors[half:-half] = [f"…{len(factors) - 2 * half} more…"]
        return "".join(factors)

    def _path_text(self, path: Path) -> str:
        names = [self.names[node] for node in path.nodes]
        for i, (parent, index) in enumerate(zip(path.nodes, path.inputs)):
            if parent.children.count(path.nodes[i + 1]) > 1:
                names[i + 1] += f" (input {index + 1})"
        if len(names) > SHOWN_FACTORS:
            half = SHOWN_FACTORS // 2
            names[half:-half] = ["…"]
        return " → ".join(names)


def explain(
    root: Value, leaf: Value, *, max_paths: int = DEFAULT_MAX_PATHS, precision: int = 4
) -> Explanation:
    """Write d(root)/d(leaf) as a sum over paths of products of local derivatives, checked against backward.

    With up to ``max_paths`` paths all are listed, in the order of the children; with more, the
    paths are counted and the ``max_paths`` largest contributions (by absolute value) are shown.
    """
    for name, value in (("root", root), ("leaf", leaf)):
        if not isinstance(value, Value):
            raise TypeError(f"explain: {name} must be a Value, got {type(value).__name__} {value!r}")
    if not isinstance(max_paths, int) or isinstance(max_paths, bool) or max_paths < 1:
        raise ValueError(f"explain: max_paths must be a whole number >= 1, got {max_paths!r}")
    order = topological_order([root])
    count: dict[Value, int] = {}  # number of paths from a node down to the leaf
    total: dict[Value, float] = {}  # d(node)/d(leaf): the sum over those paths of their products
    size: dict[Value, float] = {}  # the sum over those paths of |product|
    best: dict[Value, list[tuple[float, Any]]] = {}  # up to max_paths (product, chain) pairs, largest first
    for node in order:  # children before parents
        if node is leaf:
            count[node], total[node], size[node], best[node] = 1, 1.0, 1.0, [(1.0, (node, None))]
            continue
        count[node], total[node], size[node], candidates = 0, 0.0, 0.0, []
        for index, (child, local) in enumerate(zip(node.children, local_derivatives(node))):
            if count[child]:
                count[node] += count[child]
                total[node] += local * total[child]
                size[node] += abs(local) * size[child]
                candidates += [
                    (local * product, (node, (index, local, chain))) for product, chain in best[child]
                ]
        if count[node] > max_paths:
            candidates.sort(key=lambda candidate: _magnitude(candidate[0]), reverse=True)
        best[node] = candidates[:max_paths]
    seed = 1.0
    gradient = backpropagate([root], [seed]).get(leaf, 0.0)
    return Explanation(
        root=root,
        leaf=leaf,
        paths=tuple(_path(seed, product, chain) for product, chain in best[root]),
        path_count=count[root],
        total=seed * total[root],
        gradient=gradient,
        abs_total=size[root],
        names=node_names(order, root) | ({} if leaf in count else {leaf: leaf.label or "x"}),
        precision=precision,
    )


def _magnitude(product: float) -> float:
    """How large a contribution is; a NaN ranks first, since it spoils the whole sum."""
    return math.inf if math.isnan(product) else abs(product)


def _path(seed: float, product: float, chain: Any) -> Path:
    """Unroll a shared-suffix chain ``(node, (input, local, (node, ... (leaf, None))))`` into a Path."""
    nodes, inputs, factors = [], [], [seed]
    while True:
        node, rest = chain
        nodes.append(node)
        if rest is None:
            return Path(tuple(nodes), tuple(inputs), tuple(factors), seed * product)
        index, local, chain = rest
        inputs.append(index)
        factors.append(local)
