"""The one timer of the benchmarks: the median wall time of a call."""

import statistics
import time


def median_seconds(fn, repeats, inner=1):
    """Median over ``repeats`` of the time of one call of ``fn``, each repeat
    timing ``inner`` calls (for calls too short to time alone), after one
    call to warm up."""
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(inner):
            fn()
        times.append((time.perf_counter() - start) / inner)
    return statistics.median(times)
