"""What determines one training run: the Run, its identity in tables and file
names, and how it is read from the ``training`` section of the config."""

import json
from dataclasses import asdict, dataclass, field

# Shapeset-3x2: 32 x 32 inputs, 9 classes.
from ..resources import N_CLASSES, N_INPUTS


def learning_rate_label(learning_rate):
    """The learning rate as written in file names and tables: the shortest
    decimal that reads back as the same float (``repr``), e.g. "0.01", "1e-05"."""
    return repr(float(learning_rate))


@dataclass(frozen=True)
class Run:
    """Everything that determines one training run's numbers. Built from a
    config that glorot.config has checked (``run_from_config``); what a valid
    value is is decided there, not here."""

    activation: str
    init: str
    learning_rate: float
    seed: int  # the config's root seed
    run_seed: int  # the run's own key under it (config ``training.seeds``)
    widths: tuple  # n_0 = 1024 .. n_{d+1} = 9
    updates: int
    batch_size: int = 10
    eval_every: int = 1000
    checkpoint_every: int = 10000
    test_examples: int = 300
    block_size: int = 10000
    pixels: str = "unit"
    dtype: str = "float32"
    histogram_bins: int = 100
    histogram_range: tuple = field(default=(-1.0, 1.0))

    @property
    def depth(self):
        """d, the number of hidden layers."""
        return len(self.widths) - 2

    def identity(self):
        return {
            "activation": self.activation,
            "init": self.init,
            "learning_rate": learning_rate_label(self.learning_rate),
            "seed": self.run_seed,
        }

    def fingerprint(self):
        return json.dumps(asdict(self), sort_keys=True)


# The keys of the ``training`` section one run's numbers depend on (the rule
# train's params): not the grid around it (models, learning_rates, seeds), so
# that extending the grid leaves finished runs alone, and not the sizes of the
# validation and test splits, which are its input files.
RUN_KEYS = (
    "hidden_widths",
    "updates",
    "batch_size",
    "eval_every",
    "checkpoint_every",
    "test_examples",
    "block_size",
    "pixels",
    "dtype",
    "histograms",
)


def run_settings(training):
    """The part of the ``training`` section that ``run_from_config`` reads."""
    return {key: training[key] for key in RUN_KEYS}


def run_from_config(training, seed, activation, init, learning_rate, run_seed):
    """The Run of (activation, init, learning_rate, run_seed) under the
    ``training`` section of the config (defaults filled in) and root ``seed``."""
    hist = training["histograms"]
    return Run(
        activation=activation,
        init=init,
        learning_rate=float(learning_rate),
        seed=int(seed),
        run_seed=int(run_seed),
        widths=tuple([N_INPUTS, *training["hidden_widths"], N_CLASSES]),
        updates=int(training["updates"]),
        batch_size=int(training["batch_size"]),
        eval_every=int(training["eval_every"]),
        checkpoint_every=int(training["checkpoint_every"]),
        test_examples=int(training["test_examples"]),
        block_size=int(training["block_size"]),
        pixels=training["pixels"],
        dtype=training["dtype"],
        histogram_bins=int(hist["bins"]),
        histogram_range=tuple(float(v) for v in hist["range"]),
    )
