"""Memory and runtime requested by one training job (SLURM kills a job that
exceeds them)."""

import math

from .evaluation import EVAL_CHUNK
from .run import N_CLASSES, N_INPUTS

# Single-thread rates for the runtime request (SLURM kills a job past it),
# about half of what benchmarks/ measured on a shared 2-core virtual machine:
# the SGD step of the 5 x 1000 network at 157 updates/s is 47 GFLOP/s (it is
# bound by memory traffic, not arithmetic), Shapeset generation 28,000-57,000
# images/s. A run that still overruns resumes from its checkpoint when the
# job is resubmitted (docs/training.md).
TRAIN_FLOPS_PER_SECOND = 2e10
TRAIN_IMAGES_PER_SECOND = 10000
TRAIN_SECONDS_PER_UPDATE_OVERHEAD = 2e-4  # Python per update, whatever the size
TRAIN_PYTHON_BASELINE_MB = 400


def _macs_per_example(widths):
    return sum(n * m for n, m in zip(widths[:-1], widths[1:]))


def train_mem_mb(training):
    """Peak memory (MB) of one training run under the ``training`` config."""
    widths = [N_INPUTS, *training["hidden_widths"], N_CLASSES]
    b = 8 if training["dtype"] == "float64" else 4
    params = _macs_per_example(widths) + sum(widths[1:])
    # Weights, a loaded checkpoint's copy and the arrays of np.savez.
    parameters = 3 * params * b
    # Two cached training blocks plus the generator's temporaries (one block).
    blocks = 3 * training["block_size"] * (N_INPUTS * b + 8)
    # Validation and test sets, held whole, and the eval passes of one chunk.
    sets = (training["validation_size"] + training["test_size"]) * (N_INPUTS * b + 8)
    passes = 4 * max(EVAL_CHUNK, training["test_examples"]) * sum(widths) * 8
    evaluations = training["updates"] // training["eval_every"] + 2
    rows = evaluations * (4 * len(widths) + 4) * 40 * 3
    hist = evaluations * len(widths) * (training["histograms"]["bins"] + 2) * 8 * 3
    total = parameters + blocks + sets + passes + rows + hist
    return TRAIN_PYTHON_BASELINE_MB + math.ceil(total / 1e6)


def train_runtime_min(training):
    """Wall-clock minutes of one training run under the ``training`` config:
    the SGD updates (forward, backward, update: 6 flops per weight and
    example), the generated training stream and the evaluations."""
    widths = [N_INPUTS, *training["hidden_widths"], N_CLASSES]
    macs = _macs_per_example(widths)
    updates = training["updates"]
    batch = training["batch_size"]
    step_seconds = updates * (
        6 * macs * batch / TRAIN_FLOPS_PER_SECOND + TRAIN_SECONDS_PER_UPDATE_OVERHEAD
    )
    data_seconds = updates * batch / TRAIN_IMAGES_PER_SECOND
    evaluations = updates // training["eval_every"] + 2
    eval_examples = training["validation_size"] + training["test_size"]
    eval_flops = 2 * macs * eval_examples + 6 * macs * training["test_examples"]
    eval_seconds = evaluations * eval_flops / TRAIN_FLOPS_PER_SECOND
    return 5 + math.ceil((step_seconds + data_seconds + eval_seconds) / 60)


def stream_mem_mb(block_size):
    """Peak memory (MB) of writing a stored training stream: one block's index,
    grey levels and labels, and the generator's temporaries (a block's worth
    of float64 pixels at most); the file itself is written through a memory
    map, page by page."""
    return TRAIN_PYTHON_BASELINE_MB + math.ceil(block_size * (N_INPUTS * 9 + 40) / 1e6)
