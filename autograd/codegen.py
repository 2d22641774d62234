"""Code generation: write a recorded graph out as straight-line Python, forward then backward.

The forward pass is one line per op (``z7 = w3 * x2``). The backward pass is the chain rule,
one line per edge: the child's gradient gets the parent's gradient times the local derivative
(``g_w3 = g_z7 * x2``); where a node feeds several ops the later contributions are added
(``g_w3 += ...``), in the same order as the eager engine adds them, so the results are equal.
Each op is written as its ``Code`` in the op table says; the code calls the names of
``namespaces.FLOATS``, so it runs on floats and on NumPy arrays.
"""

from __future__ import annotations

import keyword
import textwrap
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .backward import backpropagate
from .language import text
from .messages import shown_object
from .namespaces import FLOATS
from .ops import Op
from .value import Value


def identifier(text: str) -> str:
    """``text`` as a readable Python identifier in the form Python reads it, or "" if nothing is left.

    Invalid characters become ``_``; a keyword gets ``_`` appended (``for_``); a name that starts
    with a digit or a mark, or a dunder, gets ``v`` in front (``v2x``, ``v__debug__``). The result is
    NFKC-normalised, as the parser normalises identifiers: ``"v" + "\\u0303"`` is read as ``ṽ``.
    Hangul and other letters stay.
    """
    text = unicodedata.normalize("NFKC", text)
    name = "_".join(part for part in "".join(c if ("_" + c).isidentifier() else " " for c in text).split())
    if keyword.iskeyword(name):
        name += "_"
    elif name and not bindable(name):
        name = "v" + name
    return unicodedata.normalize("NFKC", name)


def bindable(name: str) -> bool:
    """Whether generated code may bind ``name``: an NFKC-normal identifier, no keyword, no dunder.

    Keywords include ``None``, ``True`` and ``False`` (soft keywords such as ``match`` are fine);
    ``__debug__`` cannot be bound, and other dunders such as ``__builtins__`` mean something to Python.
    """
    dunder = name.startswith("__") and name.endswith("__")
    normal = name == unicodedata.normalize("NFKC", name)
    return name.isidentifier() and normal and not keyword.iskeyword(name) and not dunder


class Namer:
    """Hands out the names of generated code: bindable, distinct as Python reads them, none reserved.

    Python compares identifiers after NFKC normalisation (``ｘ`` is ``x``), so every name is kept
    and compared in that form: two labels that normalise alike get ``x`` and ``x_2``.
    """

    def __init__(self, reserved: Iterable[str]) -> None:
        self.taken = {unicodedata.normalize("NFKC", name) for name in reserved}
        self.counters: dict[str, int] = {}

    def fresh(self, *candidates: str) -> str:
        """The first candidate that makes an identifier (else ``v``), with ``_2``, ``_3``... if taken."""
        base = next((name for name in map(identifier, candidates) if bindable(name)), "v")
        name, k = base, 1
        while name in self.taken:  # base is bindable, so is base_k: it ends in a digit and stays NFKC-normal
            k += 1
            name = f"{base}_{k}"
        self.taken.add(name)
        return name

    def numbered(self, prefix: str) -> str:
        """The next free ``prefix<k>``, k counting from 1 per prefix: ``z1``, ``z2``... (unlabelled nodes)."""
        k = self.counters.get(prefix, 1)
        while (name := identifier(f"{prefix}{k}")) in self.taken:
            k += 1
        self.counters[prefix] = k + 1
        self.taken.add(name)
        return name


@dataclass(frozen=True)
class Program:
    """Generated source and what it needs besides the standard namespaces.

    ``loop_source`` defines ``loop_name(samples, *captured)``: the same lines run once per sample
    of ``samples`` (tuples of the per-sample inputs), adding up the output and the gradients.
    ``by_reference`` maps a name the code calls to (op, None, n) for an op's forward rule or to
    (op, i, n) for its derivative with respect to input i, where n is the number of inputs: the
    ops without code, whose own functions the code calls.
    """

    name: str
    source: str
    loop_name: str
    loop_source: str
    by_reference: dict[str, tuple[Op, int | None, int]]


def literal(x: float) -> str:
    """A float as Python source; negatives in parentheses so that ``power((-2.0), x)`` parses right.

    Written by ``float.__repr__`` (TypeError for anything but a float), never by the repr of a
    subclass or another number type, which could be any text: ``np.float64(0.5)``, or code.
    """
    text = float.__repr__(x)  # inf and nan are names bound in both namespaces
    return f"({text})" if text.startswith("-") else text


