"""``python -m bench``: every workload, every implementation, side by side, in three heaps; prints the results.

Options: ``--rounds`` (timed rounds for the demo step and the compiled rows; the big graphs get
half as many), ``--only`` (a subset of demo, compiled, chain, wide, memory).
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import sys
import time
from collections.abc import Callable
from importlib.metadata import version
from statistics import median
from typing import Any

from . import demo_step, graphs, heaps, memory
from .harness import MIN_SECONDS, Step, Summary, check_agreement, compare, summarise, table

WORKLOADS = ("demo", "compiled", "chain", "wide", "memory")
MICROGRAD, TORCH = "micrograd 0.1.0", "torch 0-d"
PAUSED = ", gc_paused"  # the suffix of a row that runs its step inside ``with autograd.gc_paused():``
CLEAN, TORCH_HEAP = "clean process", "torch imported"


# ---------------------------------------------------------------- what each heap's process runs


def with_gc_paused(step: Step) -> Step:
    """The step as a learner writes it inside ``with autograd.gc_paused():``."""
    from autograd import gc_paused

    def paused_step() -> float:
        with gc_paused():
            return step()

    return paused_step


def timed(makers: graphs.Makers, rounds: int, what: str, paused: tuple[str, ...] = ()) -> dict[str, Any]:
    """Make the steps that run in this heap (and a paused twin of each row in ``paused``), check that
    they compute the same ``what``, time them side by side; the check value and the times."""
    steps: dict[str, Step] = {}
    for name, make in makers.items():
        if heaps.runs_here(name):
            steps[name] = make()
            if name in paused:
                steps[name + PAUSED] = with_gc_paused(make())
    value = check_agreement({name: step() for name, step in steps.items()}, what)
    return {"check": value, "times": compare(steps, rounds)}


DEMO_ROWS = (demo_step.ChainruleElementwise, demo_step.Chainrule, demo_step.Micrograd, demo_step.Torch0d,
             demo_step.Floats, demo_step.Numpy)
COMPILED_ROWS = (demo_step.ChainruleCompiled, demo_step.ChainruleCompiledNumpy, demo_step.Floats, demo_step.Numpy)


def demo(rounds: int) -> dict[str, Any]:
    p = demo_step.problem()
    makers = {cls.name: (lambda cls=cls: cls(p).step) for cls in DEMO_ROWS}
    return timed(makers, rounds, "the loss on the same weights",
                 paused=(demo_step.ChainruleElementwise.name, demo_step.Chainrule.name))


def compiled(rounds: int) -> dict[str, Any]:
    p = demo_step.problem()
    makers = {cls.name: (lambda cls=cls: cls(p).step) for cls in COMPILED_ROWS}
    result = timed(makers, rounds, "the loss on the same weights")
    seconds, lines = demo_step.compile_time(batch=False)
    batch_seconds, batch_lines = demo_step.compile_time(batch=True)
    return {**result, "compile seconds": seconds, "lines": lines,
            "batch compile seconds": batch_seconds, "batch lines": batch_lines}


def chain(rounds: int) -> dict[str, Any]:
    return timed(graphs.chain_steps(), rounds, "dy/dx", paused=("chainrule",))


def wide(rounds: int) -> dict[str, Any]:
    return timed(graphs.wide_steps(), rounds, "d sum / d a[0] after one step", paused=("chainrule",))


TIMED: dict[str, Callable[[int], dict[str, Any]]] = {"demo": demo, "compiled": compiled, "chain": chain,
                                                      "wide": wide}


# ---------------------------------------------------------------- the report


def machine() -> str:
    """What the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    peers = ", ".join(f"{p} {version(p)}" for p in ("micrograd", "torch", "numpy"))
    return (f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} cores; "
            f"{platform.python_implementation()} {platform.python_version()}; {peers}")


def in_every_heap(workload: str, rounds: int) -> dict[str, dict[str, Any]]:
    """The workload's results in each heap, each from its own fresh interpreter; the checks must agree."""
    results = {heap: heaps.run(heap, workload, rounds) for heap in heaps.HEAPS}
    check_agreement({heap: r["check"] for heap, r in results.items()}, f"{workload}: the check value")
    return results


