"""Where the time of chainrule's demo step goes: ``python -m bench.profile``.

Times each phase of the step separately (median over rounds, the cyclic collector running as
usual) and counts the time the automatic collector spends inside each phase, so the table shows
both the code's cost and the garbage collection it causes.
"""

from __future__ import annotations

import gc
import statistics
import sys
import time
from collections import defaultdict

import nn
from autograd import backpropagate, topological_order

from . import demo_step
from .harness import isolate_heap


class _GcClock:
    """Adds up the time the cyclic collector runs (gc.callbacks), charged to the current phase."""

    def __init__(self) -> None:
        self.phase, self.started = "", 0.0
        self.spent: dict[str, float] = defaultdict(float)

    def __call__(self, event: str, info: dict) -> None:
        if event == "start":
            self.started = time.perf_counter()
        else:
            self.spent[self.phase] += time.perf_counter() - self.started


def profile(rounds: int = 9) -> str:
    """Run the demo step ``rounds`` times phase by phase; return the table of medians."""
    chain = demo_step.Chainrule(demo_step.problem())
    model, optimizer, X, y = chain.model, chain.optimizer, chain.X, chain.y
    clock = _GcClock()
    phases: dict[str, list[float]] = defaultdict(list)
    gcs: dict[str, list[float]] = defaultdict(list)
    isolate_heap()
    gc.callbacks.append(clock)
    try:
        for r in range(rounds + 1):
            clock.spent.clear()
            t = {}

            def mark(phase: str) -> None:
                t[phase] = time.perf_counter()
                clock.phase = phase

            mark("forward: model(x) for 100 points")
            scores = [model(x) for x in X]
            mark("forward: loss (hinge + L2)")
            loss = nn.hinge_loss(scores, y) + nn.l2_penalty(model.parameters(), demo_step.ALPHA)
            mark("zero_grad")
            optimizer.zero_grad()
            mark("backward: topological order")
            topological_order([loss])
            mark("backward: chain rule (backpropagate, less topological order)")
            backpropagate([loss], [1.0])
            mark("backward: the whole loss.backward()")
            loss.backward()
            mark("SGD step")
            optimizer.step()
            mark("freeing the graph (reference counting)")
            del scores, loss
            mark("gc.collect() afterwards")
            gc.collect()
            mark("end")
            if r == 0:  # warm-up
                continue
            names = list(t)
            for a, b in zip(names, names[1:]):
                phases[a].append(t[b] - t[a])
                gcs[a].append(clock.spent[a])
    finally:
        gc.callbacks.remove(clock)
    med = {name: statistics.median(ts) for name, ts in phases.items()}
    topo = med["backward: topological order"]
    med["backward: chain rule (backpropagate, less topological order)"] -= topo
    med["backward: the whole loss.backward()"] -= topo + med["backward: chain rule (backpropagate, less topological order)"]
    labels = {"backward: the whole loss.backward()": "backward: storing .grad (backward, less backpropagate)"}
    # loss.backward() = topological order + chain rule + storing .grad; the step does it once
    step = sum(v for k, v in med.items() if k != "backward: chain rule (backpropagate, less topological order)"
               and k != "backward: topological order") + 0.0
    lines = [f"chainrule demo step, phase by phase (median of {rounds} rounds; Python {sys.version.split()[0]})",
             f"    {'phase':<62} {'ms':>7} {'share':>6} {'of which cyclic GC':>19}"]
    for name, v in med.items():
        g = statistics.median(gcs[name])
        lines.append(f"    {labels.get(name, name):<62} {v * 1e3:7.1f} {v / step:6.0%} {g * 1e3:16.1f} ms")
    lines.append(f"    {'one step (loss.backward() once)':<62} {step * 1e3:7.1f}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(profile())
