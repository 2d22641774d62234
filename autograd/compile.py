"""Compile: trace a function once on Values, then run its graph as generated Python code.

Eager Values cost about a microsecond or more per node, because every op builds a node and the
backward pass walks the graph. Tracing ``fn`` once records the graph; ``codegen`` writes it out
as straight-line Python (forward, then the chain rule line by line), which runs on new floats
without building any Value. For a whole batch of samples at once, ``batchcode`` writes it as
NumPy code in which each layer's alike ops are one matrix operation (``vectorize`` finds them).

>>> from autograd import Value, compile
>>> def neuron(x, w, b):
...     return (x[0] * w[0] + x[1] * w[1] + b).tanh()
>>> w = [Value(0.5, label="w1"), Value(-0.3, label="w2")]; b = Value(0.1, label="b")
>>> f = compile(neuron, ([1.0, 2.0], w, b), wrt=[*w, b])
>>> out, (g_w1, g_w2, g_b) = f([0.5, -1.0], [0.5, -0.3], 0.1)
"""

from __future__ import annotations

import builtins
import linecache
import traceback
import types
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import count, islice
from typing import Any, Literal

from .backward import topological_order
from .batchcode import BatchProgram, generate_batch
from .codegen import Program, generate
from .collector import gc_paused
from .floats import as_float
from .func import parameter_names
from .language import resolve
from .messages import shown_object
from .mode import enable_grad
from .namespaces import FLOATS, by_reference, numpy_namespace
from .ops import Op
from .value import Value, apply

Tree = Any  # a leaf, or a list or tuple of trees
_programs = count(1)
MAX_NODES = 100_000
"""compile's default ``max_nodes``: the largest traced graph it writes code for."""


def compile(
    fn: Callable[..., Value],
    example_inputs: Sequence[Tree],
    wrt: Value | Sequence[Tree] | None = None,
    check: bool = False,
    max_nodes: int = MAX_NODES,
    lang: str | None = None,
) -> Compiled:
    """Trace ``fn(*example_inputs)`` once and return a ``Compiled`` function of new float inputs.

    ``example_inputs`` holds fn's arguments, each a Value or a number, or a (nested) list or tuple
    of them; numbers become leaf Values. ``wrt`` says which gradients to return and in what
    structure: leaf Values (or lists and tuples of them) among the inputs or captured by ``fn``,
    such as ``model.parameters()``. It defaults to every input leaf, structured like the inputs.

    Limits: the trace records one path through Python's control flow, so a function with an
    ``if`` on a Value's data must be compiled again for inputs that take the other branch;
    ``check=True`` retraces on every call and raises when the graph differs (slow: for
    debugging). Ops that branch on data (relu, abs, leaky_relu) are compiled branch-free and
    stay right. Captured leaves not in ``wrt`` are constants: their current value is written
    into the code, as a float literal. ``wrt`` leaves that are not inputs are read from ``.data``
    at every call.

    ``max_nodes`` bounds the work: a traced graph with more nodes (leaves included, nn's fused
    neurons counted as the arithmetic they are written out as) is refused before any code is
    written. The default, 100,000, admits the demo MLP's per-sample step (MLP(2, [16, 16, 1]) with
    a hinge loss: about 1,000 nodes, 2,000 lines) a hundred times over; compiling 100,000 nodes
    (that step traced over 100 samples at once) took 3 s (5 s on a busy machine) and 0.8 GB here,
    growing in proportion. The traced graph is kept, to write the batch code on first use.

    The comments of the code (``source``, ``batch_source``) are in ``lang``, by default the
    language in effect when ``compile`` is called (``autograd.set_language``).
    """
    if not isinstance(example_inputs, (list, tuple)):
        raise TypeError(
            f"compile: example_inputs must be a tuple of fn's arguments, e.g. (x,) for one argument; "
            f"got {type(example_inputs).__name__}"
        )
    if type(max_nodes) is not int or max_nodes < 1:
        raise ValueError(f"compile: max_nodes must be a whole number >= 1, got {max_nodes!r}")
    lang = resolve(lang)
    names = parameter_names(fn, len(example_inputs), fallback="arg")
    arguments = tuple(_as_values(tree, name, ()) for tree, name in zip(example_inputs, names))
    inputs = _input_leaves(arguments, names)
    wrt = arguments if wrt is None else wrt
    wanted = _leaves(wrt)
    for leaf in wanted:
        _check_leaf(leaf, "wrt entry")
    captured = list(dict.fromkeys(leaf for leaf in wanted if leaf not in inputs))
    order = _record(fn, arguments, max_nodes)
    parameters = {*inputs, *captured}
    constants = {node: _constant(node) for node in order if node.op is None and node not in parameters}
    fn_name = getattr(fn, "__name__", "")
    fn_name = fn_name if isinstance(fn_name, str) and fn_name != "<lambda>" else "compiled"
    graph = _Graph(order, list(inputs.items()), [(leaf, f"p{k}") for k, leaf in enumerate(captured)],
                   constants, wanted, fn_name, lang)
    program = generate(graph.order, graph.inputs, graph.captured, graph.constants, graph.wrt, graph.name, lang)
    shape = _graph_shape(order, list(inputs), captured) if check else None
    return Compiled(fn, program, graph, arguments, names, wrt, shape)


