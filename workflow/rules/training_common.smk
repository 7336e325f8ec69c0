# Helpers of workflow/rules/training.smk (target lists, input and resource
# functions), which includes this file; both only with a `training` key in
# the config.

from glorot import paper, shapeset
from glorot.training import (
    learning_rate_label,
    stream_blocks,
    stream_mem_mb,
    train_mem_mb,
    train_runtime_min,
)

TRAINING = config["training"]
# What one run's tables depend on: the training section less the grid of
# runs (glorot.provenance.ONE_RUN), so that another learning rate, seed or
# model reruns no finished run.
TRAINING_RUN_CONFIG = without(TRAINING, ONE_RUN["training"])
TRAINING_ACTIVATION = training_activation_constraint(TRAINING, learning_rate_label)
TRAINING_SEED = training_seed_constraint(TRAINING)

# One run's tables, without the ending (".csv", "_histograms.csv").
TRAINING_RUN = "results/training/runs/{activation}_{init}/lr{lr}_seed{seed}"

# The models each figure of the paper shows, as (activation, init).
TRAINING_FIGURES = paper.TRAINING_FIGURES


def training_models():
    """The configured models as (activation, init) pairs."""
    return [(m["activation"], m["init"]) for m in TRAINING["models"]]


def training_split(split):
    """The fixed Shapeset-3x2 validation or test split of the training runs."""
    return shapeset_path(split, TRAINING[f"{split}_size"], TRAINING["pixels"])


def _training_files(models, ending):
    return [
        TRAINING_RUN.format(
            activation=activation, init=init, lr=learning_rate_label(lr), seed=seed
        )
        + ending
        for activation, init in (models or training_models())
        for lr in TRAINING["learning_rates"]
        for seed in TRAINING["seeds"]
    ]


def training_curves(*models):
    """The curves tables of every learning rate and seed of ``models``
    ((activation, init) pairs; all configured models if none given)."""
    return _training_files(models, ".csv")


def training_histograms(*models):
    return _training_files(models, "_histograms.csv")


# One seed's training stream, written once for all its runs (shared_stream).
TRAINING_STREAM = "results/training/streams/seed{seed}.npy"


def training_stream(wildcards):
    """The stored training stream a run reads, if the config shares it."""
    if not TRAINING.get("shared_stream", True):
        return []
    return TRAINING_STREAM.format(seed=wildcards.seed)


def training_stream_params():
    """What the stored stream depends on besides the seeds: its size and format."""
    return {
        "blocks": stream_blocks(
            TRAINING["updates"], TRAINING["batch_size"], TRAINING["block_size"]
        ),
        "block_size": TRAINING["block_size"],
        "pixels": TRAINING["pixels"],
        "dtype": TRAINING["dtype"],
    }


def training_stream_mem(wildcards):
    return stream_mem_mb(TRAINING["block_size"])


def training_stream_runtime(wildcards):
    p = training_stream_params()
    return shapeset.split_runtime_min(p["blocks"] * p["block_size"])


def training_setting(key):
    """A key of the training config."""
    return TRAINING[key]


def training_figure_seed():
    """The seed whose runs Figures 2-4, 9 and 10 show: the first one."""
    return TRAINING["seeds"][0]


def training_mem(wildcards):
    return train_mem_mb(TRAINING)


def training_runtime(wildcards):
    return train_runtime_min(TRAINING)


def training_figure_models(wildcards):
    return TRAINING_FIGURES[wildcards.figure]


def training_figure_tables(wildcards):
    """The tables a figure draws: Figure 4 the histograms, the others the
    curves, of the runs of its models."""
    models = TRAINING_FIGURES[wildcards.figure]
    if wildcards.figure == "4":
        return training_histograms(*models)
    return training_curves(*models)


def training_targets():
    """Selection, Table 1, and the figures whose models are all configured."""
    targets = ["results/training/selection.csv", "results/training/table1.csv"]
    configured = set(training_models())
    for figure, models in TRAINING_FIGURES.items():
        if set(models) <= configured:
            targets.append(f"results/figures/training/figure{figure}.png")
    targets.append("results/figures/training/figure11.png")
    return targets