def verdict(got: float, bound: float, at_least: bool) -> str:
    """``got`` against the target ``bound``: met, or by how much it was missed."""
    if got >= bound if at_least else got <= bound:
        return "met"
    short = 1 - got / bound
    by = f"{short:.0%}" if short >= 0.01 else f"{short:.1%}" if short >= 0.001 else "<0.1%"
    return f"MISSED by {by}" if at_least else f"MISSED: {got / bound:.2f}x over"


def target(by_heap: dict[str, dict[str, Summary]], row: str, bound: float, what: str, at_least: bool = True) -> str:
    """One target line: ``row``'s ratio against ``bound`` in every heap where it runs."""
    parts = [f"{heap.split()[0]} {by_heap[heap][row].ratio:.2f}x {verdict(by_heap[heap][row].ratio, bound, at_least)}"
             for heap in by_heap if row in by_heap[heap]]
    return f"    target: {row} {what}: " + "; ".join(parts)


def heap_independence(results: dict[str, dict[str, Any]], row: str, at_most: float) -> str:
    """The target line for ``row``'s median step with torch imported against its median in a clean process."""
    got = median(results[TORCH_HEAP]["times"][row]) / median(results[CLEAN]["times"][row])
    return (f"    target: {row}, step with torch imported within {at_most:g}x of the clean-process step: "
            f"{got:.2f}x, {verdict(got, at_most, at_least=False)}")


