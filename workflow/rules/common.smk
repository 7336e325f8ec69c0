import os
import sys

from snakemake.utils import validate

# The library of this repository, src/glorot, first on the path of the
# Snakefile and of every job (which inherit PYTHONPATH): the rules find it
# without `pip install -e .`, in the `--sdm conda` environment
# (workflow/envs/glorot.yaml installs what it imports) and when this workflow
# is used as a module from another directory.
GLOROT_SRC = os.path.normpath(os.path.join(str(workflow.current_basedir), "../../src"))
if sys.path[:1] != [GLOROT_SRC]:
    sys.path.insert(0, GLOROT_SRC)
os.environ.update(
    PYTHONPATH=os.pathsep.join(
        [GLOROT_SRC, *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    )
)

from glorot.config import (
    ConfigError,
    check,
    experiment_constraint,
    init_constraint,
    network_experiment_constraint,
    training_activation_constraint,
    training_seed_constraint,
)
from glorot import paper
from glorot.provenance import ONE_NETWORK, ONE_RUN, PREDICTIONS, without
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


def network_experiment_config(wildcards):
    """What one network's files depend on: its experiment's config less the
    number of networks and the inits (glorot.provenance.ONE_NETWORK), so that
    more networks or another init reruns no finished network."""
    return without(EXPERIMENTS[wildcards.experiment], ONE_NETWORK["experiment"])


def prediction_experiment_config(wildcards):
    """What the predictions depend on: the experiment less its number of
    networks (glorot.provenance.PREDICTIONS)."""
    return without(EXPERIMENTS[wildcards.experiment], PREDICTIONS["experiment"])


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
    else the paper's (glorot.paper.MINIBATCH)."""
    training = config.get("training")
    return training["batch_size"] if training else paper.MINIBATCH


# The paper's Figures 6-8: which quantity each one histograms.
PAPER_FIGURES = paper.HISTOGRAM_FIGURES


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
    if config.get("training"):
        targets += training_targets()  # workflow/rules/training.smk
    return targets