def generate(order: Sequence[Value], inputs: Sequence[tuple[Value, str]],
             captured: Sequence[tuple[Value, str]], constants: Mapping[Value, float],
             wrt: Sequence[Value], name: str, lang: str) -> Program:
    """Python source for ``def name(*inputs, *captured): return root, gradients of root w.r.t. wrt``.

    ``order`` is the graph in topological order, its root last. ``inputs`` (per sample) and
    ``captured`` (shared) are the leaves that become parameters, each with a fallback name for
    when its label makes no identifier. Every other leaf is a constant, written as the literal of
    its number in ``constants`` (floats the caller made from the leaves' data). Gradient lines
    are written only for nodes on a path from the root to a leaf in ``wrt``. The comments are in
    ``lang`` ("en" or "ko").
    """
    return Writer(order, [*inputs, *captured], constants, name, lang).program(wrt, len(inputs))


RESERVED = [*FLOATS, "np"]
"""Names generated code never binds: the functions it calls, and ``np`` (NumPy, in batch code)."""


def backward_edges(root: Value) -> list[tuple[Value, int]]:
    """Every edge (node, input number) in the order the engine's backward pass applies the chain rule."""
    edges: list[tuple[Value, int]] = []

    def record(node: Value, *_: Any) -> None:
        edges.append((node, edges[-1][1] + 1 if edges and edges[-1][0] is node else 0))

    backpropagate([root], [1.0], on_edge=record)
    return edges


class Sums:
    """Writes the contributions to gradients, one line each: the first assigns, later ones add.

    A contribution that is another gradient itself (an edge of ``+``) makes both names the same
    object; with NumPy arrays ``+=`` would then change both, so the next addition to such a
    gradient is written ``g = g + ...``.
    """

    def __init__(self) -> None:
        self.owned: dict[str, bool] = {}  # gradient -> it is an array no other name refers to

    def add(self, name: str, expression: str, sign: str = "+", alias: bool = False) -> str:
        """The line adding ``sign expression`` to ``name``; ``alias``: the expression is another name's array."""
        if name not in self.owned:
            self.owned[name] = not alias or sign == "-"
            return f"{name} = {expression}" if sign == "+" else f"{name} = -{expression}"
        if self.owned[name]:
            return f"{name} {sign}= {expression}"
        self.owned[name] = True
        return f"{name} = {name} {sign} {expression}"


