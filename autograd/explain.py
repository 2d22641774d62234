"""The chain rule in numbers: a gradient is the sum, over every path, of the product along the path.

``explain(L, w)`` lists each path from ``L`` down to ``w`` with its local derivatives, one factor
per edge, e.g. ``dL/dw = (1.0)(-0.3)(2.0) + (1.0)(0.5)(1.0) = -0.1``, then each of those local
derivatives by its rule (``∂t/∂h = 1 − t² = 0.94``), and checks the total against backward.
Paths can number 2**depth, so they are counted by dynamic programming and never enumerated
beyond ``max_paths``: the largest are found best first, in work about (max_paths × path length)
whatever the count, and a request past ``MAX_PATH_STEPS`` is refused at once.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from typing import Any

from .backward import topological_order
from .format import format_number, local_derivative, node_names
from .language import resolve, text
from .messages import shown_object
from .trace import trace_backward
from .value import Value

DEFAULT_MAX_PATHS = 20
MAX_PATH_STEPS = 1_000_000  # paths listed × their length: at most about 150 MB and 3 s
SHOWN_FACTORS = 12  # a longer path is printed with its middle elided
SHOWN_RULES = 12  # local derivatives written out by their rule, at most


@dataclass(frozen=True, slots=True)
class PathTerm:
    """One term of the sum: a path from the root down to the leaf, its factors, and their product.

    ``factors[i]`` is the local derivative of the edge from ``nodes[i]`` to ``nodes[i + 1]``;
    ``inputs[i]`` says which input of ``nodes[i]`` that edge leaves by, which tells apart the two
    paths through ``a * a``. The path from the root to itself has no edge and the product 1.0.
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
    paths: tuple[PathTerm, ...]  # all paths, or the largest contributions when there are too many
    path_count: int
    total: float  # the sum over all paths
    gradient: float  # what backward computes
    abs_total: float  # the sum over all paths of |product|: the scale of the rounding errors
    names: dict[Value, str]
    precision: int
    lang: str  # the language of the written explanation

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
            lines = [self._text("explain.no_path", grad=grad, r=r, w=w)]
        elif self.root is self.leaf:
            lines = [self._text("explain.itself", grad=grad, r=r)]
        elif self.complete:
            terms = " + ".join(self._factors_text(path) for path in self.paths)
            lines = [f"{grad} = {terms} = {number(self.total)}", self._text("explain.terms")]
        else:
            lines = [
                self._text("explain.too_many", grad=grad, count=f"{self.path_count:,}", listed=len(self.paths)),
                self._text("explain.largest", listed=len(self.paths)),
            ]
        lines += [
            f"    {self._path_text(path)}: {self._factors_text(path)} = {number(path.product)}"
            for path in self.paths
            if path.factors
        ]
        if self.path_count and not self.complete:
            lines.append(self._text("explain.sum_all", count=f"{self.path_count:,}", total=number(self.total)))
        lines += self._rules_text()
        verdict = "explain.same" if self.matches else "explain.different"
        lines.append(self._text(verdict, grad=grad, gradient=number(self.gradient)))
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"<Explanation d{self.names[self.root]}/d{self.names[self.leaf]} = {self._number(self.total)} "
            f"over {self.path_count:,} paths>"
        )

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))  # IPython and Jupyter show the explanation itself

    def _text(self, key: str, **fields: object) -> str:
        return text(key, self.lang, **fields)

    def _number(self, x: float) -> str:
        return format_number(x, self.precision)

    def _factors_text(self, path: PathTerm) -> str:
        factors = [f"({self._number(f)})" for f in path.factors]
        if len(factors) > SHOWN_FACTORS:
            half = SHOWN_FACTORS // 2
            factors[half:-half] = [self._text("explain.more_factors", count=len(factors) - 2 * half)]
        return "".join(factors)

    def _rules_text(self) -> list[str]:
        """Each edge on the listed paths once, its local derivative by rule and value (``∂t/∂h = 1 − t² = 0.94``)."""
        edges = dict.fromkeys(
            (node, index, local)
            for path in self.paths
            for node, index, local in zip(path.nodes, path.inputs, path.factors)
        )
        if not edges:
            return []
        lines = [self._text("explain.rules")]
        for node, index, local in list(edges)[:SHOWN_RULES]:
            rule = local_derivative(node, index, local, self.names, self.precision)
            twice = node.children.count(node.children[index]) > 1
            which = f" ({self._text('explain.input', k=index + 1)})" if twice else ""
            lines.append(f"    {rule}{which}")
        if len(edges) > SHOWN_RULES:
            lines.append(f"    {self._text('explain.more', count=len(edges) - SHOWN_RULES)}")
        return lines

    def _path_text(self, path: PathTerm) -> str:
        names = [self.names[node] for node in path.nodes]
        for i, (parent, index) in enumerate(zip(path.nodes, path.inputs)):
            if parent.children.count(path.nodes[i + 1]) > 1:
                names[i + 1] += f" ({self._text('explain.input', k=index + 1)})"
        if len(names) > SHOWN_FACTORS:
            half = SHOWN_FACTORS // 2
            names[half:-half] = ["…"]
        return " → ".join(names)