def print_timed(title: str, results: dict[str, dict[str, Any]], reference: str, speedup: bool) -> dict[str, dict[str, Summary]]:
    """Print the workload's check line and its side-by-side table; return its summaries per heap."""
    print(f"\n{title}")
    value = next(iter(results.values()))["check"]
    print(f"    check: every implementation computes the same number in every heap: {value!r}")
    by_heap = {heap: summarise(r["times"], reference, speedup) for heap, r in results.items()}
    print(f"    ratio: {f'the time of {reference} / this time' if speedup else f'this time / that of {reference}'}")
    print(table(by_heap, {heap: r["objects"] for heap, r in results.items()}), flush=True)
    return by_heap


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds of the demo step (default 5)")
    parser.add_argument("--only", nargs="+", choices=WORKLOADS, default=list(WORKLOADS), metavar="WORKLOAD",
                        help=f"run only these workloads: {', '.join(WORKLOADS)}")
    args = parser.parse_args()
    big_rounds = max(3, args.rounds // 2)
    started = time.perf_counter()
    print(f"chainrule benchmarks, {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
    print(f"command: python -m bench {' '.join(sys.argv[1:])}".rstrip())
    print(f"machine: {machine()}")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("Every workload runs in three heaps, each in a fresh interpreter: a clean process; one that imported\n"
          "a notebook's modules (numpy, matplotlib, IPython); one that imported torch. Rounds run every\n"
          "implementation in turn, rotating the order; a turn collects the heap (untimed), runs one untimed step,\n"
          f"then times steps for at least {MIN_SECONDS:g} s: steps as a loop runs them, collector on, no gc.freeze. Rows\n"
          f"ending in '{PAUSED}' run each step inside `with autograd.gc_paused():`. Times are medians over rounds;\n"
          "ratios are medians (min - max) of per-round ratios. '-': the row's peer is not imported in that heap.")
    verdicts = []

    if "demo" in args.only:
        p = demo_step.problem()
        counts = ", ".join(f"{name} {n:,}" for name, n in demo_step.node_counts(p).items())
        results = in_every_heap("demo", args.rounds)
        by_heap = print_timed(
            f"1. micrograd's demo step: {demo_step.N_POINTS} moons points, MLP(2, {demo_step.SIZES}), hinge + L2, "
            f"forward + zero_grad + backward + SGD; {args.rounds} rounds\n"
            f"    graph nodes (constant leaves included): {counts}", results, MICROGRAD, speedup=True)
        torch_heap = {TORCH_HEAP: summarise(results[TORCH_HEAP]["times"], TORCH, speedup=True)}
        for row in (demo_step.ChainruleElementwise.name, demo_step.ChainruleElementwise.name + PAUSED):
            verdicts += [target(by_heap, row, 10, f">= 10x faster than {MICROGRAD}"),
                         heap_independence(results, row, 1.2),
                         target(torch_heap, row, 6, f">= 6x faster than {TORCH}")]
        for row in (demo_step.Chainrule.name, demo_step.Chainrule.name + PAUSED):
            verdicts.append(target(by_heap, row, 40, f">= 40x faster than {MICROGRAD}"))
        print("\n".join(verdicts))
    if "compiled" in args.only:
        results = in_every_heap("compiled", args.rounds)
        floats, numpy = demo_step.Floats.name, demo_step.Numpy.name
        by_heap = print_timed(
            "1b. the same step, compiled, against hand-written code: only these rows, so that freeing the big\n"
            f"    graphs of the other rows does not slow the next small one; {args.rounds} rounds",
            results, floats, speedup=False)
        against_numpy = {heap: summarise(r["times"], numpy) for heap, r in results.items() if numpy in r["times"]}
        new = [target(by_heap, demo_step.ChainruleCompiled.name, 2, f"within 2x of {floats}", at_least=False),
               target(against_numpy, demo_step.ChainruleCompiledNumpy.name, 3, f"within 3x of {numpy}",
                      at_least=False)]
        print("\n".join(new))
        verdicts += new
        print("    autograd.compile of the one-sample loss (trace + code generation): "
              + "; ".join(f"{heap.split()[0]} {r['compile seconds'] * 1e3:.1f} ms" for heap, r in results.items())
              + f"; {next(iter(results.values()))['lines']:,} lines of generated code")
        print("    the same with the penalty, as NumPy batch code (trace + grouping + code generation): "
              + "; ".join(f"{heap.split()[0]} {r['batch compile seconds'] * 1e3:.1f} ms"
                          for heap, r in results.items())
              + f"; {next(iter(results.values()))['batch lines']:,} lines of generated code")
    if "chain" in args.only:
        by_heap = print_timed(
            f"2. deep chain: y = y * {graphs.SCALE} + {graphs.SHIFT}, {graphs.N:,} steps ({4 * graphs.N:,} nodes "
            f"with constant leaves), dy/dx; {big_rounds} rounds\n    micrograd runs with the recursion limit raised "
            f"to {2 * 2 * graphs.N + 1000:,} (its recursive sort); numpy: nothing to vectorise",
            in_every_heap("chain", big_rounds), MICROGRAD, speedup=True)
        new = [target(by_heap, row, 8, f"(deep chain) >= 8x faster than {MICROGRAD}") for row in ("chainrule", "chainrule" + PAUSED)]
        print("\n".join(new))
        verdicts += new
    if "wide" in args.only:
        by_heap = print_timed(
            f"3. wide graph: sum(a[i] * b[i]) over {graphs.N:,} pairs of leaves, gradient of every leaf; "
            f"{big_rounds} rounds", in_every_heap("wide", big_rounds), MICROGRAD, speedup=True)
        new = [target(by_heap, row, 6, f"(wide graph) >= 6x faster than {MICROGRAD}") for row in ("chainrule", "chainrule" + PAUSED)]
        print("\n".join(new))
        verdicts += new
    if "memory" in args.only:
        print(f"\n4. memory: the deep chain with {memory.STEPS:,} steps ({memory.OPS:,} op nodes), rise in peak RSS, "
              "a fresh process per heap and implementation\n    graph nodes count constant leaves (chainrule and "
              "micrograd make one per number; torch stores them inside its op nodes)", flush=True)
        per_node = memory.run()
        print(memory.table(per_node))
        parts = [f"{heap.split()[0]} {round(m['chainrule']['graph'])} "
                 + verdict(round(m["chainrule"]["graph"]), 128, at_least=False) for heap, m in per_node.items()]
        verdicts.append("    target: chainrule (memory) <= 128 bytes per graph node: " + "; ".join(parts))
        print(verdicts[-1])

    print("\nsummary")
    print("\n".join(verdicts))
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"total time {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