@dataclass(frozen=True)
class _Graph:
    """A traced graph and what code generation needs of it: the arguments' leaves, constants, wrt, a name."""

    order: list[Value]
    inputs: list[tuple[Value, str]]  # each input leaf with its fallback name
    captured: list[tuple[Value, str]]
    constants: dict[Value, float]
    wrt: list[Value]
    name: str
    lang: str  # of the code's comments


class Compiled:
    """A traced function as generated code: ``f(*inputs)`` for one sample, ``f.batch`` for many.

    ``source`` is the generated Python, ``batch_source`` the NumPy code ``batch`` runs. Calling
    returns ``(output, gradients)``, the gradients structured like ``wrt``. No Value is created,
    except when ``check=True`` retraces.
    """

    def __init__(self, fn: Callable[..., Value], program: Program, graph: _Graph, arguments: tuple[Tree, ...],
                 argument_names: list[str], wrt: Tree, shape: list[tuple[Any, Any]] | None) -> None:
        self.fn, self.program, self.wrt, self._graph = fn, program, wrt, graph
        self._arguments, self._argument_names, self._shape = arguments, argument_names, shape
        self._inputs = [leaf for leaf, _ in graph.inputs]
        self._captured = [leaf for leaf, _ in graph.captured]
        self._rebuild = _rebuilder(wrt)
        inputs = {leaf: k for k, leaf in enumerate(self._inputs)}
        captured = {leaf: k for k, leaf in enumerate(self._captured)}
        # each wrt leaf: (its input index, None) or (None, its index among the captured leaves)
        self._wrt_places = [(inputs[leaf], None) if leaf in inputs else (None, captured[leaf]) for leaf in _leaves(wrt)]
        self._wrt_is_captured = [c for _, c in self._wrt_places] == list(range(len(captured)))  # wrt=model.parameters()
        text = program.source + "\n" + program.loop_source
        self._filename = self._cache_lines(f"<compiled {program.name} #{next(_programs)}>", text)
        namespace = {**FLOATS, **by_reference(program.by_reference, vectorise=False)}
        exec(builtins.compile(text, self._filename, "exec"), namespace)  # noqa: S102 - code the compiler wrote
        self._on_floats, self._loop = namespace[program.name], namespace[program.loop_name]
        self._batch_programs: dict[tuple[bool, ...], BatchProgram] = {}  # per which inputs are per sample
        self._batch_functions: dict[tuple[bool, ...], tuple[str, Callable[..., Any]]] = {}

    def _cache_lines(self, filename: str, text: str) -> str:
        """Register generated code under ``filename`` so that tracebacks show its lines, for this object's life."""
        linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
        weakref.finalize(self, linecache.cache.pop, filename, None)
        return filename

    @property
    def source(self) -> str:
        """The generated Python code: forward, one line per op; backward, one line per chain-rule step."""
        return self.program.source

    @property
    def batch_source(self) -> str:
        """The NumPy code ``batch`` runs when every input has one entry per sample (written on first use).

        Each group of alike ops (a layer's sums of products, an activation over a layer) is one
        line of array code, with a comment saying which scalar ops it replaces; the rest is
        written as in ``source``. See ``autograd.vectorize`` for what groups.
        """
        return self._batch_program((True,) * len(self._inputs)).source

    def __repr__(self) -> str:
        return f"<compiled {self.program.name}: {len(self._inputs)} inputs, {len(self._captured)} captured>"

    def __call__(self, *args: Tree) -> tuple[float, Any]:
        """Output and gradients for one sample: ``args`` structured like ``example_inputs``, numbers for Values."""
        flat = self._flat(args, self.program.name)
        out, grads = self._on_floats(*flat, *[leaf.data for leaf in self._captured])
        return out, self._rebuild(iter(grads))

    def loop(self, samples: Iterable[Sequence[Tree]], reduction: Literal["sum", "mean"] = "sum") -> tuple[float, Any]:
        """Run the code on each sample in plain Python: the sum (or mean) of the outputs and of the gradients.

        ``samples`` yields each sample's arguments, e.g. ``zip(X, y)``. Captured ``wrt`` leaves (a
        model's parameters) are read once, before the first sample. No NumPy needed. The loop is
        generated code too (``program.loop_source``): it adds the gradients up as it goes.
        """
        _check_reduction(reduction)
        what = f"each sample of {self.program.name}.loop"
        flat = [self._flat(tuple(args), what) for args in samples]
        if not flat:
            raise ValueError(f"compile: {self.program.name}.loop got no samples")
        total, sums = self._loop(flat, *[leaf.data for leaf in self._captured])
        n = len(flat)
        scale = 1.0 / n if reduction == "mean" else 1.0
        return total * scale, self._rebuild(g * scale for g in sums)

    def batch(self, *args: Tree, reduction: Literal["sum", "mean"] = "sum") -> tuple[float, Any]:
        """Run the whole batch at once on NumPy arrays (``batch_source``). Needs NumPy.

        Pass each argument as for one sample (shared by every sample) or as an array with one
        more, leading, axis: one entry per sample (x of shape (n, 2) for an argument like
        ``[x0, x1]``). Returns the sum (or mean) of the outputs and the gradient of that sum (or
        mean): summed over samples for shared inputs and captured Values such as a model's
        parameters; one entry per sample, an array of shape (n,), for per-sample inputs.
        """
        import numpy as np

        _check_reduction(reduction)
        self._check_count(args, f"{self.program.name}.batch")
        flat: list[Any] = []
        sizes = {n for template, arg, name in zip(self._arguments, args, self._argument_names)
                 if (n := _flatten_batch(template, arg, name, flat, np)) is not None}
        if len(sizes) > 1:
            raise ValueError(f"compile: batch arguments of {self.program.name} disagree on the batch size: {sorted(sizes)}")
        n = sizes.pop() if sizes else 1
        if self._shape is not None:
            for i in range(n):
                self._retrace([float(x[i]) if np.ndim(x) else x for x in flat])
        per_sample = tuple(isinstance(x, np.ndarray) for x in flat)
        params = np.array([leaf.data for leaf in self._captured], dtype=float)
        out, input_grads, param_grads = self._run_batch(per_sample, [n, *flat, params], np)
        scale = 1.0 / n if reduction == "mean" else 1.0
        total = float(np.sum(out)) if np.ndim(out) else float(out) * n
        captured = (param_grads * scale).tolist()
        grads = captured if self._wrt_is_captured else [
            captured[c] if k is None else
            np.broadcast_to(input_grads[k], (n,)) * scale if per_sample[k] else float(input_grads[k]) * scale
            for k, c in self._wrt_places]
        return total * scale, self._rebuild(iter(grads))

    def _flat(self, args: tuple[Tree, ...], what: str) -> list[float]:
        """One sample's arguments as the generated function's float parameters (checked, retraced if asked)."""
        self._check_count(args, what)
        flat: list[float] = []
        for template, arg, name in zip(self._arguments, args, self._argument_names):
            _flatten(template, arg, name, flat)
        if self._shape is not None:
            self._retrace(flat)
        return flat

    def _check_count(self, args: tuple[Tree, ...], what: str) -> None:
        """TypeError unless ``what`` (the call, in words) got one argument per example input, saying which."""
        n = len(self._arguments)
        if len(args) != n:
            batch = what.endswith(".batch")
            expected = "; ".join(_expected(name, template, batch)
                                 for name, template in zip(self._argument_names, self._arguments))
            arguments = "argument" if n == 1 else "arguments"
            raise TypeError(f"compile: {what} takes {n} {arguments}, got {len(args)}: {expected}")

    def _batch_program(self, per_sample: tuple[bool, ...]) -> BatchProgram:
        """The batch program for inputs that are per sample (True) or shared: grouped and written on first use."""
        if per_sample not in self._batch_programs:
            g = self._graph
            self._batch_programs[per_sample] = generate_batch(g.order, g.inputs, g.captured, g.constants, g.wrt,
                                                              g.name, per_sample, g.lang)
        return self._batch_programs[per_sample]

    def _batch_function(self, per_sample: tuple[bool, ...], np: types.ModuleType) -> tuple[str, Callable[..., Any]]:
        """The batch program as a function on NumPy arrays, and the file name its tracebacks show."""
        if per_sample not in self._batch_functions:
            program = self._batch_program(per_sample)
            filename = self._cache_lines(f"<compiled {program.name} #{next(_programs)}>", program.source)
            namespace = {**numpy_namespace(), **by_reference(program.by_reference, vectorise=True), "np": np,
                         "__builtins__": builtins}
            exec(builtins.compile(program.source, filename, "exec"), namespace)  # noqa: S102 - code the compiler wrote
            self._batch_functions[per_sample] = filename, namespace[program.name]
        return self._batch_functions[per_sample]

    def _run_batch(self, per_sample: tuple[bool, ...], arguments: list[Any], np: types.ModuleType) -> Any:
        """Call the batch program; NumPy's invalid operations raise, naming the line."""
        filename, run = self._batch_function(per_sample, np)
        try:
            with np.errstate(divide="raise", invalid="raise", over="ignore", under="ignore"):
                return run(*arguments)
        except FloatingPointError as error:
            raise ValueError(
                f"compile: NumPy batch of {self.program.name}: {error} at "
                f"{shown_object(_failing_line(error, filename))}: "
                f"some sample is outside an op's domain (log or sqrt of a negative number, division by zero, "
                f"inf * 0, ...). Call the compiled function on single samples to find it."
            ) from None

    def _retrace(self, flat: list[float]) -> None:
        """check=True: trace ``fn`` again on these inputs and raise if the graph differs."""
        leaves = [Value(x, leaf.label) for x, leaf in zip(flat, self._inputs)]
        replace = dict(zip(self._inputs, leaves))
        arguments = [_rebuilder(tree)(replace[leaf] for leaf in _leaves(tree)) for tree in self._arguments]
        shape = _graph_shape(_record(self.fn, arguments), leaves, self._captured)
        if shape != self._shape:
            traced = self._shape or []
            k = next((i for i, (a, b) in enumerate(zip(shape, traced)) if a != b), min(len(shape), len(traced)))
            raise ValueError(
                f"compile(check=True): {self.program.name} records a different graph for the inputs {flat} than "
                f"for the example inputs: node {k} is {_describe(shape, k)} here, {_describe(traced, k)} in the trace. "
                f"Its Python control flow depends on the data (an `if` on a Value's data?), so the compiled code does "
                f"not apply. Compile again with such inputs, or use a branch-free op (relu, abs, leaky_relu)."
            )


