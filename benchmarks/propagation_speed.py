"""Networks per second of the depth study's network jobs against their floors,
one thread, one core (issue 20, item 7).

    .venv/bin/python benchmarks/propagation_speed.py [--repeats 5]

For each shape (width, depth) of the default slice and of
config/propagation_cluster.yaml, with the inputs of that config (Gaussian
pairs and Shapeset-size image pairs as columns), the median over
``--repeats`` of:

- ``measure_network``: one whole sampled network (draw, forward, backward);
- the BLAS floor: the matrix products alone, on the same shapes (forward
  W^l z and the length factor's W^l (phi'(h^{l-1}) h^{l-1}) per layer,
  backward W^{l+1}^T delta per layer), float64;
- the draw floor: the standard normals of the weights and biases alone,
  which no implementation can skip (numpy's default generator).

Networks/s = 1 / time. The gap between ``measure_network`` and the sum of
the two floors is the elementwise work (phi, phi', the per-layer sums).
"""

import argparse

import numpy as np
from threadpoolctl import threadpool_limits

from glorot import propagation_measure as measure
from timing import median_seconds

# (name, width, depth, input columns): the default slice (3 Gaussian pairs,
# 2 image pairs) and the cluster grid (4 and 4).
SHAPES = [("default", 256, 50, 10), ("cluster", 512, 200, 16)]


def shape_timings(width, depth, columns, repeats):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((measure.N_IN, columns))
    weights = [rng.standard_normal((width, measure.N_IN))] + [
        rng.standard_normal((width, width)) for _ in range(depth - 1)
    ]
    delta = rng.standard_normal((width, columns))

    def network():
        measure.measure_network(
            x, np.random.default_rng(1), width, depth, 1.5, 0.05, "tanh"
        )

    def blas():
        z = x
        for k, w in enumerate(weights):
            if k:
                w @ z  # the length factor's product, same shape
            z = w @ z
            z /= np.abs(z).max()  # keep the values finite; not part of the floor
        d = delta
        for w in weights[:0:-1]:
            d = w.T @ d

    def draws():
        g = np.random.default_rng(2)
        g.standard_normal((width, measure.N_IN))
        for _ in range(depth - 1):
            g.standard_normal((width, width))
        for _ in range(depth):
            g.standard_normal(width)

    return {
        "measure_network": median_seconds(network, repeats),
        "blas_floor": median_seconds(blas, repeats),
        "draw_floor": median_seconds(draws, repeats),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with threadpool_limits(limits=1):
        for name, width, depth, columns in SHAPES:
            t = shape_timings(width, depth, columns, args.repeats)
            floor = t["blas_floor"] + t["draw_floor"]
            print(
                f"{name}: width {width}, depth {depth}, {columns} columns: "
                f"{1 / t['measure_network']:.2f} networks/s "
                f"({t['measure_network']:.4f} s); BLAS floor {1 / t['blas_floor']:.2f}/s, "
                f"draw floor {1 / t['draw_floor']:.2f}/s, both {1 / floor:.2f}/s "
                f"({t['measure_network'] / floor:.2f}x the floors)"
            )


if __name__ == "__main__":
    main()