def explain(
    root: Value, leaf: Value, *, max_paths: int = DEFAULT_MAX_PATHS, precision: int = 4, lang: str | None = None
) -> Explanation:
    """Write d(root)/d(leaf) as a sum over paths of products of local derivatives, checked against backward.

    With up to ``max_paths`` paths all are listed, in the order of the children; with more, the
    paths are counted and the ``max_paths`` largest contributions (by absolute value) are shown.
    Listing costs about (paths listed × path length) steps; past ``MAX_PATH_STEPS`` it refuses at
    once, before doing that work. The text is written in ``lang`` (default: ``set_language``'s).
    """
    lang = resolve(lang)
    for name, value in (("root", root), ("leaf", leaf)):
        if not isinstance(value, Value):
            raise TypeError(f"explain: {name} must be a Value, got {type(value).__name__} {shown_object(value)}")
    for name, number in (("max_paths", max_paths), ("precision", precision)):
        if not isinstance(number, int) or isinstance(number, bool) or number < 1:
            raise ValueError(f"explain: {name} must be a whole number >= 1, got {shown_object(number)}")
    order = topological_order([root])
    trace = trace_backward(root)  # the backward pass itself: its local derivatives and its gradients
    paths = _PathCounts(order, leaf, {step.node: [edge.local for edge in step.edges] for step in trace.steps})
    listed = min(max_paths, paths.count[root])
    steps = listed * (paths.length[root] + 1)
    if steps > MAX_PATH_STEPS:
        raise ValueError(
            f"explain: listing {listed:,} paths of up to {paths.length[root]:,} edges is {steps:,} steps, "
            f"more than MAX_PATH_STEPS={MAX_PATH_STEPS:,}. Ask for fewer paths (max_paths), or explain "
            "a shorter stretch of the graph (an intermediate Value as the root or the leaf)."
        )
    if paths.count[root] <= max_paths:
        chains = paths.all_from(root)
    else:
        chains = paths.largest_from(root, max_paths)
    gradient = trace.replay().get(leaf, 0.0)  # the seed is 1.0, so a path's product is its contribution
    return Explanation(
        root=root,
        leaf=leaf,
        paths=tuple(_path(chain) for chain in chains),
        path_count=paths.count[root],
        total=paths.total[root],
        gradient=gradient,
        abs_total=paths.size[root],
        names=node_names(order, root) | ({} if leaf in paths.count else {leaf: leaf.label or "x"}),
        precision=precision,
        lang=lang,
    )


Chain = tuple[Value, tuple[int, float, "Chain"] | None]
"""A path as nested pairs: ``(node, (input, local, rest))`` down to ``(leaf, None)``."""


