"""Resource requests of the measure job, computed from the experiment's size.

Generous upper bounds, for schedulers (SLURM) that kill a job past its request.
"""

import math

# Conservative single-thread rate of the measure kernel; a laptop core does
# several times this (see benchmarks/), so the runtime request has headroom.
MEASURE_FLOPS_PER_SECOND = 2e9
PYTHON_BASELINE_MB = 300


def _bytes_per_value(experiment):
    return 8 if experiment.get("dtype", "float32") == "float64" else 4


def measure_mem_mb(experiment):
    """Peak memory of one measure job in MB; flat in the number of examples."""
    widths = experiment["widths"]
    b = _bytes_per_value(experiment)
    chunk = min(experiment.get("chunk_size", 1000), experiment["examples"])
    weights = sum(n * m for n, m in zip(widths[:-1], widths[1:])) * b
    # s, z, dC/ds and f'(s) for every layer (reused buffers), one float64 copy
    # of a chunk's layer for the moments, and the chunk the input source holds.
    passes = (
        4 * chunk * sum(widths) * b + chunk * max(widths) * 8 + chunk * widths[0] * 8
    )
    # Shapeset inputs are a fixed split held whole in memory.
    data = (
        experiment["examples"] * widths[0] * b
        if experiment.get("input") == "shapeset"
        else 0
    )
    # The jacobian rule shares these requests: the Jacobians of every hidden
    # layer at its examples (an upper bound: the float64 Gram matrices of
    # glorot.jacobian take less).
    largest = max(n * m for n, m in zip(widths[:-1], widths[1:]))
    jacobians = (
        experiment.get("jacobian_examples", 3) * largest * (b * (len(widths) - 2) + 8)
    )
    total = weights + passes + data + jacobians
    return PYTHON_BASELINE_MB + math.ceil(total / 1e6)


def measure_runtime_min(experiment, networks=1):
    """Wall-clock minutes for one measure job (all activations of ``networks``
    networks, a block of glorot.blocks)."""
    widths = experiment["widths"]
    macs = sum(n * m for n, m in zip(widths[:-1], widths[1:]))
    flops = 4 * macs * experiment["examples"] * len(experiment["activations"])
    # Drawing the weights costs about as much as 10 examples' passes.
    flops += 40 * macs
    return 5 + math.ceil(networks * flops / MEASURE_FLOPS_PER_SECOND / 60)
