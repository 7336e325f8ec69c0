import os

from glorot import blocks, paper
from glorot.config import (
    ConfigError,
    experiment_constraint,
    init_constraint,
    load,
    training_activation_constraint,
    training_seed_constraint,
)
from glorot.resources import (
    measure_mem_mb,
    measure_runtime_min,
    split_mem_mb,
    split_runtime_min,
)

# The glorot library is installed in the workflow's environment (README:
# `pip install -r requirements.txt -e .`), not found through sys.path. Under
# --sdm conda, workflow/envs/glorot.post-deploy.sh installs it into the rules'
# environment from this repository, which it finds here.
os.environ.setdefault(
    "GLOROT_ROOT",
    os.path.normpath(os.path.join(str(workflow.current_basedir), "../..")),
)

# Validity is decided once, by glorot.config.load (the schema plus the
# rules between keys): one readable message for a bad key or value, before
# any job runs; the config it returns, with the schema's defaults filled in,
# is the one every rule uses.
try:
    config.update(
        load(
            config,
            workflow.source_path("../schemas/config.schema.yaml"),
            workflow.configfiles,
        )
    )
except ConfigError as error:
    raise WorkflowError(str(error)) from None

EXPERIMENTS = config["experiments"]


# Only the targets the config asks for match a rule (no block of networks the
# config does not make, no init it does not name); the per-network rules
# narrow `experiment` further (block_experiment).
wildcard_constraints:
    experiment=experiment_constraint(EXPERIMENTS),
    init=init_constraint(config),
    block=r"networks\d+-\d+",


# The networks each per-network job kind handles: all of them (measure) or the
# first ones (the keys jacobian_networks, minibatch_networks and
# histograms.networks, capped at networks).
def rule_networks(exp, kind):
    if kind == "moments":
        return exp["networks"]
    if kind == "histograms":
        return min(exp["histograms"]["networks"], exp["networks"])
    return blocks.first_networks(exp, f"{kind}_networks")


def block_names(exp, kind):
    """The blocks of networks of the jobs that write ``kind`` files."""
    return blocks.names(rule_networks(exp, kind), exp["networks_per_job"])


def block_experiment(kind):
    """Wildcard constraint of `experiment` for the ``kind`` files (each
    experiment followed by its own inits and blocks only)."""
    return blocks.experiment_constraint(
        {name: block_names(exp, kind) for name, exp in EXPERIMENTS.items()},
        {name: exp["inits"] for name, exp in EXPERIMENTS.items()},
    )


def experiment_config(wildcards):
    return EXPERIMENTS[wildcards.experiment]


def jacobian_prediction_config(wildcards):
    """What eq. (17)'s prediction depends on besides predictions.csv."""
    exp = EXPERIMENTS[wildcards.experiment]
    return {key: exp[key] for key in ("widths", "activations", "inits")}


def standard_error_params(wildcards):
    """What the predicted spread depends on besides the measured files."""
    exp = EXPERIMENTS[wildcards.experiment]
    return {
        key: exp[key]
        for key in (
            "widths",
            "activations",
            "inits",
            "input",
            "examples",
            "pixels",
            "networks",
        )
        if key in exp
    }


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
    """The ``kind`` files of every init and block of networks, in network order
    (the pooled tables concatenate them in this order)."""
    exp = EXPERIMENTS[wildcards.experiment]
    return expand(
        "results/{experiment}/networks/{init}/{block}_{kind}.csv",
        experiment=wildcards.experiment,
        init=exp["inits"],
        block=block_names(exp, kind),
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


# What each rule's output depends on, and nothing else: a rule reruns when
# its params change, so raising `networks`, adding an init or changing a
# figure's look must not touch them (the block and the init are wildcards).
NETWORK_KEYS = ["widths", "activations", "input", "pixels", "examples", "dtype"]


def _subset(wildcards, keys):
    exp = EXPERIMENTS[wildcards.experiment]
    return {key: exp[key] for key in keys if key in exp}


def measure_params(wildcards):
    return _subset(wildcards, NETWORK_KEYS + ["chunk_size"])


def histogram_params(wildcards):
    exp = _subset(wildcards, NETWORK_KEYS + ["chunk_size"])
    look = EXPERIMENTS[wildcards.experiment]["histograms"]
    exp["histograms"] = {k: v for k, v in look.items() if k != "networks"}
    return exp


def jacobian_params(wildcards):
    return _subset(wildcards, NETWORK_KEYS + ["jacobian_examples"])


def minibatch_params(wildcards):
    return _subset(wildcards, NETWORK_KEYS)


def predict_params(wildcards):
    return _subset(wildcards, NETWORK_KEYS + ["inits"])


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
    networks = len(blocks.networks(wildcards.block))
    return measure_runtime_min(EXPERIMENTS[wildcards.experiment], networks) * attempt


def all_targets():
    targets = ["results/figures/shapeset_samples.png"]
    for name, experiment in EXPERIMENTS.items():
        targets += [
            f"results/{name}/variance_by_layer.csv",
            f"results/{name}/summary.md",
            f"results/{name}/jacobian.csv",
            f"results/{name}/assumptions.csv",
            f"results/{name}/standard_errors.csv",
            f"results/figures/{name}/standard_errors.png",
            f"results/figures/{name}/variance_by_layer.png",
            f"results/figures/{name}/agreement.png",
            f"results/figures/{name}/jacobian.png",
        ]
        if "target_resolution" in experiment:
            targets.append(f"results/{name}/networks_needed.csv")
        if has_paper_figures(experiment):
            targets += [f"results/figures/{name}/figure{k}.png" for k in PAPER_FIGURES]
    if config.get("training"):
        targets += training_targets()  # workflow/rules/training.smk
    if config.get("propagation"):
        targets += propagation_targets()  # workflow/rules/propagation.smk
    if config.get("spectrum"):
        targets += spectrum_targets()  # workflow/rules/spectrum.smk
    if config.get("finite_width"):
        targets += finite_width_targets()  # workflow/rules/finite_width.smk
    return targets


# The figure of each study the README shows, when the config runs it:
# docs/figures/<name>.png from results/figures/<study's folder>/<name>.png.
STUDY_FIGURES = {}
if config.get("propagation"):
    STUDY_FIGURES["phase_diagram"] = config["propagation"]["name"]
if config.get("spectrum"):
    STUDY_FIGURES["spectrum_histograms"] = next(iter(config["spectrum"]))


def study_figure(wildcards):
    folder = STUDY_FIGURES[wildcards.name]
    return f"results/figures/{folder}/{wildcards.name}.png"


# The rules that rewrite the studies' generated blocks (workflow/rules/docs.smk).
def study_doc_targets():
    """The marks of the rules propagation_doc and spectrum_doc, for the
    studies the config runs (spectrum_doc needs both the spectrum and the
    finite-width slices)."""
    targets = []
    if config.get("propagation"):
        targets.append("results/logs/propagation_doc.done")
    if config.get("spectrum") and config.get("finite_width"):
        targets.append("results/logs/spectrum_doc.done")
    return targets


def experiment_jacobian(name):
    """The eq. (17) table of experiment ``name``, if the config has it."""
    if name in config["experiments"]:
        return f"results/{name}/jacobian.csv"
    return []
