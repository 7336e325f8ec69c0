"""Images per second of the Shapeset-3x2 generator on one core.

Pins the process to one CPU and BLAS to one thread, then times
``shapeset.generate`` on ``--images`` images ``--repeats`` times and reports
the median rate (the median, so one interrupted repeat does not move it).

    .venv/bin/python benchmarks/shapeset_speed.py [--images 20000] [--repeats 7]
"""

import argparse
import os
import platform
import statistics
import time

import numpy as np
from threadpoolctl import threadpool_limits

from glorot import shapeset


def pin_to_one_core():
    """Restrict the process to one CPU where the OS allows it (Linux)."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def time_generate(images, seed):
    """Seconds to generate ``images`` images from a fresh generator."""
    rng = np.random.default_rng(seed)
    start = time.perf_counter()
    shapeset.generate(rng, images)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    pin_to_one_core()
    with threadpool_limits(limits=1):
        time_generate(1000, seed=0)  # warm-up: imports, allocator, caches
        seconds = [time_generate(args.images, seed) for seed in range(args.repeats)]
    rates = [args.images / s for s in seconds]
    print(
        f"machine: {platform.processor() or platform.machine()}, numpy {np.__version__}"
    )
    print(f"images per repeat: {args.images}, repeats: {args.repeats}, one core")
    print(
        f"images/s: median {statistics.median(rates):,.0f} "
        f"(min {min(rates):,.0f}, max {max(rates):,.0f})"
    )


if __name__ == "__main__":
    main()