def _failing_line(error: BaseException, filename: str) -> str:
    """The generated line that raised, from the traceback, without its comment."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == filename]
    return (frames[-1].line or "?").split("  # ")[0].strip() if frames else "?"


def _describe(shape: list[tuple[Any, Any]], k: int) -> str:
    """Node ``k`` of a graph shape in words, for check=True's error."""
    if k >= len(shape):
        return f"missing ({len(shape)} nodes)"
    kind, detail = shape[k]
    if isinstance(kind, Op):
        return f"op {shown_object(kind.name)} of nodes {list(detail)}"
    return f"{kind} {detail}"


def _check_reduction(reduction: str) -> None:
    if reduction not in ("sum", "mean"):
        raise ValueError(f"compile: reduction must be 'sum' or 'mean', got {reduction!r}")


# ---------------------------------------------------------------- tracing


def _record(fn: Callable[..., Value], arguments: Sequence[Tree], max_nodes: int | None = None) -> list[Value]:
    """Run ``fn`` on Values with recording on (even inside ``no_grad``): its graph, root last, expanded.

    With ``max_nodes``, a graph of more nodes is refused right after tracing, before code is written.
    """
    with enable_grad(), gc_paused():  # a trace makes no cycles: the collector need not walk the heap
        root = fn(*arguments)
        if not isinstance(root, Value):
            raise TypeError(f"compile: {shown_object(getattr(fn, '__name__', '?'))} must return a Value, "
                            f"got {type(root).__name__}")
        order = _expanded(topological_order([root]))
        if max_nodes is not None and len(order) > max_nodes:
            raise ValueError(
                f"compile: the traced graph has {len(order):,} nodes, more than max_nodes={max_nodes:,}. "
                f"Code for so many lines takes long to write and much memory to compile. Compile the step "
                f"of one sample (then use .loop or .batch over samples) or one layer, rather than a whole "
                f"batch traced into one graph; or pass a larger max_nodes."
            )
        return order


