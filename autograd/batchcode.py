"""Batch code: a grouped graph written as NumPy source, one line per array operation, forward then backward.

``vectorize.plan`` finds the groups; here each becomes one array operation: a layer is
``Z = X @ W.T + b``, its activation one op on the whole of Z, and backwards the chain rule in
matrix form: ``g_W = g_Z.T @ X`` (the product adds up the samples), ``g_X = g_Z @ W``, ``g_b =
g_Z.sum(0)``. What does not group is written as the per-sample code writes it (``codegen``), one
line per op and per edge, with the same names. Values that vary by sample are arrays with one
row per sample, (n,) or, for a vector of k, (n, k); the others are numbers or (k,) arrays, and
their gradients are summed over the samples where they are made: a parameter's gradient comes
out as the batch's total.

The function is ``name(n, *inputs, params)``: the number of samples, each input (an (n,) array
when it is per sample, a number when shared) and an array of the captured leaves' values. It
returns the output (one per sample when it varies), each input's gradient, and ``g_params``.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .codegen import Sums, Writer, backward_edges, function, identifier, literal, wrap
from .ops import Op
from .value import Value
from .vectorize import Elementwise, Layer, Reduction, Scalar, Step, plan


@dataclass(frozen=True)
class BatchProgram:
    """Generated NumPy source; ``by_reference`` as in ``codegen.Program``: the ops without code it calls."""

    name: str
    source: str
    by_reference: dict[str, tuple[Op, int | None, int]]


def generate_batch(order: Sequence[Value], inputs: Sequence[tuple[Value, str]],
                   captured: Sequence[tuple[Value, str]], constants: Mapping[Value, float],
                   wrt: Sequence[Value], name: str, per_sample: Sequence[bool], lang: str) -> BatchProgram:
    """The batch program of the graph ``order``, arguments as for ``codegen.generate``.

    ``per_sample`` says, input by input, whether it comes with one value per sample (else it is
    shared by every sample, as the captured leaves are).
    """
    return _BatchWriter(order, inputs, captured, constants, wrt, name, per_sample, lang).program()


@dataclass(eq=False)
class _Vector:
    """An array of alike values: shape (n, k) when they vary by sample, else (k,)."""

    name: str
    nodes: tuple[Value, ...]
    varying: bool
    base: str  # the layer it comes from: the arrays made from it are named after it
    grad: str

    def column(self, j: int | str) -> str:
        """Element (or elements) ``j`` of this array, in every sample."""
        return _column(self.name, self.varying, j)


def _column(array: str, varying: bool, j: int | str) -> str:
    """Element (or elements, ``[0, 2]``, or ``:``) ``j`` of a vector, in every sample."""
    return f"{array}[:, {j}]" if varying else f"{array}[{j}]"


@dataclass(eq=False)
class _Operand:
    """How a group reads a tuple of values (J of them, or J rows of I), and where their gradients go.

    ``kind``: "vector" (elements of one vector: ``index`` their positions, ``[0, 2]``, or None for
    all of it in order), "same" (one value for every element), "params" (captured leaves: ``index``
    the subscript that reads them from params, a slice or a list of positions), "constant"
    (numbers written into the code) or "pack" (values stacked by name).
    """

    kind: str
    text: str
    nodes: tuple[Value, ...]  # flat
    varying: bool
    vector: _Vector | None = None
    index: str | None = None
    repeats: bool = False  # params: some leaf appears twice
    setup: list[str] = field(default_factory=list)  # lines that make it, before it is read
    columns: int = 0  # a stack of J rows of I values: I; of J values: 0

    def element(self, k: int) -> str:
        """Where the k-th of ``nodes`` sits in an array shaped like this operand."""
        if self.columns:
            return f"[{k // self.columns}, {k % self.columns}]"
        return f"[:, {k}]" if self.varying else f"[{k}]"


class _BatchWriter:
    """Writes one batch program: names, operands of every group, forward lines, backward lines."""

    def __init__(self, order: Sequence[Value], inputs: Sequence[tuple[Value, str]],
                 captured: Sequence[tuple[Value, str]], constants: Mapping[Value, float],
                 wrt: Sequence[Value], name: str, per_sample: Sequence[bool], lang: str) -> None:
        self.scalar = Writer(order, [*inputs, *captured], constants, name, lang)  # the per-sample code's names
        self.say = self.scalar.say  # comments in the same language
        self.grads = self.scalar.gradients(wrt)
        self.namer, self.root = self.scalar.namer, self.scalar.root
        self.name = self.namer.fresh(self.scalar.function_name + "_batch")
        self.n, self.params, self.g_params = (self.namer.fresh(word) for word in ("n", "params", "g_params"))
        self.inputs = [leaf for leaf, _ in inputs]
        self.captured = {leaf: k for k, (leaf, _) in enumerate(captured)}
        self.constants = constants
        self.plan = plan(order, [leaf for leaf, varies in zip(self.inputs, per_sample) if varies])
        self.varying = self.plan.varying
        self.vector_of: dict[Value, tuple[_Vector, int]] = {}
        self.header: list[str] = []  # module-level lines: where each matrix sits in params, constant arrays
        self.named: set[Value] = {self.root}  # values the code reads by name
        self.sums = Sums()
        self.operands: list[list[_Operand]] = []
        self.outputs: list[_Vector | None] = []
        for step in self.plan.steps:
            self.prepare(step)

    # ------------------------------------------------------------ operands

    def prepare(self, step: Step) -> None:
        """Resolve the step's operands and name its output vector (in step order: operands read earlier vectors)."""
        operands: list[_Operand] = []
        output: _Vector | None = None
        if isinstance(step, Scalar):
            self.named.update(child for node in step.nodes for child in node.children)
        elif isinstance(step, Layer):
            base = self.layer_name(step)
            operands = [self.operand(step.signals, f"X_{base}", same=False), self.matrix(step.weights, f"W_{base}"),
                        *(self.operand(column, f"b_{base}") for column in step.offsets)]
            output = self.vector(f"Z_{base}", step.outputs, base)
        elif isinstance(step, Elementwise):
            operands = [self.operand(column, f"{identifier(step.op.name) or 'v'}_{q}") for q, column
                        in enumerate(step.operands)]
            base = next((o.vector.base for o in operands if o.vector is not None), "v")
            output = self.vector(f"{identifier(step.op.name) or 'v'}_{base}", step.outputs, base)
        elif isinstance(step, Reduction):
            operands = [self.operand(step.terms, "terms")]
            self.named.update(step.offsets)
        self.operands.append(operands)
        self.outputs.append(output)

    def vector(self, name: str, nodes: tuple[Value, ...], base: str) -> _Vector:
        """A new vector of a step's outputs, named (and its gradient) after ``name``."""
        name = self.namer.fresh(name)
        vector = _Vector(name, nodes, nodes[0] in self.varying, base, self.namer.fresh("g_" + name))
        for j, node in enumerate(nodes):
            self.vector_of[node] = (vector, j)
        return vector

    def layer_name(self, step: Layer) -> str:
        """The layer's name from its weights' labels, up to their first number (``layers.0``); else
        ``layer1``, ``layer2``..., or ``dot1``... for a single sum (a dot product, an L2 penalty's)."""
        common = os.path.commonprefix([weight.label.split(".") for row in step.weights for weight in row])
        number = next((k for k, part in enumerate(common) if part.isdigit()), None)
        if number is not None and (name := identifier(".".join(common[: number + 1]))):
            return name
        return self.namer.numbered("layer" if len(step.outputs) > 1 else "dot")

    def operand(self, nodes: tuple[Value, ...], hint: str, same: bool = True) -> _Operand:
        """How to read J values as one array: a vector's elements, one value for all (if ``same``),
        parameters, constants, or a stack of values by name."""
        varying = nodes[0] in self.varying
        places = [self.vector_of.get(node) for node in nodes]
        vectors = {id(place[0]) if place is not None else None for place in places}
        if None not in vectors and len(vectors) == 1 and len(set(nodes)) == len(nodes):
            vector = self.vector_of[nodes[0]][0]
            index = [self.vector_of[node][1] for node in nodes]
            if index == list(range(len(vector.nodes))):
                return _Operand("vector", vector.name, nodes, varying, vector)
            text = f"[{', '.join(map(str, index))}]"
            return _Operand("vector", vector.column(text), nodes, varying, vector, text)
        if same and len(nodes) > 1 and len(set(nodes)) == 1:  # one value for all: a number, or a column per sample
            self.named.add(nodes[0])
            term = self.scalar.term(nodes[0])
            return _Operand("same", f"{term}[:, None]" if varying else term, nodes, varying)
        return self.stored([nodes], hint, flat=True)

    def matrix(self, rows: tuple[tuple[Value, ...], ...], hint: str) -> _Operand:
        """How to read J rows of I shared values (a layer's weights) as one (J, I) array."""
        return self.stored(rows, hint, flat=False)

    def stored(self, rows: Sequence[tuple[Value, ...]], hint: str, flat: bool) -> _Operand:
        """Parameters gathered from params, constants written once, or values stacked by name."""
        nodes = tuple(node for row in rows for node in row)
        varying = any(node in self.varying for node in nodes)
        name = self.namer.fresh(hint)
        columns = 0 if flat else len(rows[0])
        if all(node in self.captured for node in nodes):
            places = [[self.captured[node] for node in row] for row in rows]
            index = _params_slice(places, flat, len(self.captured))
            if index is None:  # not evenly spaced in params: gathered by a list of positions
                at = self.namer.fresh(name + "_at")
                self.header.append(f"{at} = np.array({_list_source(places, flat)})")
                index = f"[{at}]"
            return _Operand("params", name, nodes, False, index=index, repeats=len(set(nodes)) < len(nodes),
                            setup=[f"{name} = {self.params}{index}"], columns=columns)
        if all(node in self.constants for node in nodes):
            values = [[literal(self.constants[node]) for node in row] for row in rows]
            if flat and len(set(values[0])) == 1:  # one number for all
                return _Operand("constant", values[0][0], nodes, False)
            self.header.append(f"{name} = np.array({_list_source(values, flat)})")
            return _Operand("constant", name, nodes, False)
        self.named.update(nodes)
        terms = [[self.scalar.term(node) for node in row] for row in rows]
        make = (f"np.stack([{', '.join(terms[0])}], axis=1)" if varying
                else f"np.array({_list_source(terms, flat)})")
        return _Operand("pack", name, nodes, varying, setup=[f"{name} = {make}"], columns=columns)

    # ------------------------------------------------------------ the program

    def program(self) -> BatchProgram:
        """The whole source: arrays the code reads (if any), then the function, forward and backward."""
        lines = [f"# {self.say('batch_forward')}"]
        if any(leaf in self.named for leaf in self.captured):  # the ops left as they are read parameters by name
            names = ", ".join(self.scalar.names[leaf] for leaf in self.captured) + ","
            lines.append(f"({names}) = {self.params}.tolist()" if len(names) < 70 else
                         f"(\n{wrap(names)}\n) = {self.params}.tolist()")
        for step, operands, output in zip(self.plan.steps, self.operands, self.outputs):
            lines.extend(self.forward(step, operands, output))
        lines.append(f"{self.g_params} = np.zeros_like({self.params})")
        if self.root in self.grads:
            lines.extend(self.backward())
        inputs = [self.grads.get(leaf, "0.0") for leaf in self.inputs]
        params = [self.n, *(self.scalar.names[leaf] for leaf in self.inputs), self.params]
        body = function(self.name, params, lines, self.scalar.term(self.root), inputs, self.g_params)
        header = [f"# {self.say('batch_header')}", *self.header]
        source = "\n".join(header) + "\n\n\n" + body if self.header else body
        return BatchProgram(self.name, source, self.scalar.by_reference)

    def forward(self, step: Step, operands: list[_Operand], output: _Vector | None) -> list[str]:
        """One step's forward lines; then the elements of its vector that other lines read by name."""
        lines = [line for operand in operands for line in operand.setup]
        if isinstance(step, Scalar):
            lines.extend(self.scalar.forward(node) for node in step.nodes)
        elif isinstance(step, Layer):
            assert output is not None
            x, w, *offsets = operands
            offsets = [o for o in offsets if o.text != "0.0"]  # Python's sum() starts at 0
            counts = Counter(node.op.name for node in step.replaced if node.op is not None)
            sums = self.say("sums" if len(step.outputs) > 1 else "sum", count=len(step.outputs),
                            products=len(step.signals))
            terms = self.say("terms" if len(offsets) > 1 else "term", count=len(offsets)) if offsets else ""
            replaced = ", ".join(self.say("ops", count=k, op=op) for op, k in counts.items())
            lines.append(f"{output.name} = {x.text} @ {w.text}.T{''.join(f' + {o.text}' for o in offsets)}"
                         f"  # {self.say('layer', sums=sums, terms=terms, names=self.some(step.outputs), ops=replaced)}")
        elif isinstance(step, Elementwise):
            assert output is not None
            lines.append(f"{output.name} = {self.scalar.apply(step.op, [o.text for o in operands])}"
                         f"  # {self.replaces(len(step.outputs), step.op.name, step.outputs)}")
        elif isinstance(step, Reduction):
            out = self.scalar.names[step.output]
            rest = "".join(f" + {term}" for o in step.offsets if (term := self.scalar.term(o)) != "0.0")
            lines.append(f"{out} = {operands[0].text}.sum(-1){rest}  # {self.replaces(len(step.replaced), '+')}")
        if output is not None:
            lines.extend(f"{self.scalar.names[node]} = {output.column(j)}"
                         for j, node in enumerate(output.nodes) if node in self.named)
        return lines

    def replaces(self, count: int, op: str, nodes: Sequence[Value] = ()) -> str:
        """The comment of a line that stands for ``count`` alike ops (some of them named, if given)."""
        ops = self.say("ops", count=count, op=op)
        return self.say("elementwise", ops=ops, names=self.some(nodes)) if nodes else self.say("reduction", ops=ops)

    def some(self, nodes: Sequence[Value]) -> str:
        """A few of the per-sample code's names for these nodes: ``z4, z11, ..., z109``."""
        names = [self.scalar.names[node] for node in nodes]
        return ", ".join(names if len(names) <= 3 else [*names[:2], "...", names[-1]])

    # ------------------------------------------------------------ backward

    def backward(self) -> list[str]:
        """The steps in reverse order: each group's chain rule in matrix form; the others' edges in
        the order the engine's backward pass applies them; last, the parameters' own gradients."""
        root = self.root
        seed = f"np.ones({self.n})" if root in self.varying else f"float({self.n})"
        heading = f"# {self.say('batch_backward', root=self.grads[root])}"
        lines = [heading, self.sums.add(self.grads[root], seed)]
        edges = backward_edges(root)
        first: dict[Value, int] = {}
        for k, (node, _) in enumerate(edges):
            first.setdefault(node, k)
        steps = list(zip(self.plan.steps, self.operands, self.outputs))
        for step, operands, output in reversed(steps):
            if isinstance(step, Scalar):  # the engine's edges, in the engine's order
                for node in sorted(step.nodes, key=first.__getitem__):
                    for node_, i in edges[first[node]: first[node] + len(node.children)]:
                        total = node_ in self.varying and node_.children[i] not in self.varying
                        line = self.scalar.edge(node_, i, self.grads, self.sums, total)
                        if line is not None:
                            lines.append(line)
            elif isinstance(step, Reduction):
                lines.extend(self.reduction_backward(step, operands[0]))
            else:
                assert output is not None
                g = self.assemble(output, lines)
                if g is not None and isinstance(step, Layer):
                    lines.extend(self.layer_backward(step, operands, output, g))
                elif g is not None and isinstance(step, Elementwise):
                    lines.extend(self.elementwise_backward(step, operands, output, g))
        started = [leaf for leaf in self.captured if self.grads.get(leaf) in self.sums.owned]
        if started:
            places = ", ".join(str(self.captured[leaf]) for leaf in started)
            grads = ", ".join(self.grads[leaf] for leaf in started)
            lines.append(f"{self.g_params}[[{places}]] += ({grads},)")
        return lines

    def needs(self, operand: _Operand) -> bool:
        """Whether any value the operand reads needs a gradient."""
        return operand.kind != "constant" and any(node in self.grads for node in operand.nodes)

    def assemble(self, vector: _Vector, lines: list[str]) -> str | None:
        """The gradient of a vector: what whole-vector users added, and its elements' own gradients as columns."""
        columns = [j for j, node in enumerate(vector.nodes) if self.grads.get(node) in self.sums.owned]
        g = vector.grad
        if g not in self.sums.owned:
            if not columns:
                return None
            if len(columns) == len(vector.nodes):
                grads = ", ".join(self.grads[node] for node in vector.nodes)
                if vector.varying and len(columns) == 1:  # a column of one: a view of the element's gradient
                    lines.append(self.sums.add(g, f"{grads}[:, None]", alias=True))
                else:
                    lines.append(self.sums.add(g, f"np.stack([{grads}], axis=1)" if vector.varying
                                               else f"np.array([{grads}])"))
                return g
            lines.append(self.sums.add(g, f"np.zeros_like({vector.name})"))
        elif columns and not self.sums.owned[g]:
            lines.append(f"{g} = {g}.copy()")
            self.sums.owned[g] = True
        lines.extend(f"{_column(g, vector.varying, j)} += {self.grads[vector.nodes[j]]}" for j in columns)
        return g

    def deliver(self, operand: _Operand, contribution: str, varying: bool, alias: bool = False) -> list[str]:
        """Lines adding ``contribution`` (shaped like the group's output; ``varying``: per sample) to the
        gradients of the operand's values, summed over the samples where those are shared."""
        if not self.needs(operand):
            return []
        if operand.kind == "same":
            node = operand.nodes[0]
            reduced = f"{_atom(contribution)}.sum(-1)" if node in self.varying else f"{_atom(contribution)}.sum()"
            return [self.sums.add(self.grads[node], reduced)]
        if varying and not operand.varying:  # shared values: the samples' contributions summed
            contribution, alias = f"{_atom(contribution)}.sum(0)", False
        if operand.kind == "vector":
            assert operand.vector is not None
            return self.add_to_vector(operand.vector, operand.index, contribution, alias)
        if operand.kind == "params":
            assert operand.index is not None
            if operand.repeats:  # a leaf twice: each of its places adds
                return [f"np.add.at({self.g_params}, {operand.index[1:-1]}, {contribution})"]
            target = operand.index if operand.index.endswith("]") else operand.index + "[:]"  # writes into the view
            return [f"{self.g_params}{target} += {contribution}"]
        g = self.namer.fresh("g_" + operand.text)  # a stack of values by name: each gets its element
        lines = [f"{g} = {contribution}"]
        lines.extend(self.sums.add(self.grads[node], g + operand.element(k))
                     for k, node in enumerate(operand.nodes) if node in self.grads)
        return lines

    def add_to_vector(self, vector: _Vector, index: str | None, contribution: str, alias: bool = False) -> list[str]:
        """Lines adding ``contribution`` to the gradient of the whole vector (``index`` None) or of some elements."""
        g = vector.grad
        if index is None:
            return [self.sums.add(g, contribution, alias=alias)]
        lines = []
        if g not in self.sums.owned:
            lines.append(self.sums.add(g, f"np.zeros_like({vector.name})"))
        elif not self.sums.owned[g]:
            lines.append(f"{g} = {g}.copy()")
            self.sums.owned[g] = True
        return [*lines, f"{_column(g, vector.varying, index)} += {contribution}"]

    def layer_backward(self, step: Layer, operands: list[_Operand], output: _Vector, g: str) -> list[str]:
        """g_W = g_Z.T @ X, the offsets (biases) get g_Z, and g_X = g_Z @ W: each where it is needed."""
        x, w, *offsets = operands
        lines = []
        if self.needs(w):
            g_w = self.namer.fresh("g_" + w.text)
            product = f"{g}.T @ {x.text}" if x.varying else f"np.outer({g}, {x.text})"
            lines.append(f"{g_w} = {product}  # {self.say('weights', count=sum(map(len, step.weights)))}")
            lines.extend(self.deliver(w, g_w, varying=False))
        for offset in offsets:
            lines.extend(self.deliver(offset, g, output.varying, alias=True))
        if self.needs(x):
            g_x = f"{g} @ {w.text}"
            note = f"  # {self.say('to_inputs', count=sum(map(len, step.weights)))}"
            delivered = self.deliver(x, g_x, output.varying)
            lines.extend([delivered[0] + note, *delivered[1:]] if delivered else [])
        return lines

    def elementwise_backward(self, step: Elementwise, operands: list[_Operand], output: _Vector,
                             g: str) -> list[str]:
        """Each operand gets the vector's gradient times the op's local derivative, from the op table."""
        lines = []
        for q, operand in enumerate(operands):
            if not self.needs(operand):
                continue
            local = self.scalar.derivative(step.op, q, [o.text for o in operands], output.name)
            contribution = g if local == "1.0" else f"-{g}" if local == "-1.0" else f"{g} * {local}"
            delivered = self.deliver(operand, contribution, output.varying, alias=contribution == g)
            note = f"  # {self.say('edges', count=len(step.outputs))}"
            lines.extend([delivered[0] + note, *delivered[1:]] if delivered else [])
        return lines

    def reduction_backward(self, step: Reduction, terms: _Operand) -> list[str]:
        """Every term of the sum, vector elements and other values, gets the sum's gradient."""
        if step.output not in self.grads:
            return []
        g = self.grads[step.output]
        varying = step.output in self.varying
        lines = []
        if self.needs(terms):  # every term gets the sum's gradient
            vector = terms.vector
            assert vector is not None
            column = f"{g}[:, None]" if varying else g
            if varying and not terms.varying:
                column = f"{column}.sum(0)"
            if terms.index is None and vector.grad not in self.sums.owned:
                lines.append(self.sums.add(vector.grad, f"np.broadcast_to({column}, {vector.name}.shape)", alias=True)
                             + f"  # {self.say('edges', count=len(step.terms))}")
            else:
                lines.extend(self.add_to_vector(vector, terms.index or ":", column))
        for offset in step.offsets:
            if offset in self.grads:
                total = varying and offset not in self.varying
                lines.append(self.sums.add(self.grads[offset], f"{g}.sum()" if total else g, alias=not total))
        return lines


