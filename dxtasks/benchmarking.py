"""The speed of the machine a benchmark ran on, printed by every timing `benchmark_*` command with its figures.

Machines of the same class measured the same code up to 2.7× apart (docs/benchmarks.md, tenth pass), so a
figure compares across passes only beside the speed of the machine that measured it. `cpu_reference_ms` is
the median time of a fixed pure-Python loop: what an interpreter-bound request or sweep feels of the CPU.
"""

import statistics
import time

REFERENCE_ADDITIONS = 2_000_000


def cpu_reference_ms(runs: int = 5) -> float:
    """Median milliseconds of `REFERENCE_ADDITIONS` integer additions in a Python loop (~0.2 s a run)."""
    timings = []
    for _ in range(runs):
        began = time.perf_counter()
        total = 0
        for n in range(REFERENCE_ADDITIONS):
            total += n
        timings.append((time.perf_counter() - began) * 1000)
    return round(statistics.median(timings), 1)
