import re

from snakemake.utils import validate

from glorot.config import ConfigError, check
from glorot.resources import measure_mem_mb, measure_runtime_min

# One readable message for a bad key or value, before any job runs.
try:
    check(config, workflow.source_path("../schemas/config.schema.yaml"))
except ConfigError as error:
    raise WorkflowError(str(error)) from None
# The snakemake-workflows convention; it also fills in the schema's defaults.
validate(config, schema="../schemas/config.schema.yaml")

EXPERIMENTS = config["experiments"]


wildcard_constraints:
    experiment="|".join(re.escape(name) for name in EXPERIMENTS),
    init="standard|normalized|he",
    network=r"\d+",


def experiment_config(wildcards):
    return EXPERIMENTS[wildcards.experiment]


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


def measure_mem(wildcards):
    return measure_mem_mb(EXPERIMENTS[wildcards.experiment])


def measure_runtime(wildcards):
    return measure_runtime_min(EXPERIMENTS[wildcards.experiment])


def all_targets():
    return expand(
        [
            "results/{experiment}/variance_by_layer.csv",
            "results/{experiment}/summary.md",
            "results/{experiment}/histograms.csv",
        ],
        experiment=EXPERIMENTS,
    )
