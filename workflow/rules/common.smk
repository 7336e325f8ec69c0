from snakemake.utils import validate

from glorot.config import (
    ConfigError,
    check,
    experiment_constraint,
    init_constraint,
    network_experiment_constraint,
    training_activation_constraint,
)
from glorot.resources import measure_mem_mb, measure_runtime_min
from glorot.shapeset import split_mem_mb, split_runtime_min

# One readable message for a bad key or value, before any job runs; every
# rule of validity is in the schema and glorot.config.
try:
    check(config, workflow.source_path("../schemas/config.schema.yaml"))
except ConfigError as error:
    raise WorkflowError(str(error)) from None
# The snakemake-workflows convention; it also fills in the schema's defaults.
validate(config, schema="../schemas/config.schema.yaml")

EXPERIMENTS = config["experiments"]


# Only the targets the config asks for match a rule (no network99, no init the
# config does not name); rules measure and jacobian narrow `experiment` further.
wildcard_constraints:
    experiment=experiment_constraint(EXPERIMENTS),
    init=init_constraint(config),
    network=r"\d+",


NETWORK_EXPERIMENT = network_experiment_constraint(EXPERIMENTS)


def experiment_config(wildcards):
    return EXPERIMENTS[wildcards.experiment]


# Images in the split behind the sample grid: enough that every class appears
# (the rarest has probability 1/18; missing it in 200 has probability 1e-5).
SHAPESET_SAMPLE_IMAGES = 200


def shapeset_path(split, size, pixels="unit"):
    """The .npz of one Shapeset-3x2 split of ``size`` images drawn from the
    config's seed; ``pixels`` is "unit" for [0, 1] or "neg" for [-1, 1]."""
    return f"results/data/shapeset/{split}_seed{config['seed']}_n{size}_{pixels}.npz"


def shapeset_mem(wildcards):
    return split_mem_mb(int(wildcards.size))


def shapeset_runtime(wildcards):
    return split_runtime_min(int(wildcards.size))


def experiment_inputs(wildcards):
    """The data file an experiment reads: its Shapeset-3x2 split of
    ``examples`` images (split "init"), or nothing for generated inputs."""
    exp = EXPERIMENTS[wildcards.experiment]
    if exp["input"] == "shapeset":
        return [shapeset_path("init", exp["examples"], exp["pixels"])]
    return []


def network_outputs(wildcards, kind):
    exp = EXPERIMENTS[wildcards.experiment]
    return expand(
        "results/{experiment}/networks/{init}/network{network}_{kind}.csv",
        experiment=wildcards.experiment,
        init=exp["inits"],
        network=range(exp["networks"]),
        kind=kind,
    )


def network_moments(wildcards):
    return network_outputs(wildcards, "moments")


def network_histograms(wildcards):
    return network_outputs(wildcards, "histograms")


def network_jacobians(wildcards):
    return network_outputs(wildcards, "jacobian")


def network_minibatch(wildcards):
    return network_outputs(wildcards, "minibatch")


def minibatch_size():
    """The minibatch of the derivation's Step 3: the training runs' if any,
    else the paper's (glorot.minibatch.PAPER_MINIBATCH)."""
    from glorot.minibatch import PAPER_MINIBATCH

    training = config.get("training")
    return training["batch_size"] if training else PAPER_MINIBATCH


# The paper's Figures 6-8: which quantity each one histograms.
PAPER_FIGURES = {"6": "activation", "7": "backprop_gradient", "8": "weight_gradient"}


def figure_quantity(wildcards):
    return PAPER_FIGURES[wildcards.figure]


def has_paper_figures(experiment):
    """Figures 6-8 compare tanh networks under standard and normalized init."""
    return "tanh" in experiment["activations"] and {"standard", "normalized"} <= set(
        experiment["inits"]
    )


def measure_mem(wildcards, attempt):
    # A retry after an out-of-memory or time-limit kill asks for more.
    return measure_mem_mb(EXPERIMENTS[wildcards.experiment]) * attempt


def measure_runtime(wildcards, attempt):
    return measure_runtime_min(EXPERIMENTS[wildcards.experiment]) * attempt


def all_targets():
    targets = ["results/figures/shapeset_samples.png"]
    for name, experiment in EXPERIMENTS.items():
        targets += [
            f"results/{name}/variance_by_layer.csv",
            f"results/{name}/summary.md",
            f"results/{name}/jacobian.csv",
            f"results/{name}/assumptions.csv",
            f"results/figures/{name}/variance_by_layer.png",
            f"results/figures/{name}/agreement.png",
            f"results/figures/{name}/jacobian.png",
        ]
        if has_paper_figures(experiment):
            targets += [f"results/figures/{name}/figure{k}.png" for k in PAPER_FIGURES]
    targets += training_targets()
    return targets


# --- Training (workflow/rules/training.smk): Figures 2-4, 9-11 and Table 1 ---
# Only with a `training` key in the config (config/README.md, "Training").

from glorot import shapeset
from glorot.training import (
    learning_rate_label,
    stream_blocks,
    stream_mem_mb,
    train_mem_mb,
    train_runtime_min,
)

TRAINING = config.get("training")
TRAINING_ACTIVATION = (
    training_activation_constraint(TRAINING, learning_rate_label) if TRAINING else "$^"
)

# One run's tables, without the ending (".csv", "_histograms.csv").
TRAINING_RUN = "results/training/runs/{activation}_{init}/lr{lr}_seed{seed}"

# The models each figure of the paper shows, as (activation, init).
TRAINING_FIGURES = {
    "2": [("sigmoid", "standard")],
    "3": [("tanh", "standard"), ("softsign", "standard")],
    "4": [("tanh", "standard"), ("softsign", "standard")],
    "9": [("tanh", "standard"), ("tanh", "normalized")],
    "10": [("tanh", "normalized")],
}


def training_models():
    """The configured models as (activation, init) pairs."""
    if not TRAINING:
        return []
    return [(m["activation"], m["init"]) for m in TRAINING["models"]]


def training_split(split):
    """The fixed Shapeset-3x2 validation or test split of the training runs."""
    if not TRAINING:
        return []
    return shapeset_path(split, TRAINING[f"{split}_size"], TRAINING["pixels"])


def _training_files(models, ending):
    if not TRAINING:
        return []
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
    if not (TRAINING and TRAINING.get("shared_stream", True)):
        return []
    return TRAINING_STREAM.format(seed=wildcards.seed)


def training_stream_params():
    """What the stored stream depends on besides the seeds: its size and format."""
    if not TRAINING:
        return {}
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
    """A key of the training config (None without training)."""
    return TRAINING[key] if TRAINING else None


def training_figure_seed():
    """The seed whose runs Figures 2-4, 9 and 10 show: the first one."""
    return TRAINING["seeds"][0] if TRAINING else None


def training_mem(wildcards):
    return train_mem_mb(TRAINING)


def training_runtime(wildcards):
    return train_runtime_min(TRAINING)


def training_targets():
    """Selection, Table 1, and the figures whose models are all configured."""
    if not TRAINING:
        return []
    targets = ["results/training/selection.csv", "results/training/table1.csv"]
    configured = set(training_models())
    for figure, models in TRAINING_FIGURES.items():
        if set(models) <= configured:
            targets.append(f"results/figures/training/figure{figure}.png")
    targets.append("results/figures/training/figure11.png")
    return targets