def _atom(expression: str) -> str:
    """The expression, in parentheses unless it is a name (so that ``.sum()`` applies to all of it)."""
    return expression if expression.isidentifier() else f"({expression})"


def _list_source(rows: Sequence[Sequence[object]], flat: bool) -> str:
    """Rows of numbers or source texts as a Python list: of the one row if ``flat``, else of lists."""
    lists = ["[" + ", ".join(map(str, row)) + "]" for row in rows]
    return lists[0] if flat else "[" + ", ".join(lists) + "]"


def _params_slice(places: list[list[int]], flat: bool, size: int) -> str | None:
    """Positions in params as a slice (a view: nothing copied) when they are evenly spaced, else None.

    ``[2:48:3]`` for a layer's biases; ``[0:48].reshape(16, 3)[:, :2]`` for its weights, where each
    neuron's weights and bias follow each other (neuron j's weight i at 3j + i).
    """
    rows, columns, start = len(places), len(places[0]), places[0][0]
    if flat:
        step = places[0][1] - start if columns > 1 else 1
        if step < 1 or any(k != start + step * i for i, k in enumerate(places[0])):
            return None
        stop = places[0][-1] + 1
        return f"[{start}:{stop}]" if step == 1 else f"[{start}:{stop}:{step}]"
    across = places[0][1] - start if columns > 1 else 1
    down = places[1][0] - start if rows > 1 else columns * across
    if any(k != start + down * j + across * i for j, row in enumerate(places) for i, k in enumerate(row)):
        return None
    if across == 1 and down >= columns and start + down * rows <= size:  # row after row
        view = f"[{start}:{start + down * rows}].reshape({rows}, {down})"
        return view if down == columns else f"{view}[:, :{columns}]"
    if down == 1 and across >= rows and start + across * columns <= size:  # column after column
        view = f"[{start}:{start + across * columns}].reshape({columns}, {across})"
        return (view if across == rows else f"{view}[:, :{rows}]") + ".T"
    return None
