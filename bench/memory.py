"""Workload 4: memory per node of a 500,000-op graph, each implementation in a fresh process per heap.

The graph is the deep chain of workload 2, ``y = y * 1.0001 + 0.0001``, for 250,000 steps:
500,000 op nodes. chainrule and micrograd also make a constant leaf for each plain number
(500,000 more nodes); PyTorch keeps such constants inside its op nodes. So we report bytes per
op node (the same count everywhere) and bytes per graph node (every node, constant leaves included).
Memory is the rise in peak RSS over the process after imports (the heap's, see ``heaps``) and a warm-up.
"""

from __future__ import annotations

import gc
import json
import os
import resource
import subprocess
import sys

from .heaps import HEAPS, enter, runs_here

STEPS = 250_000
OPS = 2 * STEPS
IMPLEMENTATIONS = ["chainrule", "micrograd 0.1.0", "torch 0-d"]


def _peak_rss() -> int:
    """Peak resident set size of this process so far, in bytes.

    Linux: VmHWM, which starts afresh in a new program (``ru_maxrss`` would carry over the
    parent's peak through fork and exec). Elsewhere ``ru_maxrss`` (bytes on macOS).
    """
    try:
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmHWM:"))
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _leaf(name: str):
    """A leaf to start the chain from, in the implementation's own type."""
    if name == "chainrule":
        from autograd import Value
        return Value(1.0)
    if name == "micrograd 0.1.0":
        from micrograd.engine import Value as MValue

        from .graphs import micrograd_recursion_limit
        micrograd_recursion_limit(OPS)
        return MValue(1.0)
    import torch
    return torch.tensor(1.0, dtype=torch.float64, requires_grad=True)


def measure(name: str) -> dict[str, float]:
    """Build the chain, then differentiate it; the rise in peak RSS after each, per node."""
    from .graphs import SCALE, SHIFT

    gc.disable()  # nothing here is garbage; the collector would only slow the build down
    warm = _leaf(name) * SCALE + SHIFT  # first-use allocations (e.g. torch's) are not the graph's
    warm.backward()
    x = _leaf(name)
    before = _peak_rss()
    y = x
    for _ in range(STEPS):
        y = y * SCALE + SHIFT
    built = _peak_rss()
    y.backward()
    after_backward = _peak_rss()
    constants = OPS if name != "torch 0-d" else 0
    return {"op nodes": OPS, "graph nodes": OPS + constants + 1,
            "graph bytes": built - before, "backward bytes": after_backward - before}


def run() -> dict[str, dict[str, dict[str, float]]]:
    """Per heap, per implementation that runs there, measured in its own fresh interpreter: bytes per
    op node, per graph node, and per op node at the peak of the backward pass."""
    per_node: dict[str, dict[str, dict[str, float]]] = {}
    for heap in HEAPS:
        per_node[heap] = {}
        for name in IMPLEMENTATIONS:
            out = subprocess.run([sys.executable, "-m", "bench.memory", heap, name], capture_output=True, text=True,
                                 check=True)
            m = json.loads(out.stdout)
            if m is not None:
                per_node[heap][name] = {"op": m["graph bytes"] / m["op nodes"],
                                        "graph": m["graph bytes"] / m["graph nodes"],
                                        "backward": m["backward bytes"] / m["op nodes"]}
    return per_node


def table(per_node: dict[str, dict[str, dict[str, float]]]) -> str:
    """The measurements as printed: per implementation and heap, bytes per op node, per graph node, and
    per op node at the peak of the backward pass."""
    cell = 30
    lines = [f"    {'':<20}" + "".join(f"{heap:>{cell}}" for heap in per_node),
             f"    {'bytes per':<20}" + f"{'op / graph node / backward':>{cell}}" * len(per_node)]
    for name in IMPLEMENTATIONS:
        cells = [f"{m[name]['op']:.0f} / {m[name]['graph']:.0f} / {m[name]['backward']:.0f}" if name in m else "-"
                 for m in per_node.values()]
        lines.append(f"    {name:<20}" + "".join(f"{c:>{cell}}" for c in cells))
    return "\n".join(lines)


if __name__ == "__main__":
    heap, name = sys.argv[1], sys.argv[2]
    enter(heap)
    print(json.dumps(measure(name) if runs_here(name) else None), flush=True)
    os._exit(0)  # skip tearing the graph down: it is measured, not needed