def _expanded(order: list[Value]) -> list[Value]:
    """The graph again, with every op that has an ``expand`` rule rebuilt from built-in ops.

    nn's neuron, one ``w·x+b`` node, becomes ``b + w1*x1 + ... + wn*xn`` in the same order of
    operations, so the compiled code is plain arithmetic and its results stay bit for bit equal.
    """
    if all(node.op is None or node.op.expand is None for node in order):
        return order
    rebuilt: dict[Value, Value] = {}
    for node in order:
        if node.op is None:
            rebuilt[node] = node
            continue
        children = [rebuilt[child] for child in node.children]
        out = node.op.expand(*children) if node.op.expand is not None else apply(node.op, *children)
        if not isinstance(out, Value):
            raise TypeError(f"compile: the expand rule of op {shown_object(node.op.name)} returned "
                            f"{type(out).__name__}, not a Value")
        out.label = node.label
        rebuilt[node] = out
    return topological_order([rebuilt[order[-1]]])


def _graph_shape(order: list[Value], inputs: list[Value], captured: list[Value]) -> list[tuple[Any, Any]]:
    """The graph as data: per node, its op and children's positions, or which input or constant it is."""
    position = {node: i for i, node in enumerate(order)}
    leaf_kind = {**{leaf: ("input", k) for k, leaf in enumerate(inputs)},
                 **{leaf: ("captured", k) for k, leaf in enumerate(captured)}}
    return [
        leaf_kind.get(node) or ("constant", float.__repr__(_constant(node))) if node.op is None
        else (node.op, tuple(position[child] for child in node.children))
        for node in order
    ]


