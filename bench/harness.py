"""Time implementations of one workload side by side, round by round, and summarise the times.

Every round gives each implementation one turn, in an order rotated from round to round, so slow
drifts of the machine (other processes, CPU clocks) hit every implementation alike. A turn times
steps the way a training loop runs them: the cyclic collector runs as it always does (no
``gc.freeze``), and a step pays for the collections it triggers, which free the garbage its
predecessor left behind, so nobody's garbage is collected in someone else's turn.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

Step = Callable[[], float]  # one step of a workload; returns a number every implementation must agree on
MIN_SECONDS = 0.25  # a turn times steps until this much time has passed, so cheap steps are averaged


def turn(step: Step, min_seconds: float = MIN_SECONDS) -> float:
    """Seconds per step over a run of steps, as a training loop runs them.

    An untimed ``gc.collect()`` first, so that each turn starts from the same heap; then an untimed
    step, whose garbage the timed steps collect as they would in a loop; then timed steps, at least
    one, until ``min_seconds`` have passed.
    """
    gc.collect()
    step()
    steps, start = 0, time.perf_counter()
    while True:
        step()
        steps += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return elapsed / steps


def compare(steps: dict[str, Step], rounds: int, min_seconds: float = MIN_SECONDS) -> dict[str, list[float]]:
    """``rounds`` rounds of one turn per implementation; each implementation's seconds per step, per round."""
    names = list(steps)
    times: dict[str, list[float]] = {name: [] for name in names}
    for r in range(rounds):
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            times[name].append(turn(steps[name], min_seconds))
    return times


@dataclass
class Summary:
    """One implementation's median time, and the median and range of its per-round ratios."""

    median: float
    ratio: float
    ratio_low: float
    ratio_high: float


def summarise(times: dict[str, list[float]], reference: str, speedup: bool = False) -> dict[str, Summary]:
    """Median times, and per-round ratios: this time / the reference's, or with ``speedup`` the
    reference's time / this one (how many times faster than the reference)."""
    out = {}
    for name, ts in times.items():
        ratios = [r / t if speedup else t / r for t, r in zip(ts, times[reference])]
        out[name] = Summary(statistics.median(ts), statistics.median(ratios), min(ratios), max(ratios))
    return out


def table(by_heap: dict[str, dict[str, Summary]], objects: dict[str, int]) -> str:
    """One row per implementation; per heap, its median time and the median (min - max) of its ratios.

    A row absent from a heap (its peer is not imported there) shows "-".
    """
    rows = list(dict.fromkeys(name for summary in by_heap.values() for name in summary))
    w, cell = max(24, *map(len, rows)), 38
    lines = [f"    {'':<{w}}" + "".join(f"{heap:>{cell}}" for heap in by_heap),
             f"    {'':<{w}}" + "".join(f"{f'{objects[heap]:,} objects':>{cell}}" for heap in by_heap),
             f"    {'implementation':<{w}}" + f"{'time':>12}{'ratio':>8}  {'(min - max)':<16}" * len(by_heap)]
    for name in rows:
        cells = []
        for summary in by_heap.values():
            s = summary.get(name)
            spread = "" if s is None else f"({_ratio(s.ratio_low)} - {_ratio(s.ratio_high)})"
            cells.append(f"{'-':>12}{'':26}" if s is None
                         else f"{_seconds(s.median):>12}{_ratio(s.ratio) + 'x':>8}  {spread:<16}")
        lines.append(f"    {name:<{w}}" + "".join(cells))
    return "\n".join(line.rstrip() for line in lines)


def _seconds(t: float) -> str:
    return f"{t * 1e3:.2f} ms" if t < 0.01 else f"{t * 1e3:.1f} ms" if t < 1.0 else f"{t:.2f} s"


def _ratio(r: float) -> str:
    return f"{r:.3f}" if r < 0.1 else f"{r:.2f}" if r < 10 else f"{r:.1f}" if r < 100 else f"{r:.0f}"


def check_agreement(results: dict[str, float], what: str, rel: float = 1e-12) -> float:
    """Every implementation must compute the same number (to ``rel``): return it, else raise."""
    reference = next(iter(results.values()))
    for name, value in results.items():
        if not abs(value - reference) <= rel * max(1.0, abs(reference)):
            raise AssertionError(f"{what}: {name} computes {value!r}, {next(iter(results))} {reference!r}")
    return reference
