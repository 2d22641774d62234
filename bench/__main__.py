"""``python -m bench``: every workload, every implementation, side by side; prints the results.

Options: ``--rounds`` (timed rounds for the demo step; the big graphs get half as many, the
compiled rows three times as many), ``--only`` (a subset of demo, compiled, chain, wide, memory).
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import sys
import time
from importlib.metadata import version

from . import demo_step, graphs, memory
from .harness import Summary, check_agreement, compare, summarise, table

WORKLOADS = ("demo", "compiled", "chain", "wide", "memory")
BASELINE = "chainrule"


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


def target(summary: dict[str, Summary], peer: str, at_least: float, who: str = BASELINE) -> str:
    """A line saying whether ``who`` (the summary's baseline) is ``at_least`` times faster than ``peer``."""
    got = summary[peer].ratio
    verdict = "met" if got >= at_least else f"MISSED by {1 - got / at_least:.0%}"
    return f"    target: {who} >= {at_least:g}x faster than {peer}: {got:.2f}x, {verdict}"


def within(summary: dict[str, Summary], row: str, at_most: float, reference: str) -> str:
    """A line saying whether ``row`` takes at most ``at_most`` times as long as ``reference`` (the summary's baseline)."""
    got = summary[row].ratio
    verdict = "met" if got <= at_most else f"MISSED: {got / at_most:.1f}x over"
    return f"    target: {row} within {at_most:g}x of {reference}: {got:.2f}x, {verdict}"


def timed_workload(title: str, steps: dict, rounds: int, what: str, baseline: str = BASELINE) -> dict[str, list[float]]:
    """Check that the implementations agree, time them side by side, print the table; return the times."""
    print(f"\n{title}", flush=True)
    steps = {name: step for name, step in steps.items() if step is not None}
    value = check_agreement({name: step() for name, step in steps.items()}, what)
    print(f"    check: all {len(steps)} implementations compute {what} = {value!r}")
    times = compare(steps, rounds)
    print(table(summarise(times, baseline), baseline), flush=True)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10, help="timed rounds of the demo step (default 10)")
    parser.add_argument("--only", nargs="+", choices=WORKLOADS, default=list(WORKLOADS), metavar="WORKLOAD",
                        help=f"run only these workloads: {', '.join(WORKLOADS)}")
    args = parser.parse_args()
    big_rounds = max(3, args.rounds // 2)
    started = time.perf_counter()
    print(f"chainrule benchmarks, {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
    print(f"command: python -m bench {' '.join(sys.argv[1:])}".rstrip())
    print(f"machine: {machine()}")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("Each round runs every implementation once (rotating the order), after a warm-up round; a round's time\n"
          "includes freeing the graph and gc.collect(). Ratios: the peer's time / chainrule's, round by round.")
    verdicts = []

    if "demo" in args.only:
        p = demo_step.problem()
        counts = demo_step.node_counts(p)
        times = timed_workload(
            f"1. micrograd's demo step: {demo_step.N_POINTS} moons points, MLP(2, {demo_step.SIZES}), hinge + L2, "
            f"forward + zero_grad + backward + SGD\n    graph nodes (constant leaves included): "
            + ", ".join(f"{name} {n:,}" for name, n in counts.items()) + f"; {args.rounds} rounds",
            {impl.name: impl.step for impl in (cls(p) for cls in demo_step.IMPLEMENTATIONS)},
            args.rounds, "the loss on the same weights", baseline=demo_step.ChainruleElementwise.name)
        for row in (demo_step.ChainruleElementwise.name, demo_step.Chainrule.name):
            s = summarise(times, row)
            verdicts += [target(s, "micrograd 0.1.0", 10, row), target(s, "torch 0-d", 6, row)]
        print("\n".join(verdicts[-4:]))
    if "compiled" in args.only:
        p = demo_step.problem()
        small = (demo_step.ChainruleCompiled, demo_step.ChainruleCompiledNumpy, demo_step.Floats, demo_step.Numpy)
        times = timed_workload(
            f"1b. the same step, compiled, against hand-written code: only these rows, so that freeing the big\n"
            f"    graphs of the other rows does not slow the next small one (it triples the NumPy row); "
            f"{3 * args.rounds} rounds", {impl.name: impl.step for impl in (cls(p) for cls in small)},
            3 * args.rounds, "the loss on the same weights", baseline=demo_step.Floats.name)
        verdicts += [within(summarise(times, demo_step.Floats.name), demo_step.ChainruleCompiled.name, 2,
                            demo_step.Floats.name),
                     within(summarise(times, demo_step.Numpy.name), demo_step.ChainruleCompiledNumpy.name, 3,
                            demo_step.Numpy.name)]
        seconds, lines = demo_step.compile_time(batch=False)
        batch_seconds, batch_lines = demo_step.compile_time(batch=True)
        print("\n".join(verdicts[-2:]))
        print(f"    autograd.compile of the one-sample loss (trace + code generation): {seconds * 1e3:.1f} ms, "
              f"{lines:,} lines of generated code\n"
              f"    the same with the penalty, as NumPy batch code (trace + grouping + code generation): "
              f"{batch_seconds * 1e3:.1f} ms, {batch_lines:,} lines of generated code")
    if "chain" in args.only:
        times = timed_workload(
            f"2. deep chain: y = y * {graphs.SCALE} + {graphs.SHIFT}, {graphs.N:,} steps ({4 * graphs.N:,} nodes "
            f"with constant leaves), dy/dx; {big_rounds} rounds\n    micrograd runs with the recursion limit raised "
            f"to {2 * 2 * graphs.N + 1000:,} (its recursive sort); numpy: nothing to vectorise",
            graphs.chain_steps(), big_rounds, "dy/dx")
        verdicts.append(target(summarise(times, BASELINE), "micrograd 0.1.0", 5, f"{BASELINE} (deep chain)"))
        print(verdicts[-1])
    if "wide" in args.only:
        times = timed_workload(
            f"3. wide graph: sum(a[i] * b[i]) over {graphs.N:,} pairs of leaves, gradient of every leaf; "
            f"{big_rounds} rounds", graphs.wide_steps(), big_rounds, "d sum / d a[0] after one step")
        verdicts.append(target(summarise(times, BASELINE), "micrograd 0.1.0", 5, f"{BASELINE} (wide graph)"))
        print(verdicts[-1])
    if "memory" in args.only:
        print(f"\n4. memory: the deep chain with {memory.STEPS:,} steps ({memory.OPS:,} op nodes), "
              "rise in peak RSS, a fresh process each\n    graph nodes count constant leaves "
              "(chainrule and micrograd make one per number; torch stores them inside its op nodes)", flush=True)
        per_node = memory.run()
        print(memory.table(per_node))
        got = per_node[BASELINE]["graph"]
        verdicts.append(f"    target: {BASELINE} (memory) <= 200 bytes per graph node: {got:.0f}, "
                        + ("met" if got <= 200 else f"MISSED by {got / 200 - 1:.0%}"))
        print(verdicts[-1])

    print("\nsummary")
    print("\n".join(verdicts))
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"total time {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
