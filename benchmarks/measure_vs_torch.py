"""The measurement against the PyTorch script, side by side (issue 14).

    .venv/bin/pip install -r requirements-bench.txt     # torch==2.13.0
    .venv/bin/python benchmarks/measure_vs_torch.py [--networks 2] [--examples 20000] [--repeats 3]

``glorot.measure.measure_network`` with the workflow's default histograms
against ``measure_speed.torch_measure`` (nn.Linear, autograd, retain_grad,
float64 sums; no histograms, so PyTorch does less), on the 5 x 1000 tanh
network, ``--networks`` networks of ``--examples`` Gaussian examples each,
one BLAS/torch thread, float32. A third contender, ``matmuls``, makes only
the forward and backward products of the same number of chunks with numpy
(``measure_speed.matmul_sequence``, no activations, moments, histograms or
inputs): the floor of any numpy measurement doing these products, however
fast the rest. The three alternate repeat by repeat (ours, torch, matmuls,
then reversed, ...) so that a drifting load hits all alike; reports the
median wall and CPU time of each over the repeats and the ratios of the
medians to torch's (target: ours <= 0.5 x torch).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))

import measure_speed as M  # noqa: E402
from glorot import initializers, inputs, measure, seeding  # noqa: E402


def network(k):
    weights = initializers.sample_network(
        seeding.weights_generator(2010, "bench", "normalized", k),
        "normalized",
        M.WIDTHS,
    )
    source = inputs.GaussianInputs(
        seeding.inputs_seed_sequence(2010, "bench", k),
        EXAMPLES,
        M.WIDTHS[0],
        M.WIDTHS[-1],
    )
    return weights, source


def ours(networks):
    for weights, source in networks:
        measure.measure_network(
            weights, source, "tanh", M.CHUNK, M.RANGES, M.BINS, M.WG_EXAMPLES
        )


def theirs(networks):
    for weights, source in networks:
        M.torch_measure(weights, source, M.CHUNK, per_example_weight_gradients=False)


def matmuls(networks):
    run = M.matmul_sequence()
    run(chunks=len(networks) * -(-EXAMPLES // M.CHUNK))


def timed(fn, networks):
    wall, cpu = time.perf_counter(), time.process_time()
    fn(networks)
    return time.perf_counter() - wall, time.process_time() - cpu


def main():
    global EXAMPLES
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--networks", type=int, default=2)
    parser.add_argument("--examples", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    EXAMPLES = args.examples
    import torch

    torch.set_num_threads(1)
    networks = [network(k) for k in range(args.networks)]
    contenders = {"ours": ours, "torch": theirs, "matmuls": matmuls}
    times = {name: [] for name in contenders}
    with threadpool_limits(1):
        for contender in contenders.values():  # warm-up: first-call costs
            contender(networks[:1])
        load = []
        for repeat in range(args.repeats):
            order = list(contenders) if repeat % 2 == 0 else list(contenders)[::-1]
            for name in order:
                times[name].append(timed(contenders[name], networks))
                load.append(os.getloadavg()[0])
                print(name, *(f"{t:.2f}" for t in times[name][-1]), file=sys.stderr)
    print(
        f"{args.networks} networks x {args.examples} examples, 5 x 1000 tanh, 1 thread, "
        f"torch {torch.__version__}, BLAS {M.blas_description()}"
    )
    print(
        f"load average (1 min) during the runs: {min(load):.1f}-{max(load):.1f} on "
        f"{os.cpu_count()} cores"
    )
    med = {
        k: [statistics.median(t[i] for t in v) for i in (0, 1)]
        for k, v in times.items()
    }
    print("| | ours | torch | matmuls | ours / torch | matmuls / torch |")
    print("|---|---:|---:|---:|---:|---:|")
    for i, label in enumerate(["wall time, s", "CPU time, s"]):
        ours_t, torch_t, floor_t = (med[k][i] for k in ("ours", "torch", "matmuls"))
        print(
            f"| {label} (median of {args.repeats}) | {ours_t:.2f} | {torch_t:.2f} | "
            f"{floor_t:.2f} | {ours_t / torch_t:.2f} | {floor_t / torch_t:.2f} |"
        )


if __name__ == "__main__":
    main()
