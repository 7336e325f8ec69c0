# Helpers of the depth study's rules (propagation.smk, propagation_trainability.smk):
# constants from the config's `propagation` section, input functions, resources
# and the target list.

import re

from glorot.resources import (
    propagation_mem_mb,
    propagation_runtime_min,
    trainability_runtime_min,
)

PROPAGATION = config["propagation"]
PROPAGATION_NAME = PROPAGATION["name"]
PROPAGATION_NETWORKS = f"results/{PROPAGATION_NAME}/propagation/networks"
PROPAGATION_FIGURES = ["phase_diagram", "xi_c", "correlation_depth"]


def propagation_groups():
    """Network index ranges of the jobs: networks_per_job networks each (the
    numbers do not depend on it: every network has its own stream)."""
    size = PROPAGATION["networks_per_job"]
    return range((PROPAGATION["networks"] + size - 1) // size)


def propagation_shapeset():
    if PROPAGATION["shapeset_pairs"] == 0:
        return []
    return [
        shapeset_path("init", PROPAGATION["shapeset_examples"], PROPAGATION["pixels"])
    ]


def propagation_network_files():
    return expand(
        f"{PROPAGATION_NETWORKS}/{{activation}}_w{{sigma_w2}}_b{{sigma_b2}}_g{{group}}.csv",
        activation=PROPAGATION["activations"],
        sigma_w2=PROPAGATION["sigma_w2"],
        sigma_b2=PROPAGATION["sigma_b2"],
        group=propagation_groups(),
    )


def propagation_network_range(wildcards):
    size = PROPAGATION["networks_per_job"]
    first = int(wildcards.group) * size
    return [first, min(first + size, PROPAGATION["networks"])]


def propagation_network_mem(wildcards, attempt):
    columns = 2 * (
        len(PROPAGATION["gaussian_correlations"]) + PROPAGATION["shapeset_pairs"]
    )
    return (
        propagation_mem_mb(PROPAGATION["width"], PROPAGATION["depth"], columns)
        * attempt
    )


def propagation_network_runtime(wildcards, attempt):
    first, end = propagation_network_range(wildcards)
    minutes = propagation_runtime_min(
        PROPAGATION["width"], PROPAGATION["depth"], end - first
    )
    return minutes * attempt


# Trainability (propagation_trainability.smk), with a propagation.trainability key.
TRAINABILITY = PROPAGATION.get("trainability")


def trainability_split(split):
    size = TRAINABILITY[f"{split}_examples"]
    return shapeset_path(f"depth{split}", size, TRAINABILITY["pixels"])


def trainability_runs():
    return expand(
        f"results/{PROPAGATION_NAME}/trainability/d{{depth}}_w{{sigma_w2}}.csv",
        depth=TRAINABILITY["depths"],
        sigma_w2=PROPAGATION["sigma_w2"],
    )


def trainability_runtime(wildcards, attempt):
    run = TRAINABILITY
    minutes = trainability_runtime_min(
        int(wildcards.depth), run["width"], run["updates"]
    )
    return minutes * attempt


def propagation_targets():
    tables = ["propagation", "depth_scales", "critical_line"]
    figures = list(PROPAGATION_FIGURES)
    if PROPAGATION.get("trainability"):
        tables.append("trainability")
        figures.append("trainability")
    return [f"results/{PROPAGATION_NAME}/{t}.csv" for t in tables] + [
        f"results/figures/{PROPAGATION_NAME}/{f}.png" for f in figures
    ]
