"""Time implementations of one workload side by side, round by round, and summarise the times.

Every round runs each implementation once, in an order rotated from round to round, so slow
drifts of the machine (other processes, CPU clocks) hit every implementation alike. A timed run
includes dropping the graph and the cyclic garbage collection that dropping it calls for.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


def timed(step: Callable[[], object]) -> float:
    """Seconds for one step, including freeing what it built and collecting the cycles it left.

    ``step`` keeps nothing, so its graph dies when it returns (reference counting);
    ``gc.collect()`` then does whatever work the cyclic collector still has.
    """
    start = time.perf_counter()
    step()
    gc.collect()
    return time.perf_counter() - start


def isolate_heap() -> None:
    """Collect now, then hide every object alive so far from the collector (``gc.freeze``).

    Without this every ``gc.collect()`` would also walk the ~165,000 objects that importing torch
    and NumPy leaves behind (~0.1 s each time): a cost of the benchmark, not of the implementation.
    """
    gc.collect()
    gc.freeze()


def compare(steps: dict[str, Callable[[], object]], rounds: int, warmup: int = 1) -> dict[str, list[float]]:
    """Run ``warmup`` untimed and ``rounds`` timed rounds; return each implementation's times."""
    isolate_heap()
    names = list(steps)
    times: dict[str, list[float]] = {name: [] for name in names}
    for r in range(warmup + rounds):
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            t = timed(steps[name])
            if r >= warmup:
                times[name].append(t)
    return times


@dataclass
class Summary:
    """One implementation's times, and its per-round ratios to the baseline's times."""

    median: float
    low: float
    high: float
    ratio: float  # median of (this time / baseline time) over rounds
    ratio_low: float
    ratio_high: float


def summarise(times: dict[str, list[float]], baseline: str) -> dict[str, Summary]:
    """Medians with min-max of the times and of the per-round ratios to ``baseline``."""
    out = {}
    for name, ts in times.items():
        ratios = [t / b for t, b in zip(ts, times[baseline])]
        out[name] = Summary(statistics.median(ts), min(ts), max(ts),
                            statistics.median(ratios), min(ratios), max(ratios))
    return out


def table(summary: dict[str, Summary], baseline: str) -> str:
    """The summary as printed: one row per implementation."""
    w = max(20, *map(len, summary))
    lines = [f"    {'implementation':<{w}} {'median':>9}  {'min - max':<21} {'time / ' + baseline + ', per round':>30}",
             f"    {'':<{w}} {'':>9}  {'':<21} {'median    (min - max)':>30}"]
    for name, s in summary.items():
        ratio = "" if name == baseline else f"{_ratio(s.ratio):>9}  ({_ratio(s.ratio_low)} - {_ratio(s.ratio_high)})"
        lines.append(f"    {name:<{w}} {_seconds(s.median):>9}  {_seconds(s.low) + ' - ' + _seconds(s.high):<21} {ratio:>30}")
    return "\n".join(lines)


def _seconds(t: float) -> str:
    return f"{t * 1e3:.2f} ms" if t < 0.01 else f"{t * 1e3:.1f} ms" if t < 1.0 else f"{t:.2f} s"


def _ratio(r: float) -> str:
    return f"{r:.3f}x" if r < 0.1 else f"{r:.2f}x"


def check_agreement(results: dict[str, float], what: str, rel: float = 1e-12) -> float:
    """Every implementation must compute the same number (to ``rel``): return it, else raise."""
    reference = next(iter(results.values()))
    for name, value in results.items():
        if not abs(value - reference) <= rel * max(1.0, abs(reference)):
            raise AssertionError(f"{what}: {name} computes {value!r}, {next(iter(results))} {reference!r}")
    return reference
