"""chainrule as the reference that checks a micrograd-style scalar autograd engine.

``check(Value)`` (or ``check("my_engine:Value")``, or ``python -m autograd.reference my_engine:Value``)
runs a suite of cases against any class built from a number with ``.data``, ``.grad``, arithmetic
operators and ``.backward()``: each op's local derivatives, a node used twice, diamond-shaped
graphs, numbers on either side of every operator, a chain of 10,000 ops, two ``backward()`` calls
and whole expressions. Expected numbers come from chainrule: local derivatives from the op table,
everything else from building the same expression with ``autograd.Value``.

The checker's parts: the cases (``reference_cases``), running the learner's code apart from the
checker under a timeout (``reference_isolation``), observing and judging each case (here), the
report as text or JSON and grading mode (``reference_report``) with its sentences in English and
Korean (``reference_messages``), and drawings of a failing case (``reference_draw``).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.util
import io
import math
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, partial
from typing import Any

from .arguments import real
from .format import format_number
from .language import LANGUAGES, resolve
from .messages import shown, shown_object
from .reference_cases import (
    CASES,
    ERROR,
    FAIL,
    FORMULAS,
    MISSING,
    PASS,
    SKIPPED,
    TIMEOUT,
    Case,
    Hint,
    Message,
    chain,
    checks_named,
)
from .reference_isolation import (
    CAN_FORK,
    Outcome,
    Progress,
    Raised,
    TimedOut,
    error_text,
    run_apart,
    traceback_text,
)
from .reference_report import Report, grade
from .value import Value

DEFAULT_TIMEOUT = 5.0  # seconds per case
GRAPH_LIMIT = 100  # a learner's graph is read (to localise a difference, to draw it) up to this many nodes
RTOL, ATOL = 1e-6, 1e-9


# ---------------------------------------------------------------- what an engine does with a case

Number = float | str  # what the engine gave: a number, or (when it is not one) its repr


@dataclass(frozen=True)
class GraphNode:
    """One node of a graph as read through micrograd's ``_prev`` and ``_op`` (or ``children`` and ``op``)."""

    op: str
    data: Number
    grad: Number
    children: tuple[int, ...]  # positions of earlier nodes: the graph is listed children first
    name: str  # the case's name for the node, or ""


@dataclass(frozen=True)
class Observation:
    """A case as an engine computed it: each named node's data, and its grad after each ``backward()``."""

    data: Mapping[str, Number]
    grads: tuple[Mapping[str, Number], ...]
    graph: tuple[GraphNode, ...] | None = None  # where the engine exposes its graph (and it is small)
    deepest: int | None = None  # a chain whose backward() hit the recursion limit: the longest that worked
    traceback: str = ""  # ... and where it hit the limit


@dataclass(frozen=True)
class Result:
    """A case's verdict (``PASS`` ... ``SKIPPED``), the sentences that explain it, and what was seen."""

    case: Case
    status: str
    messages: tuple[Message, ...] = ()
    traceback: str = ""
    observed: Observation | None = None
    expected: Observation | None = None
    node: str = ""  # the named node where the learner's numbers first part from chainrule's


def _quiet(phase: str) -> None:
    """Progress reports go nowhere when chainrule computes a case itself."""


def observe(case: Case, engine: Any, progress: Progress = _quiet) -> Observation:
    """Run ``case`` on ``engine`` (a Value class): build it, call ``backward()`` on its output, read the numbers."""
    progress("forward")
    leaves = [engine(x) for _, x in case.leaves]
    nodes = dict(zip([name for name, _ in case.leaves], leaves)) | case.build(*leaves)
    output = list(nodes.values())[-1]
    data = {name: _number(node.data) for name, node in nodes.items()}
    grads = []
    for call in range(case.backward_calls):
        progress("backward_again" if call else "backward")
        try:
            output.backward()
        except RecursionError as error:
            if not case.chain:
                raise
            return Observation(data, (), deepest=_deepest_chain(engine, case.chain), traceback=traceback_text(error))
        grads.append({name: _number(node.grad) for name, node in nodes.items()})
    try:
        graph = _graph(output, nodes)
    except Exception:  # noqa: BLE001 - the graph only helps to say where numbers part; it is optional
        graph = None
    return Observation(data, tuple(grads), graph)


@cache
def expected(case: Case) -> Observation:
    """What chainrule computes for ``case``: an op's local derivatives from the op table, else its own backward()."""
    computed = observe(case, Value)
    if case.op is None:
        return computed
    inputs = [x for _, x in case.leaves + case.constants]
    out = case.op.forward(*inputs)
    local = case.op.derivatives(*inputs, out)
    grads = {name: float(d) for (name, _), d in zip(case.leaves, local)}
    return Observation(dict(case.leaves) | {"out": out}, (grads | {"out": 1.0},), computed.graph)


