"""Where the time of chainrule's demo step goes, phase by phase: ``python -m bench.profile [HEAP]``.

For each way of writing the step (micrograd's graph node for node, as written and inside
``autograd.gc_paused()``, and nn.MLP with one fused node per neuron) it times the forward pass, the backward pass split into its topological sort and
its chain-rule loop, and freeing the graph, and charges the cyclic collector's runs (gc.callbacks)
to the phase they interrupt. The SGD update is left out: it takes well under 0.1 ms. Then it runs
the step as written for a run of consecutive steps, as a training loop does, and counts the
collector's runs per step in each generation with their cost: the full ones are what grows with
the heap. HEAP is one of ``bench.heaps.HEAPS`` (default: a clean process); nothing is frozen.
"""

from __future__ import annotations

import gc
import statistics
import sys
import time
from collections import defaultdict
from contextlib import nullcontext
from typing import Any

from autograd import backpropagate, gc_paused, topological_order

from . import demo_step
from .heaps import HEAPS, enter

PHASES = ("forward", "backward: topological order", "backward: chain rule", "freeing the graph")


class GcClock:
    """Adds up the cyclic collector's runs and their time: per phase (the current one) and per generation."""

    def __init__(self) -> None:
        self.phase, self.started = "", 0.0
        self.spent: dict[str, float] = defaultdict(float)
        self.runs = [0, 0, 0]
        self.seconds = [0.0, 0.0, 0.0]

    def __call__(self, event: str, info: dict) -> None:
        if event == "start":
            self.started = time.perf_counter()
        else:
            seconds = time.perf_counter() - self.started
            self.spent[self.phase] += seconds
            self.runs[info["generation"]] += 1
            self.seconds[info["generation"]] += seconds


def one_round(impl: Any, clock: GcClock) -> dict[str, tuple[float, float]]:
    """(seconds, of which cyclic GC) per phase for one step of ``impl``, from a collected heap."""
    clock.phase = ""
    gc.collect()
    clock.spent.clear()
    times = {}

    def phase(name: str, work: Any) -> Any:
        clock.phase = name
        start = time.perf_counter()
        result = work()
        times[name] = time.perf_counter() - start
        return result

    loss = phase("forward", impl.loss)
    order = phase("backward: topological order", lambda root=loss: topological_order([root]))
    del order
    grads = phase("backward: chain rule", lambda root=loss: backpropagate([root], [1.0]))  # sorts again: subtract below
    times["backward: chain rule"] -= times["backward: topological order"]
    del grads
    phase("freeing the graph", lambda: None)
    start = time.perf_counter()
    del loss  # reference counting frees the whole graph here: nothing is left for the cyclic collector
    times["freeing the graph"] = time.perf_counter() - start
    return {name: (times[name], clock.spent[name]) for name in PHASES}


def profile(heap: str, rounds: int = 9) -> str:
    """In ``heap``: the phase table (medians over ``rounds`` rounds) for each way of writing the step,
    then the collector's runs over consecutive steps as written."""
    objects = enter(heap)
    p = demo_step.problem()
    title = (f"chainrule demo step, phase by phase (median of {rounds} rounds; Python {sys.version.split()[0]}; "
             f"{heap}, {objects:,} objects)")
    lines = [title]
    clock = GcClock()
    gc.callbacks.append(clock)
    try:
        for impl, paused in ((demo_step.ChainruleElementwise(p), False), (demo_step.ChainruleElementwise(p), True),
                             (demo_step.Chainrule(p), False)):
            with gc_paused() if paused else nullcontext():
                one_round(impl, clock)  # warm-up
                results = [one_round(impl, clock) for _ in range(rounds)]
            med = {name: [statistics.median(r[name][i] for r in results) for i in (0, 1)] for name in PHASES}
            total = sum(t for t, _ in med.values())
            lines.append(f"\n  {impl.name}{', inside gc_paused()' if paused else ''}: {total * 1e3:.1f} ms in all")
            lines.append(f"    {'phase':<30} {'ms':>7} {'share':>6} {'of which cyclic GC':>19}")
            for name, (t, g) in med.items():
                lines.append(f"    {name:<30} {t * 1e3:7.1f} {t / total:6.0%} {g * 1e3:16.1f} ms")
    finally:
        gc.callbacks.remove(clock)
    lines += ["", collector_runs(demo_step.ChainruleElementwise(p))]
    return "\n".join(lines)


def collector_runs(impl: Any, steps: int = 20) -> str:
    """The collector's runs per step, by generation, over ``steps`` consecutive steps of ``impl`` as written."""
    impl.step()  # warm-up, then one collection: the loop starts from a collected heap, as a turn of the bench
    gc.collect()
    runs = GcClock()
    gc.callbacks.append(runs)
    try:
        start = time.perf_counter()
        for _ in range(steps):
            impl.step()
        seconds = time.perf_counter() - start
    finally:
        gc.callbacks.remove(runs)
    lines = [(f"  the cyclic collector during {steps} consecutive steps of {impl.name}, as written "
              f"({seconds / steps * 1e3:.1f} ms per step on average)"),
             f"    {'generation':<26} {'runs per step':>13} {'ms per run':>11} {'ms per step':>12}"]
    for generation, name in enumerate(("0 (young objects)", "1", "2 (every object: full)")):
        n, t = runs.runs[generation], runs.seconds[generation]
        lines.append(f"    {name:<26} {n / steps:13.2f} {t / max(n, 1) * 1e3:11.2f} {t / steps * 1e3:12.1f}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(profile(sys.argv[1] if len(sys.argv) > 1 else next(iter(HEAPS))))
