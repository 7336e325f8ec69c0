"""Training by stochastic gradient descent, as in the paper (Sections 2.3, 3, 4.3).

The network of ``glorot.network`` with biases: s^i = z^i W^i + b^i,
z^{i+1} = f(s^i), softmax on s^d, cost -log P(y | x). Plain SGD on minibatches
of ``batch_size`` examples, the cost averaged over the minibatch; weights from
``initializers.sample_network``, biases start at 0 and are trained.

Data, as in the paper: a fresh Shapeset-3x2 stream for training, generated on
the fly in blocks of ``block_size`` examples, block b from the stream
(seed, "shapeset", "train", run seed, b), or read from a file written once
with the same blocks for every run of a seed; fixed validation and test sets.
Minibatch u holds examples u * batch_size .. (u + 1) * batch_size - 1 of the
stream, so a resumed run regenerates exactly the examples it would have seen.

Modules, one concern each (every name is also importable from here):

- ``run``: the Run (what determines a run's numbers) and its config.
- ``sgd``: initial parameters, minibatch gradients, the SGD update.
- ``stream``: the training stream.
- ``evaluation``: error, cost and per-layer statistics of a network.
- ``checkpoint``: the recorded rows and the checkpoint file.
- ``loop``: ``train``, which ties these together, and its Result.
- ``selection``: learning-rate selection and Table 1.
Memory and runtime requested by a training job: ``glorot.resources``.

The names are imported on first use (PEP 562), so that importing one
submodule (the Snakefile imports ``run``) does not import pandas and scipy.
"""

import importlib

# name -> the module (relative to this package) that defines it
_HOMES = {
    "CHECKPOINT_VERSION": ".checkpoint",
    "CURVE_QUANTITIES": ".checkpoint",
    "STATUSES": ".checkpoint",
    "load_checkpoint": ".checkpoint",
    "save_checkpoint": ".checkpoint",
    "error_and_cost": ".evaluation",
    "layer_statistics": ".evaluation",
    "CURVE_COLUMNS": ".loop",
    "HISTOGRAM_COLUMNS": ".loop",
    "MAX_COST": ".loop",
    "Result": ".loop",
    "train": ".loop",
    "EVAL_CHUNK": "..resources",
    "N_CLASSES": "..resources",
    "N_INPUTS": "..resources",
    "TRAIN_FLOPS_PER_SECOND": "..resources",
    "TRAIN_IMAGES_PER_SECOND": "..resources",
    "TRAIN_SECONDS_PER_UPDATE_OVERHEAD": "..resources",
    "TRAIN_PYTHON_BASELINE_MB": "..resources",
    "stream_mem_mb": "..resources",
    "train_mem_mb": "..resources",
    "train_runtime_min": "..resources",
    "Run": ".run",
    "learning_rate_label": ".run",
    "run_from_config": ".run",
    "run_settings": ".run",
    "RUN_KEYS": ".run",
    "PAPER_TABLE1_SHAPESET": ".selection",
    "final_values": ".selection",
    "model_label": ".selection",
    "select_learning_rates": ".selection",
    "table1": ".selection",
    "SGDStep": ".sgd",
    "gradients": ".sgd",
    "initial_parameters": ".sgd",
    "sgd_step": ".sgd",
    "TrainingStream": ".stream",
    "stream_blocks": ".stream",
    "write_stream": ".stream",
}

__all__ = sorted(_HOMES)


def __getattr__(name):
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOMES[name], __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted({*globals(), *_HOMES})