def _number(x: Any) -> Number:
    try:
        return float(x)
    except Exception:  # noqa: BLE001 - not a number (None, a Value): the report shows what it is
        return shown_object(x)


def _deepest_chain(engine: Any, length: int) -> int:
    """The longest chain (less than ``length`` ops) whose backward() stays under the recursion limit."""
    works, fails = 0, length
    while fails - works > 1:
        middle = (works + fails) // 2
        try:
            chain(engine(0.5), middle)["out"].backward()
        except RecursionError:
            fails = middle
        else:
            works = middle
    return works


def _graph(output: Any, named: Mapping[str, Any]) -> tuple[GraphNode, ...] | None:
    """The graph behind ``output``, children first, if the engine exposes it and it has at most GRAPH_LIMIT nodes."""
    reader = next(((children, op) for children, op in (("_prev", "_op"), ("children", "op"))
                   if hasattr(output, children)), None)  # fmt: skip
    if reader is None:
        return None
    children, op = reader
    order: list[Any] = []
    seen, stack = {id(output)}, [output]
    while stack:  # depth first, iteratively: a node is listed once all its children are
        node = stack[-1]
        for child in getattr(node, children):
            if id(child) not in seen:
                seen.add(id(child))
                stack.append(child)
                break
        else:
            order.append(stack.pop())
        if len(seen) > GRAPH_LIMIT:
            return None
    index = {id(node): i for i, node in enumerate(order)}
    names = {id(node): name for name, node in named.items()}
    return tuple(
        GraphNode(_op_text(getattr(node, op, None)), _number(node.data), _number(node.grad),
                  tuple(index[id(child)] for child in getattr(node, children)), names.get(id(node), ""))
        for node in order
    )  # fmt: skip


def _op_text(op: Any) -> str:
    """An op as the engine names it: micrograd's ``'*'``, chainrule's ``Op('*')`` by its name."""
    text = op if isinstance(op, str) else "" if op is None else getattr(op, "name", type(op).__name__)
    return shown(str(text), 20)


# ---------------------------------------------------------------- verdicts


def _judge(case: Case, outcome: Outcome, timeout: float) -> Result:
    """A case's verdict from what running it on the learner's engine gave."""
    if isinstance(outcome, TimedOut):
        return Result(case, TIMEOUT, (("timed_out", {"timeout": f"{timeout:g}", "phase": outcome.phase}),))
    if isinstance(outcome, Raised):
        if case.refusal_is_missing and outcome.phase == "forward":
            return Result(case, MISSING, (("refused", {"error": shown(outcome.error, 120)}),))
        hint = (_hint(case.hint, ""),) if case.hint and case.hint.on_error else ()
        raised = ("raised", {"phase": outcome.phase, "error": shown(outcome.error, 200)})
        return Result(case, ERROR, (raised, *hint), outcome.traceback)
    got: Observation = outcome.value
    want = expected(case)
    if got.deepest is not None:
        depth = {"ops": f"{case.chain:,}", "limit": f"{sys.getrecursionlimit():,}", "deepest": f"{got.deepest:,}"}
        return Result(case, FAIL, (("recursive_sort", depth),), got.traceback, got, want)
    node, messages = _differences(case, want, got)
    return Result(case, FAIL if messages else PASS, messages, "", got, want, node)


def _differences(case: Case, want: Observation, got: Observation) -> tuple[str, tuple[Message, ...]]:
    """Where the numbers part and what differs, in the learner's terms: the first wrong value of the
    forward pass, else the wrong gradients (none: the case passes)."""
    for name, value in want.data.items():
        if not _close(got.data[name], value):
            numbers = _numbers(name, got.data[name], value)
            if case.op is not None:
                return name, (("wrong_forward_op", numbers),)
            return name, (("wrong_forward", numbers),)
    leaves = [name for name, _ in case.leaves]
    for call, (wanted, grads) in enumerate(zip(want.grads, got.grads)):
        wrong = [name for name in leaves if not _close(grads[name], wanted[name])]
        if not wrong:
            continue
        again: tuple[Message, ...] = (("after_second", {}),) if call else ()
        if case.op is not None:
            return wrong[0], again + tuple(_wrong_local(case, leaves.index(name), grads[name], wanted[name])
                                           for name in wrong)  # fmt: skip
        listed = tuple(("wrong_leaf", _numbers(name, grads[name], wanted[name])) for name in wrong[:3])
        more: tuple[Message, ...] = (("more_leaves", {"count": str(len(wrong) - 3)}),) if len(wrong) > 3 else ()
        first = next(name for name in reversed(list(wanted)) if not _close(grads[name], wanted[name]))
        return first, again + listed + more + _localised(case, first, call, want, got)
    return "", ()


