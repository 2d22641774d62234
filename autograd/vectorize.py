"""Vectorise: find the alike scalar ops of a traced graph that NumPy can run as one array operation.

A layer of J neurons reading I inputs is J sums of I products, b_j + w_j1*x_1 + ... + w_jI*x_I:
2·J·I scalar ops, or one matrix product, Z = X @ W.T + b. The neurons' activations are J alike
ops applied to the J sums: one op on the vector Z. ``plan`` finds such groups in a graph and
returns them as data, with every other op left as it is, in an order to run them; ``batchcode``
writes the plan as NumPy source. Nothing here knows an op by name: the op table says which op
is a sum and which a product (``Code.matmul``), so any graph with the structure groups, an
``nn.MLP``'s or a layer written by hand alike.

A value is "varying" when it depends on a per-sample input (one number per sample of a batch);
the others (parameters, constants, shared inputs) are the same for every sample.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from .ops import Op
from .value import Value

Nodes = tuple[Value, ...]


@dataclass(frozen=True)
class Layer:
    """Sums of products sharing one set of factors: Z[:, j] = sum_i X[:, i] * W[j, i] + offsets.

    ``outputs`` are the J sums; ``signals`` the I factors every sum multiplies (the columns of X),
    ``weights`` each sum's own factors (J rows of I, the same for every sample), ``offsets`` the
    sums' other terms (biases), each a column of J; ``replaced`` every scalar op it stands for.
    """

    outputs: Nodes
    signals: Nodes
    weights: tuple[Nodes, ...]
    offsets: tuple[Nodes, ...]
    replaced: Nodes


@dataclass(frozen=True)
class Elementwise:
    """One op applied to whole vectors: ``outputs[j] = op(operands[0][j], operands[1][j], ...)``."""

    op: Op
    outputs: Nodes
    operands: tuple[Nodes, ...]


@dataclass(frozen=True)
class Reduction:
    """A sum of elements of one vector (``terms``) and of other values (``offsets``): V.sum() + offsets."""

    output: Value
    terms: Nodes
    offsets: Nodes
    replaced: Nodes


@dataclass(frozen=True)
class Scalar:
    """Ops that do not group, written one line each, as the per-sample code writes them."""

    nodes: Nodes


Step = Layer | Elementwise | Reduction | Scalar


@dataclass(frozen=True)
class Plan:
    """The steps in an order to run them (each after the values it reads), and the varying values."""

    steps: list[Step]
    varying: set[Value]


def plan(order: Sequence[Value], per_sample: Iterable[Value]) -> Plan:
    """Group the graph ``order`` (topological, root last) whose leaves ``per_sample`` vary by sample.

    Ops are first gathered into units: a sum with the additions and products that only it uses
    (a neuron's ``b + w1*x1 + ... + wn*xn``), or a single op. A unit's depth is one more than the
    deepest unit it reads; units of one depth never read each other, so each group is made of
    units of one depth, and running the depths in order runs every value after its inputs.
    """
    varying = set(per_sample)
    for node in order:
        if node.op is not None and any(child in varying for child in node.children):
            varying.add(node)
    units = _units(order, varying)
    by_depth: dict[int, list[_Unit]] = defaultdict(list)
    for unit in units:
        by_depth[unit.depth].append(unit)
    grouping = _Grouping(varying)
    for depth in sorted(by_depth):
        grouping.add(by_depth[depth])
    return Plan(grouping.steps, varying)


@dataclass
class _Unit:
    """Ops run together: ``nodes`` in trace order, root last; for a sum, its products and other terms."""

    nodes: list[Value]
    products: list[tuple[Value, Value]] = field(default_factory=list)  # (signal, weight) of each product
    offsets: list[Value] = field(default_factory=list)
    depth: int = 0

    @property
    def root(self) -> Value:
        return self.nodes[-1]


def _role(node: Value) -> str | None:
    return node.op.code.matmul if node.op is not None and node.op.code is not None else None


def _units(order: Sequence[Value], varying: set[Value]) -> list[_Unit]:
    """The graph's op nodes as units, in trace order of their roots, each with its depth."""
    uses: Counter[Value] = Counter()
    user: dict[Value, Value] = {}
    for node in order:
        for child in node.children:
            uses[child] += 1
            user[child] = node
    absorbed = set()  # sums and products used only by a sum: terms of that sum
    for node in order:
        role = _role(node)
        if uses[node] == 1 and _role(user[node]) == "sum" and (
            role == "sum" or (role == "product" and len(node.children) == 2
                              and any(child not in varying for child in node.children))):
            absorbed.add(node)

    def oriented(product: Value) -> tuple[Value, Value]:
        """(signal, weight): the weight is the shared factor; of two, the one fewer sums use (w_ji, not x_i)."""
        a, b = product.children
        return (a, b) if b not in varying and (a in varying or uses[b] <= uses[a]) else (b, a)

    for node in order:
        if _role(node) == "sum" and node not in absorbed:
            absorbed -= _neurons(node, absorbed, oriented, user)
    position = {node: k for k, node in enumerate(order)}
    units: list[_Unit] = []
    unit_of: dict[Value, _Unit] = {}
    for node in order:
        if node.op is None or node in absorbed:
            continue
        unit = _Unit([node])
        if _role(node) == "sum":
            stack = list(reversed(node.children))
            while stack:  # the terms left to right; a loop, as a sum of many terms is a deep tree
                term = stack.pop()
                if term not in absorbed:
                    unit.offsets.append(term)
                    continue
                unit.nodes.append(term)
                if _role(term) == "sum":
                    stack.extend(reversed(term.children))
                else:
                    unit.products.append(oriented(term))
            unit.nodes.sort(key=position.__getitem__)
        members = set(unit.nodes)
        unit.depth = 1 + max((unit_of[child].depth for member in unit.nodes for child in member.children
                              if child not in members and child.op is not None), default=0)
        for member in unit.nodes:
            unit_of[member] = unit
        units.append(unit)
    return units


def _neurons(root: Value, absorbed: set[Value], oriented: Callable[[Value], tuple[Value, Value]],
             user: dict[Value, Value]) -> set[Value]:
    """The sums inside the sum ``root`` that are sums of their own: to leave out of ``root``'s unit.

    A sum of the neurons of a layer (``z1 + z2``, each ``b + w·x``) reads each input twice, which no
    row of a matrix product does. So the largest sums inside it that read every input at most once
    (the neurons) are cut off, and what is left of ``root`` adds them up.
    """
    signals: list[Value | None] = []  # the terms left to right: a product's signal, None for another term
    span: dict[Value, tuple[int, int]] = {}  # each sum: its terms' positions, from and to
    stack: list[tuple[Value, int]] = [(root, 0)]
    while stack:  # 0: a sum to enter, 1: a sum done, 2: a term
        node, state = stack.pop()
        if state == 1:
            span[node] = (span[node][0], len(signals))
        elif state == 2:
            signals.append(oriented(node)[0] if node in absorbed else None)
        else:
            span[node] = (len(signals), 0)
            stack.append((node, 1))
            stack.extend((child, 0 if child in absorbed and _role(child) == "sum" else 2)
                         for child in reversed(node.children))
    reach: list[int] = []  # reach[k]: the terms from k up to reach[k] read no signal twice
    seen: Counter[Value | None] = Counter()
    end = 0
    for k in range(len(signals)):
        while end < len(signals) and (signals[end] is None or not seen[signals[end]]):
            if signals[end] is not None:
                seen[signals[end]] += 1
            end += 1
        reach.append(end)
        if signals[k] is not None:
            seen[signals[k]] -= 1
    if not signals or reach[0] == len(signals):
        return set()

    def once(node: Value) -> bool:
        start, stop = span[node]
        return start == stop or stop <= reach[start]

    return {node for node in span if node is not root and once(node) and not once(user[node])}


class _Grouping:
    """Turns units into steps, one depth at a time; the vectors made so far seed the next groups."""

    def __init__(self, varying: set[Value]) -> None:
        self.varying = varying
        self.steps: list[Step] = []
        self.element_of: dict[Value, tuple[int, int]] = {}  # node -> (its vector's number, its position)
        self.users: dict[Value, list[Value]] = defaultdict(list)
        self.vectors: list[Nodes] = []

    def add(self, units: list[_Unit]) -> None:
        """The steps for the units of one depth: layers, reductions, elementwise ops, then the rest."""
        for unit in units:
            for member in unit.nodes:
                for child in dict.fromkeys(member.children):
                    self.users[child].append(member)
        steps: list[tuple[int, Step]] = []  # (trace order of the unit first in the step, step)
        grouped: set[int] = set()
        index = {id(unit): k for k, unit in enumerate(units)}
        for members in self.layers(units):
            steps.append((index[id(members[0])], self.layer(members)))
            grouped.update(index[id(unit)] for unit in members)
        for k, unit in enumerate(units):
            if k not in grouped and not unit.products and (terms := self.reduced(unit)):
                steps.append((k, Reduction(unit.root, terms, tuple(t for t in unit.offsets if t not in terms),
                                           tuple(unit.nodes))))
                grouped.add(k)
        singles = {unit.root: k for k, unit in enumerate(units) if k not in grouped and len(unit.nodes) == 1}
        for group in self.elementwise(singles):
            steps.append((singles[group[0]], self.vector_step(group)))
            grouped.update(singles[node] for node in group)
        steps.extend((k, Scalar(tuple(unit.nodes))) for k, unit in enumerate(units) if k not in grouped)
        steps.sort(key=lambda item: item[0])
        for _, step in steps:
            if isinstance(step, (Layer, Elementwise)):
                self.remember(step.outputs)
            self.steps.append(step)

    def remember(self, vector: Nodes) -> None:
        """A new vector: its elements may seed groups at the depths above."""
        for j, node in enumerate(vector):
            self.element_of[node] = (len(self.vectors), j)
        self.vectors.append(vector)

    def uniform(self, nodes: Iterable[Value]) -> bool:
        """Whether the nodes all vary by sample or all do not: one array holds them."""
        return len({node in self.varying for node in nodes}) <= 1

    def layers(self, units: list[_Unit]) -> list[list[_Unit]]:
        """Sums of products with the same signals (and alike other terms): the neurons of a layer."""
        groups: dict[tuple[object, ...], list[_Unit]] = defaultdict(list)
        for unit in units:
            signals = [signal for signal, _ in unit.products]
            if not signals or len(set(signals)) < len(signals) or not self.uniform(signals):
                continue
            varies = signals[0] in self.varying
            offsets = tuple(term in self.varying for term in unit.offsets)
            if not varies and any(offsets):  # shared signals with varying offsets: no one shape for Z
                continue
            groups[frozenset(signals), varies, offsets].append(unit)
        return [members for members in groups.values() if sum(len(unit.products) for unit in members) >= 2
                and all(self.uniform(column) for column in zip(*(unit.offsets for unit in members)))]

    def layer(self, members: list[_Unit]) -> Layer:
        """The matrix product of the layer's units; X's columns in the order of the vector they come from."""
        signals = [signal for signal, _ in members[0].products]
        vectors = {self.element_of[signal][0] if signal in self.element_of else -1 for signal in signals}
        if len(vectors) == 1 and -1 not in vectors:
            signals.sort(key=lambda signal: self.element_of[signal][1])
        rows = []
        for unit in members:
            weight_of = {signal: weight for signal, weight in unit.products}
            rows.append(tuple(weight_of[signal] for signal in signals))
        replaced = tuple(node for unit in members for node in unit.nodes)
        return Layer(tuple(unit.root for unit in members), tuple(signals), tuple(rows),
                     tuple(zip(*(unit.offsets for unit in members))), replaced)

    def reduced(self, unit: _Unit) -> Nodes:
        """The terms of a sum that are distinct elements of one vector, if there are at least two."""
        counts = Counter(self.element_of[t][0] for t in unit.offsets if t in self.element_of)
        if not counts:
            return ()
        vector, count = counts.most_common(1)[0]
        terms = tuple(dict.fromkeys(t for t in unit.offsets if t in self.element_of and self.element_of[t][0] == vector))
        return terms if count >= 2 and len(terms) == count else ()

    def elementwise(self, singles: dict[Value, int]) -> list[list[Value]]:
        """Alike ops reading the elements of one vector at the same place, at most one per element each."""
        groups: list[list[Value]] = []
        taken: set[Value] = set()
        for vector in self.vectors:
            candidates: dict[tuple[Op, int, int], list[list[Value]]] = defaultdict(list)
            for element in vector:
                for node in self.users.get(element, ()):
                    if node not in singles or node in taken:
                        continue
                    assert node.op is not None
                    for place, child in enumerate(node.children):
                        if child is element:
                            lists = candidates[node.op, len(node.children), place]
                            free = next((g for g in lists if all(other.children[place] is not element
                                                                 for other in g)), None)
                            if free is None:
                                lists.append(free := [])
                            free.append(node)
                            break
            for lists in candidates.values():
                for group in lists:
                    group = [node for node in group if node not in taken]
                    if len(group) >= 2 and all(self.uniform(column) for column in
                                               zip(*(node.children for node in group))):
                        groups.append(group)
                        taken.update(group)
        return groups

    def vector_step(self, group: list[Value]) -> Elementwise:
        op = group[0].op
        assert op is not None
        return Elementwise(op, tuple(group), tuple(zip(*(node.children for node in group))))
