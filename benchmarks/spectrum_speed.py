"""Networks per second of the Jacobian-spectrum and finite-width measurements
against their floors, one thread, one core.

    .venv/bin/python benchmarks/spectrum_speed.py [--repeats 5] [--part finite_width]

- spectrum (width 128, depth 64, tanh, Gaussian weights): ``glorot.spectrum``
  at batches of 1 and 8 networks; floors: the 64 stacked products
  J <- (D W) J alone (the BLAS floor), and drawing the weights alone;
- finite width (widths 8 to 256, depth 50, tanh): ``glorot.finite_width.measure``
  with Gaussian weights drawn low-rank (2n normals per layer), Gaussian
  weights drawn in full (the former method, for reference) and uniform
  weights (drawn in full); floors: drawing a network's random numbers alone
  (each sampler's own draws, same streams) and, for the full draws, the
  stacked matrix-vector products alone (BLAS, on a cache-resident batch).
  Then the cost of config/spectrum.yaml's finite-width sweep (3 activations
  x 10,000 networks per width and weights) extrapolated from these rates.

Median of ``--repeats`` timings. Quote the numbers with the machine's load.
"""

import argparse
import os

import numpy as np
from threadpoolctl import threadpool_limits

from glorot import finite_width, spectrum
from timing import median_seconds


def spectrum_part(repeats, rng):
    n, depth, networks = 128, 64, 8
    for batch in (1, 8):
        sweep = {"width": n, "depths": [depth], "batch": batch}
        t = median_seconds(
            lambda: spectrum.measure(
                sweep, 0, "b", "tanh", "gaussian", 0.5, range(networks)
            ),
            repeats,
        )
        print(f"spectrum n={n} L={depth} batch {batch}: {networks / t:.2f} networks/s")
    w = rng.standard_normal((networks, n, n))
    jac = np.empty((networks, n, n))

    def products():
        j = np.broadcast_to(np.eye(n), (networks, n, n)).copy()
        for _ in range(depth):
            np.matmul(w, j, out=jac)
            j, _ = jac, None

    t = median_seconds(products, repeats)
    print(f"  floor, {depth} stacked products: {networks / t:.2f} networks/s")
    t = median_seconds(
        lambda: [rng.standard_normal((depth, n, n)) for _ in range(networks)],
        repeats,
    )
    print(f"  floor, drawing the weights: {networks / t:.2f} networks/s")


# (label, weights, full_draw)
SAMPLERS = (
    ("gaussian low-rank", "gaussian", False),
    ("gaussian full draw", "gaussian", True),
    ("uniform full draw", "uniform", False),
)
WIDTHS = (8, 16, 32, 64, 128, 256)
DEPTH = 50
# config/spectrum.yaml's finite-width sweep: per (weights, width), 3
# activations x 10,000 networks.
SWEEP_NETWORKS = 3 * 10_000


def finite_width_part(repeats):
    """Rates per (sampler, width) and the sweep's extrapolated core-seconds
    (low-rank Gaussian + uniform, as the workflow runs it)."""
    sweep_seconds = {}
    print(f"finite width, depth {DEPTH}, tanh, networks/s (floors)")
    for label, weights, full_draw in SAMPLERS:
        for n in WIDTHS:
            # About 3e6 random numbers per timing (>= 16 networks).
            per_network = DEPTH * n * (n if full_draw or weights == "uniform" else 2)
            networks = max(16, min(4096, 3_000_000 // per_network))
            batch = finite_width.batch_size(
                {"depth": DEPTH, "batch": 256}, n, weights, full_draw
            )

            def generator(k, n=n, weights=weights):
                return finite_width.network_generator(0, "b", "tanh", weights, n, k)

            t = median_seconds(
                lambda: finite_width.measure(
                    generator,
                    weights,
                    n,
                    DEPTH,
                    "tanh",
                    range(networks),
                    batch,
                    full_draw,
                ),
                repeats,
            )
            rate = networks / t
            line = f"  {label:20s} n={n:3d}: {rate:9.1f}"
            # Floor 1: the sampler's own random numbers alone.
            if weights == "gaussian" and not full_draw:
                draw = lambda: [  # noqa: E731
                    generator(k).standard_normal((DEPTH, n, 2)) for k in range(networks)
                ]
            else:
                # The same calls as the measurement: a few layers at a time.
                chunk = finite_width.full_draw_layers(n, DEPTH)
                buf = np.empty((chunk, n, n))
                method = "standard_normal" if weights == "gaussian" else "random"

                def draw(buf=buf, method=method, chunk=chunk):
                    for k in range(networks):
                        rng = generator(k)
                        for start in range(0, DEPTH, chunk):
                            getattr(rng, method)(out=buf[: min(chunk, DEPTH - start)])

            line += f"  (draws {networks / median_seconds(draw, repeats):9.1f}"
            # Floor 2, full draws: the stacked matrix-vector products alone.
            if full_draw or weights == "uniform":
                w = np.random.default_rng(0).random((batch, n, n))
                zv = np.ones((batch, n, 2))
                t_mv = median_seconds(
                    lambda: [
                        np.matmul(w, zv) for _ in range(DEPTH * networks // batch)
                    ],
                    repeats,
                )
                line += f", BLAS matvec {networks / t_mv:9.1f}"
            print(line + ")")
            if not (weights == "gaussian" and full_draw):
                sweep_seconds[(weights, n)] = SWEEP_NETWORKS / rate
    total = sum(sweep_seconds.values())
    gauss = sum(v for (w, _), v in sweep_seconds.items() if w == "gaussian")
    print(
        f"config/spectrum.yaml finite-width sweep, extrapolated: {total / 60:.1f}"
        f" core-minutes (Gaussian low-rank {gauss / 60:.1f}, uniform"
        f" {(total - gauss) / 60:.1f}; n = 256 uniform"
        f" {sweep_seconds[('uniform', 256)] / 60:.1f})"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--part", choices=("all", "spectrum", "finite_width"), default="all"
    )
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    threadpool_limits(limits=1)
    if args.part in ("all", "spectrum"):
        spectrum_part(args.repeats, np.random.default_rng(0))
    if args.part in ("all", "finite_width"):
        finite_width_part(args.repeats)


if __name__ == "__main__":
    main()
