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
- ``resources``: memory and runtime requested by a training job.
"""

from .checkpoint import (
    CHECKPOINT_VERSION,
    CURVE_QUANTITIES,
    STATUSES,
    load_checkpoint,
    save_checkpoint,
)
from .evaluation import EVAL_CHUNK, error_and_cost, layer_statistics
from .loop import CURVE_COLUMNS, HISTOGRAM_COLUMNS, MAX_COST, Result, train
from .resources import (
    TRAIN_FLOPS_PER_SECOND,
    TRAIN_IMAGES_PER_SECOND,
    TRAIN_SECONDS_PER_UPDATE_OVERHEAD,
    TRAIN_PYTHON_BASELINE_MB,
    stream_mem_mb,
    train_mem_mb,
    train_runtime_min,
)
from .run import (
    N_CLASSES,
    N_INPUTS,
    Run,
    learning_rate_label,
    run_from_config,
)
from .selection import (
    PAPER_TABLE1_SHAPESET,
    final_values,
    model_label,
    select_learning_rates,
    table1,
)
from .sgd import SGDStep, gradients, initial_parameters, sgd_step
from .stream import TrainingStream, stream_blocks, write_stream

__all__ = [
    "TRAIN_FLOPS_PER_SECOND",
    "TRAIN_IMAGES_PER_SECOND",
    "TRAIN_SECONDS_PER_UPDATE_OVERHEAD",
    "CHECKPOINT_VERSION",
    "CURVE_COLUMNS",
    "EVAL_CHUNK",
    "HISTOGRAM_COLUMNS",
    "MAX_COST",
    "N_CLASSES",
    "N_INPUTS",
    "PAPER_TABLE1_SHAPESET",
    "TRAIN_PYTHON_BASELINE_MB",
    "CURVE_QUANTITIES",
    "STATUSES",
    "Result",
    "Run",
    "SGDStep",
    "TrainingStream",
    "error_and_cost",
    "final_values",
    "gradients",
    "initial_parameters",
    "layer_statistics",
    "learning_rate_label",
    "load_checkpoint",
    "model_label",
    "run_from_config",
    "save_checkpoint",
    "select_learning_rates",
    "sgd_step",
    "stream_blocks",
    "stream_mem_mb",
    "table1",
    "train",
    "train_mem_mb",
    "train_runtime_min",
    "write_stream",
]
