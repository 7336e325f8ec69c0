"""SGD updates per second of the paper's network, ours against PyTorch.

The network of Table 1 (1024 inputs, 5 hidden layers of 1000 tanh units, 9
classes), minibatches of 10, float32, one thread, one core. Timed side by
side, alternating, so that the load of the machine hits every variant alike:

- ``glorot``: ``glorot.training.SGDStep``, the step the workflow runs: the
  operations of ``sgd_step`` into arrays allocated once (same bits);
- ``glorot-sgd_step``: ``glorot.training.sgd_step`` (forward with biases, the
  backward pass of ``glorot.network``, and the update W += alpha z^T dC/ds as
  one BLAS gemm in place), the step the workflow ran before;
- ``numpy-naive``: the same step with the update written W -= lr * (z.T @ g) / B
  (a temporary gradient matrix per layer);
- ``torch-autograd``: PyTorch 2.13, ``loss.backward()`` and ``torch.optim.SGD``;
- ``torch-manual``: PyTorch with the gradients written out and in-place
  ``addmm_`` updates under ``no_grad`` (the fastest PyTorch form found);
- ``blas-calls``: only the BLAS calls ``SGDStep`` makes, the same products
  of the same shapes into the same kind of arrays (forward z^i W^i, backward
  dC/ds^i W^i^T, the in-place update gemm), on fixed operands, without any
  of the step's other work: the floor of a step that makes these calls, so
  of any change that keeps the step's bits.

Every variant draws the minibatch from a fixed pool of generated images, so
data generation is not timed (it costs about 10 / 40,000 s per update, see
benchmarks/README.md). Reports the median over ``--repeats`` of
``--updates`` updates each, and the time of one update.

    .venv/bin/python benchmarks/training_speed.py [--updates 300] [--repeats 7]
    .venv/bin/python benchmarks/training_speed.py --hidden 200 --updates 3000   # default config

``--hidden`` sets the width of the 5 hidden layers (1000, the paper's; the
default config's is 200). Rates are per second of wall time and, in
brackets, per second of the process's CPU time (less sensitive to a loaded
machine).
"""

import argparse
import os
import platform
import statistics
import time

import numpy as np

from glorot import shapeset, training

try:
    import torch
except ImportError:  # pragma: no cover
    torch = None

# Imported first, then pinned: threadpoolctl only limits the BLAS libraries
# loaded so far (numpy's and scipy's OpenBLAS, torch's own).
from threadpoolctl import threadpool_limits  # noqa: E402

WIDTHS = [1024, 1000, 1000, 1000, 1000, 1000, 9]
BATCH = 10
LEARNING_RATE = 0.01


def pin_to_one_core():
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def data(pool=2000):
    rng = np.random.default_rng(0)
    return shapeset.generate(rng, pool, neg=True)


def glorot_variant(x, y):
    run = training.Run(
        "tanh", "normalized", LEARNING_RATE, 0, 0, tuple(WIDTHS), updates=1
    )
    weights, biases = training.initial_parameters(run)
    sgd_step = training.SGDStep(WIDTHS, BATCH, "tanh", np.float32)

    def step(u):
        k = (u * BATCH) % len(x)
        sgd_step(x[k : k + BATCH], y[k : k + BATCH], weights, biases, LEARNING_RATE)

    return step


def glorot_sgd_step_variant(x, y):
    run = training.Run(
        "tanh", "normalized", LEARNING_RATE, 0, 0, tuple(WIDTHS), updates=1
    )
    weights, biases = training.initial_parameters(run)

    def step(u):
        k = (u * BATCH) % len(x)
        training.sgd_step(
            x[k : k + BATCH], y[k : k + BATCH], weights, biases, "tanh", LEARNING_RATE
        )

    return step


def numpy_naive_variant(x, y):
    from glorot import network

    run = training.Run(
        "tanh", "normalized", LEARNING_RATE, 0, 0, tuple(WIDTHS), updates=1
    )
    weights, biases = training.initial_parameters(run)

    def step(u):
        k = (u * BATCH) % len(x)
        xb, yb = x[k : k + BATCH], y[k : k + BATCH]
        s, z = network.forward(xb, weights, np.tanh, biases)
        g = network.backward(s, weights, lambda v: 1 - np.tanh(v) ** 2, yb)
        for i in range(len(weights)):
            weights[i] -= LEARNING_RATE * (z[i].T @ g[i]) / BATCH
            biases[i] -= LEARNING_RATE * g[i].sum(axis=0) / BATCH

    return step