def _localised(case: Case, first: str, call: int, want: Observation, got: Observation) -> tuple[Message, ...]:
    """Where the gradients part, walking back from the output, and the hint for that node."""
    is_leaf = first in dict(case.leaves)
    where: Message = (("interior_right", {"node": first}) if is_leaf else
                      ("first_difference", _numbers(first, got.grads[call][first], want.grads[call][first])))
    messages = [where]
    users = _users(got.graph, first) if got.graph else ""
    if users:
        messages.append(("feeds", {"node": first, "ops": users}))
    if call:
        twice = "hint_twice_leaf" if is_leaf else "hint_twice_interior"
        messages.append((twice, {"node": first, "before": _shown_number(got.grads[0][first])}))
    elif case.hint:
        messages.append(_hint(case.hints.get(first, case.hint), first))
    return tuple(messages)


def _users(graph: tuple[GraphNode, ...], name: str) -> str:
    """The ops of the learner's graph that take the node called ``name`` as an input: ``'*' (d), 'ReLU'``."""
    position = next((i for i, node in enumerate(graph) if node.name == name), None)
    users = [node for node in graph if position in node.children]
    return ", ".join(f"'{node.op}'" + (f" ({node.name})" if node.name else "") for node in users)


def _wrong_local(case: Case, index: int, actual: Number, wanted: Number) -> Message:
    """An op's wrong local derivative with respect to its input ``index``, next to the table's formula."""
    assert case.op is not None
    name = case.leaves[index][0]
    return "wrong_local", _numbers(name, actual, wanted) | {"input": name, "formula": FORMULAS[case.op.name][index]}


def _hint(hint: Hint, node: str) -> Message:
    return hint.key, {"node": node, **hint.params}


def _numbers(node: str, actual: Number, wanted: Number) -> dict[str, str]:
    shown_actual, shown_wanted = _pair(actual, wanted)
    return {"node": node, "actual": shown_actual, "expected": shown_wanted}


def _shown_number(x: Number) -> str:
    return shown(x) if isinstance(x, str) else format_number(x)


def _pair(actual: Number, wanted: Number) -> tuple[str, str]:
    """Both numbers with the fewest significant digits (4 at least) that tell them apart."""
    if isinstance(actual, str) or isinstance(wanted, str):
        return _shown_number(actual), _shown_number(wanted)
    for precision in (4, 7, 10, 17):
        texts = format_number(actual, precision), format_number(wanted, precision)
        if texts[0] != texts[1]:
            break
    return texts


def _close(actual: Number, wanted: Number) -> bool:
    if isinstance(actual, str) or isinstance(wanted, str):
        return actual == wanted
    if math.isnan(wanted) or math.isinf(wanted):
        return actual == wanted or (math.isnan(actual) and math.isnan(wanted))
    return math.isclose(actual, wanted, rel_tol=RTOL, abs_tol=ATOL)


# ---------------------------------------------------------------- checking an engine


def check(
    engine: Any, *, require: Iterable[str] | str = (), lang: str | None = None, timeout: float = DEFAULT_TIMEOUT
) -> Report:
    """Run every case on ``engine``, a micrograd-style Value class or ``"MODULE:ATTR"``; the report of it all.

    MODULE is a module name (``micrograd.engine:Value``) or a ``.py`` file. Cases the engine lacks the
    methods for are MISSING, which fails only the checks named in ``require`` (``"tanh,exp"``).
    Each case runs the engine's code apart from the checker (a child process; a thread where the
    system cannot fork), stopped after ``timeout`` seconds. ``lang`` is the report's language (default: ``autograd.set_language``'s).
    """
    lang = resolve(lang)
    timeout = real(timeout, "check: timeout", low=0.0, low_open=True)
    required = checks_named(require, "check: require")
    if isinstance(engine, str):
        module, attribute = _parse(engine)
        try:
            with contextlib.redirect_stdout(io.StringIO()):  # what the module prints as it loads is not the report
                engine_class = load(module, attribute)
        except (Exception, SystemExit) as error:  # noqa: BLE001 - the learner's module failing to load is a finding
            return Report(engine, (), required, lang, timeout, CAN_FORK, (error_text(error), traceback_text(error)))
        name = engine
    elif callable(engine):
        engine_class, name = engine, f"{getattr(engine, '__module__', '?')}.{getattr(engine, '__qualname__', engine)}"
    else:
        raise TypeError("check: engine must be a Value class (such as micrograd.engine.Value) or 'MODULE:ATTR', "
                        f"got {type(engine).__name__} {shown_object(engine)}")
    results: list[Result] = []
    for case in CASES:
        results.append(_result(case, engine_class, timeout, results))
    return Report(name, tuple(results), required, lang, timeout, CAN_FORK)


