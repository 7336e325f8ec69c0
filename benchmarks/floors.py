"""The floors behind issue 14's unmet targets, one thread, one core.

    .venv/bin/python benchmarks/floors.py [--repeats 7]

Times, each the median of ``--repeats`` timings of a loop:

- every BLAS call of one SGD update at the default config's scale (1024
  inputs, 5 x 200 tanh, 9 classes, minibatch 10, float32), as
  ``training.SGDStep`` makes it: forward z^i W^i, backward dC/ds^i W^i^T and
  the in-place update gemm; and the forward product of the input layer at
  minibatches of 1, 10 and 100, to show how far a minibatch of 10 is from
  the rate the same call reaches on larger products; and a digest of that
  forward product at minibatch 10, on fixed operands, to tell whether two
  BLAS kernels give the same bits;
- one evaluation of a training run at the default config (``error_and_cost``
  on the 2,000 validation and 5,000 test images, ``layer_statistics`` on the
  first 300 test images), which a run does every 2,000 updates;
- drawing the Gaussian inputs of ``measure_vs_torch.py`` (2 networks x
  20,000 examples of 1024 values, chunks of 1000; ``inputs.GaussianInputs``
  draws float64 and rounds to float32, which fixes the inputs' values), a
  cost the measurement cannot shed;
- one symmetric eigenvalue problem of order 1000 (a Gram matrix
  diag(d) W^T W diag(d) of the Jacobian stage) with numpy's ``eigvalsh`` and
  scipy's ``eigh`` drivers, float64 and float32.

scipy is imported before BLAS is pinned to one thread: threadpoolctl only
limits the libraries already loaded, and scipy ships its own OpenBLAS.
"""

import argparse
import hashlib
import os

import numpy as np
import scipy.linalg
from scipy.linalg.blas import get_blas_funcs
from threadpoolctl import threadpool_limits

from glorot import inputs, seeding, shapeset, training
from glorot.training.evaluation import error_and_cost, layer_statistics
from timing import median_seconds

WIDTHS = [1024, 200, 200, 200, 200, 200, 9]
BATCH = 10


def update_calls(weights, batch=BATCH, seed=0):
    """The BLAS calls of one SGD update of the network ``weights`` on
    ``batch`` examples, as ``training.SGDStep`` makes them, on fixed
    operands: a list of (layer, kind, flops, call) with kind "forward"
    (z^i W^i), "backward" (dC/ds^i W^i^T, not for the input layer) and
    "update" (W^i += alpha z^i^T dC/ds^i in place, one gemm), layer by
    layer. The update's alpha is small enough to leave the weights as they
    are, and not 0, for which BLAS would skip the product."""
    rng = np.random.default_rng(seed)
    gemm = get_blas_funcs("gemm", dtype=np.float32)
    alpha = np.float32(1e-30)

    def rows(n):
        return rng.uniform(-1, 1, (batch, n)).astype(np.float32)

    calls = []
    for i, w in enumerate(weights):
        n_in, n_out = w.shape
        z, g = rows(n_in), rows(n_out) * 0.01
        s, below = np.empty((batch, n_out), np.float32), np.empty_like(z)
        flops = 2 * batch * n_in * n_out
        calls.append(
            (i, "forward", flops, lambda z=z, w=w, s=s: np.matmul(z, w, out=s))
        )
        if i > 0:
            calls.append(
                (
                    i,
                    "backward",
                    flops,
                    lambda g=g, w=w, b=below: np.matmul(g, w.T, out=b),
                )
            )
        calls.append(
            (
                i,
                "update",
                flops,
                lambda g=g, z=z, w_t=w.T: gemm(
                    alpha, g.T, z.T, beta=1.0, c=w_t, trans_b=1, overwrite_c=1
                ),
            )
        )
    return calls


CALL_NAMES = {
    "forward": "forward z W",
    "backward": "backward g W^T",
    "update": "update W += a z^T g",
}


def default_parameters():
    """The initial weights and biases of a default-config training run."""
    run = training.Run("tanh", "normalized", 0.01, 0, 0, tuple(WIDTHS), updates=1)
    return training.initial_parameters(run)


