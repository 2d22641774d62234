"""Side-by-side benchmarks of chainrule against its peers (run with ``python -m bench``).

Not part of the test suite: timings depend on the machine. See bench/README.md.
"""
