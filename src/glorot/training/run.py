"""What determines one training run: the Run, its identity in tables and file
names, and how it is read from the ``training`` section of the config."""

import json
from dataclasses import asdict, dataclass, field

from .. import activations, initializers, shapeset

# Shapeset-3x2: 32 x 32 inputs, 9 classes.
N_INPUTS = shapeset.N_PIXELS
N_CLASSES = len(shapeset.CLASS_NAMES)


def learning_rate_label(learning_rate):
    """The learning rate as written in file names and tables: the shortest
    decimal that reads back as the same float (``repr``), e.g. "0.01", "1e-05"."""
    return repr(float(learning_rate))


@dataclass(frozen=True)
class Run:
    """Everything that determines one training run's numbers."""

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

    def __post_init__(self):
        activations.get(self.activation)
        initializers.weight_variance(self.init, 1, 1)
        for name in (
            "updates",
            "batch_size",
            "eval_every",
            "checkpoint_every",
            "test_examples",
            "block_size",
            "histogram_bins",
        ):
            if int(getattr(self, name)) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)}")
        if not self.learning_rate > 0:
            raise ValueError(f"learning_rate must be > 0, got {self.learning_rate}")
        if self.widths[0] != N_INPUTS or self.widths[-1] != N_CLASSES:
            raise ValueError(
                f"widths {list(self.widths)}: Shapeset-3x2 needs {N_INPUTS} inputs "
                f"and {N_CLASSES} classes"
            )

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


def check_config(training):
    """Rules between keys of the ``training`` config that the schema cannot
    express; raises ValueError naming the key and the value."""
    if training["test_examples"] > training["test_size"]:
        raise ValueError(
            f"config key training.test_examples = {training['test_examples']}: "
            f"more than the test set (training.test_size = {training['test_size']})"
        )
    low, high = training["histograms"]["range"]
    if not low < high:
        raise ValueError(
            f"config key training.histograms.range = {[low, high]}: "
            "the range needs low < high"
        )
    models = [(m["activation"], m["init"]) for m in training["models"]]
    for model in models:
        if models.count(model) > 1:
            raise ValueError(
                f"config key training.models: {model} appears more than once"
            )


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