def blas_calls_variant(x, y):
    from floors import update_calls

    run = training.Run(
        "tanh", "normalized", LEARNING_RATE, 0, 0, tuple(WIDTHS), updates=1
    )
    weights, _ = training.initial_parameters(run)
    calls = update_calls(weights, BATCH)
    # In the step's order: every forward product, then from the top layer
    # down the backward product and the update of each.
    forward = [call for _, kind, _, call in calls if kind == "forward"]
    ordered = forward + [
        call
        for i in range(len(weights) - 1, -1, -1)
        for layer, kind, _, call in calls
        if layer == i and kind != "forward"
    ]

    def step(u):
        for call in ordered:
            call()

    return step


def _torch_parameters():
    run = training.Run(
        "tanh", "normalized", LEARNING_RATE, 0, 0, tuple(WIDTHS), updates=1
    )
    weights, biases = training.initial_parameters(run)
    return [torch.from_numpy(w.copy()) for w in weights], [
        torch.from_numpy(b.copy()) for b in biases
    ]


def torch_autograd_variant(x, y):
    weights, biases = _torch_parameters()
    params = weights + biases
    for p in params:
        p.requires_grad_(True)
    optimizer = torch.optim.SGD(params, lr=LEARNING_RATE)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)

    def step(u):
        k = (u * BATCH) % len(x)
        h = xt[k : k + BATCH]
        for i, (w, b) in enumerate(zip(weights, biases)):
            h = torch.addmm(b, h, w)
            if i < len(weights) - 1:
                h = torch.tanh(h)
        loss = torch.nn.functional.cross_entropy(h, yt[k : k + BATCH])
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()

    return step


def torch_manual_variant(x, y):
    weights, biases = _torch_parameters()
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    alpha = -LEARNING_RATE / BATCH
    rows = torch.arange(BATCH)

    def step(u):
        k = (u * BATCH) % len(x)
        with torch.no_grad():
            z = [xt[k : k + BATCH]]
            for i, (w, b) in enumerate(zip(weights, biases)):
                s = torch.addmm(b, z[-1], w)
                if i < len(weights) - 1:
                    z.append(torch.tanh(s))
            g = torch.softmax(s, dim=1)
            g[rows, yt[k : k + BATCH]] -= 1
            for i in range(len(weights) - 1, -1, -1):
                below = (g @ weights[i].T).mul_(1 - z[i] * z[i]) if i > 0 else None
                weights[i].addmm_(z[i].T, g, alpha=alpha)
                biases[i].add_(g.sum(dim=0), alpha=alpha)
                g = below

    return step


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument(
        "--hidden", type=int, default=1000, help="units per hidden layer"
    )
    parser.add_argument("--no-torch", action="store_true")
    args = parser.parse_args()
    WIDTHS[1:-1] = [args.hidden] * 5
    pin_to_one_core()
    x, y = data()
    variants = {
        "glorot": glorot_variant(x, y),
        "glorot-sgd_step": glorot_sgd_step_variant(x, y),
        "numpy-naive": numpy_naive_variant(x, y),
        "blas-calls": blas_calls_variant(x, y),
    }
    if torch is not None and not args.no_torch:
        torch.set_num_threads(1)
        variants["torch-autograd"] = torch_autograd_variant(x, y)
        variants["torch-manual"] = torch_manual_variant(x, y)
    rates = {name: [] for name in variants}
    cpu_rates = {name: [] for name in variants}
    with threadpool_limits(limits=1):
        for step in variants.values():  # warm-up
            for u in range(20):
                step(u)
        for repeat in range(args.repeats):
            for name, step in variants.items():
                start, start_cpu = time.perf_counter(), time.process_time()
                for u in range(args.updates):
                    step(u)
                rates[name].append(args.updates / (time.perf_counter() - start))
                cpu_rates[name].append(args.updates / (time.process_time() - start_cpu))
    print(
        f"machine: {platform.processor() or platform.machine()}, numpy {np.__version__}"
        + (f", torch {torch.__version__}" if torch is not None else ", no torch")
    )
    print(
        f"network {WIDTHS}, tanh, minibatch {BATCH}, float32, one thread, one core; "
        f"{args.updates} updates x {args.repeats} repeats, variants alternated"
    )
    print(f"load average (1 min) at the end: {os.getloadavg()[0]:.1f}")
    base = statistics.median(rates["glorot"])
    base_cpu = statistics.median(cpu_rates["glorot"])
    for name, r in rates.items():
        median, cpu = statistics.median(r), statistics.median(cpu_rates[name])
        print(
            f"{name:15s} median {median:7.1f} updates/s ({1000 / median:5.2f} ms/update; "
            f"min {min(r):6.1f}, max {max(r):6.1f}); glorot / this = {base / median:.2f}; "
            f"per CPU second {cpu:7.1f} (glorot / this = {base_cpu / cpu:.2f})"
        )


if __name__ == "__main__":
    main()
