"""Resource requests (memory, runtime) of the workflow's heavy jobs, computed
from the config: the measure and jacobian jobs of an experiment, a training
run and a stored training stream. Generous upper bounds, for schedulers
(SLURM) that kill a job past its request; ``glorot.config`` also refuses a
config whose jobs would need more than its ``max_job_mem_mb``, before any job.

Only the Shapeset-3x2 module's sizes are imported (no pandas, no scipy), so
the Snakefile can call these while it is parsed.
"""

import math

from .shapeset import CLASS_NAMES, N_PIXELS

# Shapeset-3x2 inputs and classes, the ends of every training network.
N_INPUTS = N_PIXELS
N_CLASSES = len(CLASS_NAMES)
# Examples per forward chunk of an evaluation (glorot.training.evaluation).
EVAL_CHUNK = 1000

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


# Resource requests of a job writing one split: generous upper bounds, for
# schedulers (SLURM) that kill a job past its request. Measured: 100,000 images
# peak at 470 MB and take 5 s on one core, generation and writing together.
SPLIT_BASELINE_MB = 400  # Python with numpy, plus one batch of temporaries (40 MB)
SPLIT_IMAGES_PER_SECOND = 4000  # several times below the benchmark


def split_mem_mb(size):
    """Peak memory (MB) of generating and writing ``size`` images: the float32
    images and int64 labels are held whole before writing."""
    return SPLIT_BASELINE_MB + math.ceil(size * (N_PIXELS * 4 + 8) / 1e6)


def split_runtime_min(size):
    """Wall-clock minutes of generating and writing ``size`` images."""
    return 5 + math.ceil(size / SPLIT_IMAGES_PER_SECOND / 60)


# --- The depth study (glorot.propagation_measure, glorot.trainability) -------

# CPU seconds per network per width^2 x depth, measured (tanh, width 512,
# depth 200, 16 input columns: 1.03 s a network, one core, float64).
PROPAGATION_SECONDS_PER_UNIT = 2e-8
# CPU seconds per update per hidden layer per width^2, measured (tanh, depth
# 100, width 128, minibatch 20, 2000 updates: 41.9 s on one core).
TRAINABILITY_SECONDS_PER_UNIT = 1.3e-8


def propagation_mem_mb(width, depth, columns, n_in=N_INPUTS):
    """Memory of one propagation network job in MB: the weights (kept for the
    backward pass), phi'(h) of every layer and column, float64, plus 200 MB
    for Python."""
    floats = width * n_in + (depth - 1) * width**2 + 2 * depth * width * columns
    return math.ceil(floats * 8 / 1e6) + 200


def propagation_runtime_min(width, depth, networks, safety=4):
    """Minutes to ask for a propagation job of ``networks`` networks: the
    measured cost times ``safety`` (a slower node, a loaded one), plus 5 for
    start-up."""
    seconds = networks * width**2 * depth * PROPAGATION_SECONDS_PER_UNIT
    return 5 + math.ceil(safety * seconds / 60)


def trainability_runtime_min(depth, width, updates, safety=4):
    """Minutes to ask for one trainability run: the measured cost times
    ``safety``, plus 5."""
    seconds = TRAINABILITY_SECONDS_PER_UNIT * updates * (depth + 8) * width**2
    return 5 + math.ceil(safety * seconds / 60)


# --- The spectrum and finite-width sweeps (glorot.spectrum, glorot.finite_width)

# Seconds per network, per layer and per n^3, measured with orthogonal weights
# (the dearer: a QR per layer) at n = 512, L = 128 on one loaded core
# (docs/spectrum.md, "Cost"); Gaussian weights take half.
SPECTRUM_SECONDS_PER_LAYER_N3 = 3e-9
# Seconds per network and per layer of a finite-width run: a fixed part
# (Python and small-array overheads, which dominate at small n) plus the
# draws, 2n normals for Gaussian weights (exact low-rank pair) and n^2
# uniforms for uniform weights (drawn in full). Measured at depth 50 on one
# loaded core (benchmarks/spectrum_speed.py and the n = 256 jobs of
# config/spectrum.yaml, docs/spectrum.md "Cost"): 10,000 networks took
# 10 s (Gaussian) and 164 s (uniform) at n = 256.
FINITE_WIDTH_SECONDS_PER_LAYER = 2e-6
FINITE_WIDTH_SECONDS_PER_LAYER_N = {"gaussian": 8e-8, "uniform": 0.0}
FINITE_WIDTH_SECONDS_PER_LAYER_N2 = {"gaussian": 0.0, "uniform": 5e-9}


def spectrum_runtime_min(sweep):
    """Minutes to ask for one spectrum run of ``sweep``: twice the measured
    cost, plus 2."""
    seconds = sweep["networks"] * max(sweep["depths"]) * sweep["width"] ** 3
    return int(2 + 2 * seconds * SPECTRUM_SECONDS_PER_LAYER_N3 / 60)


def finite_width_runtime_min(sweep, width, weights):
    """Minutes to ask for one finite-width run at ``width`` with ``weights``:
    twice the measured cost, plus 2."""
    per_layer = (
        FINITE_WIDTH_SECONDS_PER_LAYER
        + FINITE_WIDTH_SECONDS_PER_LAYER_N[weights] * width
        + FINITE_WIDTH_SECONDS_PER_LAYER_N2[weights] * width**2
    )
    seconds = sweep["networks"] * sweep["depth"] * per_layer
    return int(2 + 2 * seconds / 60)
