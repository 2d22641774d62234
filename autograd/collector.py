"""Pausing CPython's cyclic garbage collector while a graph is built or walked: ``gc_paused``.

chainrule's graphs hold no reference cycles, so reference counting frees each one the moment it
is dropped. Yet CPython 3.11 runs its cyclic collector after every 700 new container objects
(each node is two: the Value and its tuple of children), and every so often that run walks every
object in the process: about 80 ms once torch is imported. Inside a pause it does not run.
"""

from __future__ import annotations

import gc
import threading

_lock = threading.Lock()
_pauses = 0  # pauses in progress, in all threads together
_was_enabled = False  # whether the collector was on when the first of them began


class gc_paused:
    """``with gc_paused():`` the cyclic collector does not run; afterwards it is on again if it was.

    Pauses nest, and several threads may pause at once: the collector, one switch for the whole
    process, goes off when the first pause begins and back on when the last one ends, and only if
    it was on when the first began.
    Thresholds are never touched. Graphs are still freed the moment they are dropped; what waits
    for the end of the pause is garbage in reference cycles (micrograd's graphs, gradients made
    with ``create_graph=True``, your own objects), so pause a training step or a loop of them.
    """

    __slots__ = ()

    def __enter__(self) -> None:
        global _pauses, _was_enabled
        with _lock:
            if _pauses == 0:
                _was_enabled = gc.isenabled()
                gc.disable()
            _pauses += 1

    def __exit__(self, *exc: object) -> None:
        global _pauses
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _was_enabled:
                gc.enable()