class _PathCounts:
    """Per node, by dynamic programming over the paths down to one leaf (children before parents):
    how many there are, the sum and the sum of |products|, the longest, and the largest |product|."""

    def __init__(self, order: list[Value], leaf: Value, local: dict[Value, list[float]]) -> None:
        self.leaf = leaf
        self.count: dict[Value, int] = {}
        self.total: dict[Value, float] = {}  # d(node)/d(leaf)
        self.size: dict[Value, float] = {}  # the scale of the rounding errors in total
        self.length: dict[Value, int] = {}
        self.top: dict[Value, float] = {}  # the largest |product| of a path down from the node
        self.edges: dict[Value, list[tuple[int, Value, float]]] = {}  # the edges that lead to the leaf
        for node in order:
            if node is leaf:
                self.count[node], self.total[node], self.size[node], self.length[node] = 1, 1.0, 1.0, 0
                self.top[node], self.edges[node] = 1.0, []
                continue
            edges = [(index, child, d)
                     for index, (child, d) in enumerate(zip(node.children, local.get(node, ())))
                     if self.count[child]]
            self.edges[node] = edges
            self.count[node] = sum(self.count[child] for _, child, _ in edges)
            self.total[node] = sum((local * self.total[child] for _, child, local in edges), 0.0)
            self.size[node] = sum((abs(local) * self.size[child] for _, child, local in edges), 0.0)
            self.length[node] = max((1 + self.length[child] for _, child, _ in edges), default=0)
            self.top[node] = max((_bound(local, self.top[child]) for _, child, local in edges), default=0.0)

    def all_from(self, root: Value) -> list[Chain]:
        """Every path from ``root`` down to the leaf, in the order of the children."""
        chains: list[Chain] = []
        stack: list[tuple[Value, Any]] = [(root, None)]  # a node and the reversed path above it
        while stack:
            node, above = stack.pop()
            if node is self.leaf:
                chains.append(_chain(node, above))
                continue
            for index, child, local in reversed(self.edges[node]):
                stack.append((child, (node, index, local, above)))
        return chains

    def largest_from(self, root: Value, k: int) -> list[Chain]:
        """The ``k`` paths with the largest |product|, largest first: a best-first search.

        A partial path is ranked by the largest |product| it can still reach (``top``), so every
        path taken from the heap extends straight down to a complete one; ties go deepest first.
        The work is about k × path length, however many paths there are.
        """
        heap: list[tuple[float, int, int, Value, Any, float]] = [(-self.top[root], 0, 0, root, None, 1.0)]
        chains: list[Chain] = []
        pushed = 1
        while heap and len(chains) < k:
            _, minus_depth, _, node, above, reached = heapq.heappop(heap)  # reached: product so far
            if node is self.leaf:
                chains.append(_chain(node, above))
                continue
            for index, child, local in self.edges[node]:
                rank = _bound(reached * local, self.top[child])
                entry = (-rank, minus_depth - 1, pushed, child, (node, index, local, above), reached * local)
                heapq.heappush(heap, entry)
                pushed += 1
        chains.sort(key=lambda chain: _magnitude(_product(chain)), reverse=True)  # exact order among ties
        return chains


def _bound(factor: float, top: float) -> float:
    """The largest |factor × product| for products of magnitude up to ``top``; NaN counts as infinite."""
    bound = _magnitude(factor) * top
    return math.inf if math.isnan(bound) else bound


def _chain(leaf: Value, above: Any) -> Chain:
    """A reversed path ``(parent, input, local, above)`` down to ``leaf`` as a Chain from the root."""
    chain: Chain = (leaf, None)
    while above is not None:
        node, index, local, above = above
        chain = (node, (index, local, chain))
    return chain


def _product(chain: Chain) -> float:
    """The product of a chain's local derivatives, multiplied from the leaf up."""
    factors = []
    _, rest = chain
    while rest is not None:
        _, local, (_, rest) = rest
        factors.append(local)
    product = 1.0
    for local in reversed(factors):
        product = local * product
    return product


def _magnitude(product: float) -> float:
    """How large a contribution is; a NaN ranks first, since it spoils the whole sum."""
    return math.inf if math.isnan(product) else abs(product)


def _path(chain: Chain) -> PathTerm:
    """Unroll a Chain into a PathTerm: its nodes, the input each edge leaves by, its factors and product."""
    nodes: list[Value] = []
    inputs: list[int] = []
    factors: list[float] = []
    product = _product(chain)
    while True:
        node, rest = chain
        nodes.append(node)
        if rest is None:
            return PathTerm(tuple(nodes), tuple(inputs), tuple(factors), product)
        index, local, chain = rest
        inputs.append(index)
        factors.append(local)
