"""Resource requests of the measure job, computed from the experiment's size.

Generous upper bounds, for schedulers (SLURM) that kill a job past its request.
"""

import math

# Conservative single-thread rate of the measure kernel; a laptop core does
# several times this (see benchmarks/), so the runtime request has headroom.
ASSUMED_FLOPS_PER_SECOND = 2e9
PYTHON_BASELINE_MB = 300


def _bytes_per_value(experiment):
    return 8 if experiment.get("dtype", "float32") == "float64" else 4


def measure_mem_mb(experiment):
    """Peak memory of one measure job in MB; flat in the number of examples."""
    widths = experiment["widths"]
    b = _bytes_per_value(experiment)
    chunk = min(experiment.get("chunk_size", 1000), experiment["examples"])
    weights = sum(n * m for n, m in zip(widths[:-1], widths[1:])) * b
    # s, z, dC/ds and f'(s) for every layer, plus float64 temporaries of one layer.
    passes = 4 * chunk * sum(widths) * b + 3 * chunk * max(widths) * 8
    hist_examples = experiment.get("histograms", {}).get("weight_gradient_examples", 10)
    largest = max(n * m for n, m in zip(widths[:-1], widths[1:]))
    # The per-example weight gradients of the histogrammed examples, in float64.
    weight_gradient_hist = 3 * min(hist_examples, chunk) * largest * 8
    total = weights + passes + weight_gradient_hist
    return PYTHON_BASELINE_MB + math.ceil(total / 1e6)


def measure_runtime_min(experiment):
    """Wall-clock minutes for one measure job (all activations of one network)."""
    widths = experiment["widths"]
    macs = sum(n * m for n, m in zip(widths[:-1], widths[1:]))
    flops = 4 * macs * experiment["examples"] * len(experiment["activations"])
    return 5 + math.ceil(flops / ASSUMED_FLOPS_PER_SECOND / 60)