def _result(case: Case, engine: Any, timeout: float, earlier: list[Result]) -> Result:
    """The verdict on one case: decided without running it where the engine lacks what it needs."""
    if earlier and earlier[0].status == TIMEOUT:  # the basic case hung: every case would
        return Result(case, SKIPPED, (("skipped_after_timeout", {}),))
    absent = [name for name in case.needs if not hasattr(engine, name)]
    if absent:
        return Result(case, MISSING, (("missing_attribute", {"names": ", ".join(absent)}),))
    if case.counterpart and any(r.case.name == case.counterpart and r.status == MISSING for r in earlier):
        return Result(case, MISSING, (("counterpart_missing", {"counterpart": case.counterpart}),))
    if case.reflected and not hasattr(engine, case.reflected):
        return Result(case, FAIL, (("missing_reflected", {"method": case.reflected}),))
    return _judge(case, run_apart(partial(observe, case, engine), timeout), timeout)


def _parse(spec: str) -> tuple[str, str]:
    """``MODULE:ATTR`` split in two (at the last colon, so a Windows path keeps its drive)."""
    module, colon, attribute = spec.rpartition(":")
    if not colon or not module or not attribute:
        raise ValueError("check: engine must be written MODULE:ATTR, e.g. my_engine:Value, micrograd.engine:Value "
                         f"or path/to/engine.py:Value; got {shown(spec)!r}")
    return module, attribute


def load(module: str, attribute: str) -> Any:
    """``attribute`` (dotted names allowed) of a module given by name or as a path to a ``.py`` file."""
    if module.endswith(".py"):
        path = os.path.abspath(module)
        name = "chainrule_engine_" + "".join(c if c.isalnum() else "_" for c in os.path.basename(path)[:-3])
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot load {shown(path)} as a module")
        loaded = importlib.util.module_from_spec(spec)
        sys.modules[name] = loaded
        if os.path.dirname(path) not in sys.path:  # its own imports of modules beside it work
            sys.path.append(os.path.dirname(path))
        spec.loader.exec_module(loaded)
    else:
        loaded = importlib.import_module(module)
    found: Any = loaded
    for part in attribute.split("."):
        found = getattr(found, part)
    return found


# ---------------------------------------------------------------- the command line


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m autograd.reference MODULE:ATTR`` checks one engine; ``--grade FOLDER`` a folder of them."""
    parser = argparse.ArgumentParser(
        prog="python -m autograd.reference",
        description="Check a micrograd-style scalar autograd engine against chainrule. This imports and runs "
                    "the engine's code.",
    )  # fmt: skip
    parser.add_argument("engine", nargs="?", help="MODULE:ATTR, e.g. my_engine:Value, micrograd.engine:Value or "
                                                  "path/to/engine.py:Value")  # fmt: skip
    parser.add_argument("--grade", metavar="FOLDER", help="check every .py file in FOLDER (a submission each): "
                                                          "one table, a row per submission")  # fmt: skip
    parser.add_argument("--attr", default="Value", help="with --grade: the class each submission defines")
    parser.add_argument("--json", action="store_true", help="write JSON for tools instead of text")
    parser.add_argument("--require", default="", help="checks that must not be MISSING, e.g. tanh,exp")
    parser.add_argument("--lang", choices=LANGUAGES, default=None,
                        help="the report's language (default: $CHAINRULE_LANG, else English)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds each case may take")
    args = parser.parse_args(argv)
    if (args.engine is None) == (args.grade is None):
        parser.error("give an engine as MODULE:ATTR, or --grade FOLDER")
    try:
        if args.grade is not None:
            grades = grade(args.grade, attribute=args.attr, require=args.require, lang=args.lang,
                           timeout=args.timeout)  # fmt: skip
        else:
            report = check(args.engine, require=args.require, lang=args.lang, timeout=args.timeout)
    except (ValueError, TypeError, OSError) as error:
        parser.error(str(error))
    if args.grade is not None:
        print(grades.json() if args.json else grades.text())
        return 0  # the table was made; its rows hold the verdicts
    print(report.json() if args.json else report.text())
    return report.exit_code


if __name__ == "__main__":
    sys.exit(main())