def step_calls(repeats):
    """(name, flops, seconds) of the BLAS calls of one update, and of the
    input layer's forward product at minibatches 1, 10 and 100; and a
    digest of that product at minibatch 10."""
    weights, _ = default_parameters()
    rows_out = []
    for i, kind, flops, call in update_calls(weights):
        n_in, n_out = weights[i].shape
        seconds = median_seconds(call, repeats, 300)
        name = f"layer {i} ({n_in} x {n_out}): {CALL_NAMES[kind]}"
        rows_out.append((name, flops, seconds))
    w = weights[0]
    rng = np.random.default_rng(3)
    z = rng.uniform(-1, 1, (BATCH, w.shape[0])).astype(np.float32)
    digest = hashlib.sha256(np.matmul(z, w).tobytes()).hexdigest()[:16]
    for batch in (1, 10, 100):
        z = rng.uniform(-1, 1, (batch, w.shape[0])).astype(np.float32)
        s = np.empty((batch, w.shape[1]), np.float32)
        seconds = median_seconds(lambda: np.matmul(z, w, out=s), repeats, 300)
        flops = 2 * batch * w.size
        rows_out.append((f"input layer forward, minibatch {batch}", flops, seconds))
    return rows_out, digest


def evaluation_seconds(repeats):
    """One evaluation of a run at the default config."""
    weights, biases = default_parameters()
    rng = np.random.default_rng(1)
    validation = shapeset.generate(rng, 2000, neg=True)
    test = shapeset.generate(rng, 5000, neg=True)

    def evaluate():
        layer_statistics(
            test[0][:300], test[1][:300], weights, biases, "tanh", (-1.0, 1.0), 100
        )
        error_and_cost(*validation, weights, biases, "tanh")
        error_and_cost(*test, weights, biases, "tanh")

    return median_seconds(evaluate, repeats, 3)


def gaussian_inputs_seconds(repeats, networks=2, examples=20_000):
    """Drawing the inputs of measure_vs_torch.py, chunk by chunk."""

    def draw():
        for k in range(networks):
            source = inputs.GaussianInputs(
                seeding.inputs_seed_sequence(2010, "bench", k),
                examples,
                WIDTHS[0],
                WIDTHS[-1],
            )
            for _ in source.chunks(1000):
                pass

    return median_seconds(draw, repeats, 1)


def eigen_seconds(repeats, n=1000):
    """{method: seconds} of one eigenvalue problem of order n."""
    rng = np.random.default_rng(2)
    w = rng.standard_normal((n, n)) * np.sqrt(2 / (2 * n))
    d = 1 - np.tanh(rng.standard_normal(n)) ** 2
    gram = d[:, None] * (w.T @ w) * d[None, :]
    methods = {}
    for dtype in (np.float64, np.float32):
        a = gram.astype(dtype)
        bits = np.dtype(dtype).itemsize * 8
        methods[f"numpy.linalg.eigvalsh, float{bits}"] = lambda a=a: np.linalg.eigvalsh(
            a
        )
        for driver in ("evd", "evr"):
            methods[f"scipy.linalg.eigh(driver={driver!r}), float{bits}"] = (
                lambda a=a, driver=driver: scipy.linalg.eigh(
                    a, eigvals_only=True, driver=driver, check_finite=False
                )
            )
    return {name: median_seconds(fn, repeats, 3) for name, fn in methods.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    with threadpool_limits(limits=1):
        calls, digest = step_calls(args.repeats)
        evaluation = evaluation_seconds(args.repeats)
        gaussian = gaussian_inputs_seconds(args.repeats)
        eigen = eigen_seconds(args.repeats)
    env = {k: v for k, v in os.environ.items() if k.startswith("OPENBLAS")}
    print(f"numpy {np.__version__}, {env}; load average {os.getloadavg()[0]:.1f}")
    print("\n| BLAS call of one update (5 x 200) | us | GFLOP/s |")
    print("|---|---:|---:|")
    step_total = 0.0
    for name, flops, seconds in calls:
        if not name.startswith("input layer forward"):
            step_total += seconds
        print(f"| {name} | {seconds * 1e6:.1f} | {flops / seconds / 1e9:.0f} |")
    print(f"| **all the calls of one update** | **{step_total * 1e6:.0f}** | |")
    print(f"\ninput layer's forward product, minibatch 10, sha256: {digest}")
    print(
        f"\none evaluation: {evaluation * 1e3:.1f} ms; a run at the default config "
        f"(26 in 50,000 updates): {26 * evaluation / 50_000 * 1e6:.1f} us an update"
    )
    print(
        f"the Gaussian inputs of measure_vs_torch.py (2 x 20,000 examples): "
        f"{gaussian:.3f} s"
    )
    print("\n| eigenvalues of a symmetric 1000 x 1000 matrix | ms |")
    print("|---|---:|")
    for name, seconds in eigen.items():
        print(f"| {name} | {seconds * 1e3:.1f} |")


if __name__ == "__main__":
    main()