class Writer:
    """Names every node of one graph, then writes its forward and backward lines."""

    def __init__(self, order: Sequence[Value], arguments: Sequence[tuple[Value, str]],
                 constants: Mapping[Value, float], name: str, lang: str) -> None:
        self.order, self.root, self.arguments, self.constants = order, order[-1], arguments, constants
        self.lang = lang  # of the comments
        self.namer = Namer(RESERVED)
        self.function_name = self.namer.fresh(name, "compiled")
        self.by_reference: dict[str, tuple[Op, int | None, int]] = {}
        # ops without code, per number of inputs n: `square` for the rule, `square_d0` for d/d(input 0)
        self.op_names: dict[tuple[Op, int, int | None], str] = {}  # (op, n, None): its rule; (op, n, i): d/d(input i)
        for node in self.order:
            n = len(node.children)
            if node.op is not None and node.op.code is None and (node.op, n, None) not in self.op_names:
                for i in (None, *range(n)):
                    wanted = (node.op.name, "op") if i is None else (f"{self.op_names[node.op, n, None]}_d{i}",)
                    self.op_names[node.op, n, i] = name = self.namer.fresh(*wanted)
                    self.by_reference[name] = (node.op, i, n)
        self.names = {leaf: self.namer.fresh(leaf.label, fallback) for leaf, fallback in arguments}
        for node in self.order:
            if node.op is not None:
                labelled = bindable(identifier(node.label))
                self.names[node] = self.namer.fresh(node.label) if labelled else self.namer.numbered("z")

    def say(self, key: str, **fields: object) -> str:
        """A comment of the code, in the language it is written in (``code.*`` in the catalogue)."""
        return text(f"code.{key}", self.lang, **fields)

    def term(self, node: Value) -> str:
        """A node's name, or its value as a literal for a constant."""
        return self.names[node] if node in self.names else literal(self.constants[node])

    def gradients(self, wrt: Sequence[Value]) -> dict[Value, str]:
        """The name of the gradient of every node on a path from the root to a leaf in ``wrt``."""
        wanted = set(wrt)
        needs_grad: set[Value] = set()
        for node in self.order:  # children first, so a node knows whether any child needs a gradient
            if node in wanted or any(child in needs_grad for child in node.children):
                needs_grad.add(node)
        return {node: self.namer.fresh("g_" + self.names[node]) for node in self.order if node in needs_grad}

    def program(self, wrt: Sequence[Value], n_inputs: int) -> Program:
        """Both functions: forward lines, backward lines, and the return of output and gradients."""
        lines = [f"# {self.say('forward')}",
                 *(self.forward(node) for node in self.order if node.op is not None)]
        grads = self.gradients(wrt)
        if self.root in grads:
            lines.append(f"# {self.say('backward', root=grads[self.root])}")
            lines.append(f"{grads[self.root]} = 1.0")
            sums = Sums()
            lines.extend(line for node, i in backward_edges(self.root)
                         if (line := self.edge(node, i, grads, sums)) is not None)
        results = [grads.get(node, "0.0") for node in wrt]

        params = [self.names[leaf] for leaf, _ in self.arguments]
        loop_name = self.namer.fresh(self.function_name + "_loop")
        return Program(self.function_name, function(self.function_name, params, lines, self.term(self.root), results),
                       loop_name, self.loop(loop_name, params, n_inputs, lines, results), self.by_reference)

    def loop(self, name: str, params: list[str], n_inputs: int, lines: list[str], results: list[str]) -> str:
        """The per-sample lines in a loop over samples, adding up the output and every gradient."""
        samples, total = self.namer.fresh("samples"), self.namer.fresh("total")
        sums = [self.namer.fresh("sum_" + r) if r != "0.0" else "0.0" for r in results]
        unpack = ", ".join(params[:n_inputs]) + ("," if n_inputs == 1 else "")
        body = [*lines, f"{total} += {self.term(self.root)}", *[f"{s} += {r}" for s, r in zip(sums, results) if r != "0.0"]]
        lines = [f"{total} = 0.0", *[f"{s} = 0.0" for s in sums if s != "0.0"],
                 f"for ({unpack}) in {samples}:", *textwrap.indent("\n".join(body), " " * 4).splitlines()]
        return function(name, [samples, *params[n_inputs:]], lines, total, sums)

    def forward(self, node: Value) -> str:
        """The assignment of one op node, from its children's names."""
        assert node.op is not None
        operands = [self.term(child) for child in node.children]
        return f"{self.names[node]} = {self.apply(node.op, operands)}" + (
            "" if node.op.code is not None else
            f"  # {self.say('by_reference', op=shown_object(node.op.name))}")

    def apply(self, op: Op, operands: Sequence[str]) -> str:
        """``op`` applied to the operands, as an expression: its code, or its own rule by reference."""
        if op.code is not None:
            return op.code.forward.format(*operands)
        return f"{self.op_names[op, len(operands), None]}({', '.join(operands)})"

    def edge(self, node: Value, i: int, grads: Mapping[Value, str], sums: Sums, total: bool = False) -> str | None:
        """The line for one edge into a node that needs a gradient: the child's gradient gets
        the parent's gradient times the local derivative; None if the child needs none.
        ``total``: the contribution is summed over a batch's samples first (``.sum()``)."""
        child = node.children[i]
        if child not in grads:
            return None
        local = self.local_derivative(node, i)
        upstream = grads[node]
        product = upstream if local in ("1.0", "-1.0") else f"{upstream} * {local}"
        if total:
            product = f"{upstream}.sum()" if product == upstream else f"({product}).sum()"
        return sums.add(grads[child], product, "-" if local == "-1.0" else "+", alias=product == upstream)

    def local_derivative(self, node: Value, i: int) -> str:
        """d(node)/d(input i) as source, from the op's code (or its own rule, by reference)."""
        assert node.op is not None
        return self.derivative(node.op, i, [self.term(child) for child in node.children], self.term(node))

    def derivative(self, op: Op, i: int, operands: Sequence[str], out: str) -> str:
        """d(out)/d(input i) of ``op`` applied to the operands, as an expression."""
        if op.code is None:
            return f"{self.op_names[op, len(operands), i]}({', '.join([*operands, out])})"
        return op.code.derivatives[i].format(*operands, out=out)


def function(name: str, params: list[str], lines: list[str], out: str, results: list[str], *more: str) -> str:
    """``def name(params):`` with ``lines`` as its body, returning ``out, (results...), *more``."""
    header = f"def {name}({', '.join(params)}):"
    if len(header) > 100:
        header = f"def {name}(\n{wrap(', '.join(params))}\n):"
    returned = ", ".join(results) + ("," if len(results) == 1 else "")
    after = "".join(f", {m}" for m in more)
    footer = f"return {out}, ({returned}){after}"
    if len(footer) > 96:
        footer = f"return {out}, (\n{wrap(returned)}\n){after}"
    return f"{header}\n{textwrap.indent(chr(10).join([*lines, footer]), ' ' * 4)}\n"


def wrap(items: str) -> str:
    """A long comma-separated list as indented lines of at most 100 characters."""
    return textwrap.indent(textwrap.fill(items, 96, break_long_words=False, break_on_hyphens=False), " " * 4)