# ---------------------------------------------------------------- input structures


def _as_values(tree: Tree, name: str, path: tuple[int, ...]) -> Tree:
    """The example inputs with every number made a leaf Value labelled by its place, e.g. ``x0``."""
    if isinstance(tree, (list, tuple)):
        return type(tree)(_as_values(t, name, (*path, i)) for i, t in enumerate(tree))
    if isinstance(tree, Value):
        return tree
    return Value(as_float(tree, f"compile: example input {_place(name, path)}"), _default_name(name, path))


def _input_leaves(arguments: tuple[Tree, ...], names: list[str]) -> dict[Value, str]:
    """Every input leaf, in argument order, with its fallback name; each must be a distinct leaf."""
    inputs: dict[Value, str] = {}
    for tree, name in zip(arguments, names):
        for path, leaf in _paths(tree, ()):
            _check_leaf(leaf, f"example input {_place(name, path)}")
            if leaf in inputs:
                raise ValueError(f"compile: the {_named(leaf)} appears twice in example_inputs, "
                                 f"the second time at {_place(name, path)}: pass distinct leaves")
            inputs[leaf] = _default_name(name, path)
    return inputs


def _check_leaf(leaf: Any, what: str) -> None:
    if not isinstance(leaf, Value):
        raise TypeError(f"compile: {what} must be a Value, got {type(leaf).__name__}")
    if leaf.op is not None:
        raise ValueError(f"compile: {what} must be a leaf Value, but {_named(leaf)} was made by "
                         f"{shown_object(leaf.op.name)}; pass a leaf (e.g. its .detach())")


def _constant(leaf: Value) -> float:
    """A constant leaf's number as an exact float, for the code to write with float's own repr.

    A float subclass (NumPy's float64 is one) gives its stored number, so none of its methods
    runs; other real numbers (a Fraction, an int) go through ``as_float``. Anything else in
    ``.data`` (assigned after the Value was made) is a TypeError naming the leaf.
    """
    data = leaf.data
    if isinstance(data, float):
        return float.__float__(data)
    try:
        return as_float(data, "its data")
    except TypeError:
        raise TypeError(f"compile: the constant {_named(leaf)} holds {type(data).__name__}, not a real "
                        f"number; give it a float .data (or pass it as an input or in wrt)") from None
    except OverflowError as error:  # an int or Fraction beyond the largest float
        raise OverflowError(f"compile: the constant {_named(leaf)}: {error}") from None


def _named(leaf: Value) -> str:
    """A Value in an error message: its label, shown safely, else its data when that is a float."""
    if leaf.label:
        return f"Value {shown_object(leaf.label)}"
    if isinstance(leaf.data, float):
        return f"Value (unlabelled, data {float.__repr__(leaf.data)})"
    return "Value (unlabelled)"


