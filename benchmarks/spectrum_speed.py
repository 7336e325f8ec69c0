"""Networks per second of the Jacobian-spectrum and finite-width measurements
against their floors, one thread, one core.

    .venv/bin/python benchmarks/spectrum_speed.py [--repeats 5]

- spectrum (width 128, depth 64, tanh, Gaussian weights): ``glorot.spectrum``
  at batches of 1 and 8 networks; floors: the 64 stacked products
  J <- (D W) J alone (the BLAS floor), and drawing the weights alone;
- finite width (width 32 and 256, depth 16 and 50, tanh, Gaussian weights):
  ``glorot.finite_width.measure``; floors: the stacked matrix-vector
  products alone, and drawing the weights alone.

Median of ``--repeats`` timings. Quote the numbers with the machine's load.
"""

import argparse
import os
import statistics
import time

import numpy as np
from threadpoolctl import threadpool_limits

from glorot import finite_width, seeding, spectrum


def median_time(fn, repeats):
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    threadpool_limits(limits=1)
    rng = np.random.default_rng(0)

    n, depth, networks = 128, 64, 8
    for batch in (1, 8):
        sweep = {"width": n, "depths": [depth], "batch": batch}
        t = median_time(
            lambda: spectrum.measure(
                sweep, 0, "b", "tanh", "gaussian", 0.5, range(networks)
            ),
            args.repeats,
        )
        print(f"spectrum n={n} L={depth} batch {batch}: {networks / t:.2f} networks/s")
    w = rng.standard_normal((networks, n, n))
    jac = np.empty((networks, n, n))

    def products():
        j = np.broadcast_to(np.eye(n), (networks, n, n)).copy()
        for _ in range(depth):
            np.matmul(w, j, out=jac)
            j, _ = jac, None

    t = median_time(products, args.repeats)
    print(f"  floor, {depth} stacked products: {networks / t:.2f} networks/s")
    t = median_time(
        lambda: [rng.standard_normal((depth, n, n)) for _ in range(networks)],
        args.repeats,
    )
    print(f"  floor, drawing the weights: {networks / t:.2f} networks/s")

    for n, depth, networks in ((32, 16, 2000), (256, 50, 40)):
        batch = finite_width.batch_size({"depth": depth, "batch": 256}, n)

        def generator(k, n=n):
            return np.random.default_rng(seeding.seed_sequence(0, "b", n, k))

        t = median_time(
            lambda: finite_width.measure(
                generator, "gaussian", n, depth, "tanh", range(networks), batch
            ),
            args.repeats,
        )
        print(f"finite width n={n} depth {depth}: {networks / t:.1f} networks/s")
        w = rng.standard_normal((batch, n, n))
        x = rng.standard_normal((batch, n, 2))
        t = median_time(
            lambda: [np.matmul(w, x) for _ in range(depth * networks // batch)],
            args.repeats,
        )
        print(f"  floor, stacked matrix-vector products: {networks / t:.1f} networks/s")
        t = median_time(
            lambda: [
                generator(k).standard_normal((depth, n, n)) for k in range(networks)
            ],
            args.repeats,
        )
        print(f"  floor, drawing the weights: {networks / t:.1f} networks/s")


if __name__ == "__main__":
    main()
