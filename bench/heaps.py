"""The three heaps every workload is timed in, each in a fresh interpreter of its own.

CPython 3.11's cyclic collector now and then walks every object the process holds, so one step
can cost more in a process that holds more. Learners run chainrule in a plain interpreter, in a
Jupyter kernel, and next to PyTorch: each workload runs once per heap, in a subprocess that
imports the heap's modules before anything is timed (``python -m bench.heaps HEAP WORKLOAD ROUNDS``).
"""

from __future__ import annotations

import gc
import importlib
import json
import subprocess
import sys
from typing import Any

HEAPS: dict[str, tuple[str, ...]] = {
    "clean process": (),
    "notebook imports": ("numpy", "matplotlib", "matplotlib.pyplot", "IPython"),  # a Jupyter kernel's
    "torch imported": ("torch",),  # which imports numpy too
}
PEERS = {"torch 0-d": "torch", "numpy (vectorised)": "numpy", "chainrule compiled numpy": "numpy"}
"""Rows that need a module: they run only in the heaps that hold it already, so a heap stays as labelled."""


def enter(heap: str) -> int:
    """Import the heap's modules; return how many objects the collector tracks afterwards."""
    for module in HEAPS[heap]:
        importlib.import_module(module)
    gc.collect()
    return len(gc.get_objects())


def runs_here(row: str) -> bool:
    """Whether ``row`` runs in this process's heap: it needs no module, or one already imported."""
    module = PEERS.get(row)
    return module is None or module in sys.modules


def run(heap: str, workload: str, rounds: int) -> dict[str, Any]:
    """Run ``workload`` (a name in ``bench.__main__.TIMED``) in a fresh interpreter holding ``heap``."""
    done = subprocess.run([sys.executable, "-m", "bench.heaps", heap, workload, str(rounds)],
                          check=False, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"{workload} in the heap {heap!r} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _main() -> None:
    heap, workload, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    objects = enter(heap)
    held = {module for module in PEERS.values() if module in sys.modules}
    from .__main__ import TIMED

    result = TIMED[workload](rounds)
    imported = {module for module in PEERS.values() if module in sys.modules} - held
    if imported:
        raise RuntimeError(f"{workload} imported {sorted(imported)} into the {heap}: a row needs it but is not in PEERS")
    print(json.dumps({"objects": objects, **result}))


if __name__ == "__main__":
    _main()
