"""Side-by-side benchmarks of chainrule against its peers (run with ``python -m bench``).

Not part of the test suite: timings depend on the machine. See bench/README.md.
"""

import os

# One BLAS/OpenMP thread: the benchmark's matrix products are 100 x 16, where a second thread only
# adds wake-up latency (steps of 0.1 ms measured at several ms when the idle thread had to wake).
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")