def _paths(tree: Tree, path: tuple[int, ...]) -> Iterator[tuple[tuple[int, ...], Any]]:
    if isinstance(tree, (list, tuple)):
        for i, t in enumerate(tree):
            yield from _paths(t, (*path, i))
    else:
        yield path, tree


def _leaves(tree: Tree) -> list[Any]:
    """The leaves of a tree, depth first: the order of the generated function's parameters."""
    return [leaf for _, leaf in _paths(tree, ())]


def _rebuilder(tree: Tree) -> Callable[[Iterator[Any]], Tree]:
    """A function that fills a tree of this structure from an iterator of leaves, in order."""
    if not isinstance(tree, (list, tuple)):
        return next
    kind, parts = type(tree), [_rebuilder(t) for t in tree]
    if all(part is next for part in parts):
        return lambda leaves: kind(islice(leaves, len(parts)))
    return lambda leaves: kind([part(leaves) for part in parts])


def _default_name(name: str, path: tuple[int, ...]) -> str:
    return name + "_".join(map(str, path))


def _place(name: str, path: tuple[int, ...]) -> str:
    """Where a leaf sits in the example inputs, as the user would index it: ``x[0][1]``."""
    return name + "".join(f"[{i}]" for i in path)


def _flatten(template: Tree, value: Any, where: str, out: list[float]) -> None:
    """Append the numbers of ``value`` to ``out``, checking that it is structured like ``template``."""
    if isinstance(template, (list, tuple)):
        if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") or len(value) != len(template):
            raise ValueError(f"compile: input {where} must be a sequence of {len(template)} numbers "
                             f"(as in example_inputs), got {value!r}")
        for i, (t, v) in enumerate(zip(template, value)):
            _flatten(t, v, f"{where}[{i}]", out)
    else:
        out.append(as_float(value, f"compile: input {where}"))


def _flatten_batch(template: Tree, value: Any, where: str, out: list[Any], np: types.ModuleType) -> int | None:
    """Append one float or one (n,) array per leaf; return n for a per-sample argument, None if shared."""
    shape = _rectangular_shape(template)
    if shape is None:  # lists of different lengths make no array: such an argument is shared
        _flatten(template, value, where, out)
        return None
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as error:
        raise ValueError(f"compile: batch argument {where} is not an array of numbers: {error}") from None
    if array.dtype.kind not in "biuf":  # asarray(..., dtype=float) would make None a NaN and "1" a 1.0
        raise ValueError(f"compile: batch argument {where} is not an array of numbers (dtype {array.dtype})")
    array = array.astype(float, copy=False)
    if array.shape == shape:
        out.extend(array.reshape(-1).tolist())
        return None
    if array.shape[1:] != shape or not len(array):
        raise ValueError(f"compile: batch argument {where} has shape {array.shape}; expected "
                         f"{_expected_shapes(shape)}")
    if array.size:
        out.extend(np.ascontiguousarray(array.reshape(len(array), -1).T))
    return len(array)


def _expected(name: str, template: Tree, batch: bool) -> str:
    """What argument ``name`` should be, in words: for a batch its array shapes, else its structure."""
    shape = _rectangular_shape(template)
    if batch and shape is not None:
        return f"{name} of shape {_expected_shapes(shape)}"
    if not isinstance(template, (list, tuple)):
        return f"{name} a number"
    if shape is None:
        return f"{name} structured as in example_inputs"
    return f"{name} of shape {_shape_text(shape)}"


def _expected_shapes(shape: tuple[int, ...]) -> str:
    """The two shapes a batch argument may have, for messages."""
    return (f"{_shape_text(shape)} (shared by every sample) "
            f"or {_shape_text(('n', *shape))} with n >= 1 (one entry per sample)")


def _shape_text(shape: tuple[int | str, ...]) -> str:
    """A shape as NumPy prints it, with ``n`` for the number of samples: ``(n, 2)``, ``(n,)``, ``()``."""
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def _rectangular_shape(tree: Tree) -> tuple[int, ...] | None:
    """The array shape of a nested list of leaves, or None if its lists differ in length or depth."""
    if not isinstance(tree, (list, tuple)):
        return ()
    shapes = {_rectangular_shape(t) for t in tree}
    if not shapes:
        return (0,)
    inner = shapes.pop()
    return None if shapes or inner is None else (len(tree), *inner)
