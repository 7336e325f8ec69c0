# Signal propagation in depth (issue 20; docs/propagation.md): two inputs
# through deep random networks over a (sigma_w2, sigma_b2) grid, against the
# length and correlation maps, fixed points, depth scales and the
# order-to-chaos critical line. Library: src/glorot/propagation.py (theory),
# propagation_measure.py (networks), propagation_tables.py (tables, verdicts),
# propagation_plots.py (figures). The Snakefile includes this file only when
# the config has a `propagation` key (config/README.md).

import re

from glorot.propagation_measure import network_mem_mb, network_runtime_min

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
        PROPAGATION_NETWORKS + "/{activation}_w{sigma_w2}_b{sigma_b2}_g{group}.csv",
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
    columns = 2 * (len(PROPAGATION["gaussian_correlations"]) + PROPAGATION["shapeset_pairs"])
    return network_mem_mb(PROPAGATION["width"], PROPAGATION["depth"], columns) * attempt


def propagation_network_runtime(wildcards, attempt):
    first, end = propagation_network_range(wildcards)
    minutes = network_runtime_min(PROPAGATION["width"], PROPAGATION["depth"], end - first)
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


localrules:
    propagation_figures,


rule propagation_networks:
    """A group of sampled networks at one (activation, sigma_w2, sigma_b2):
    per network, layer and input pair, q^l, 1 - c^l and the gradient factor."""
    input:
        propagation_shapeset(),
    output:
        PROPAGATION_NETWORKS + "/{activation}_w{sigma_w2}_b{sigma_b2}_g{group}.csv",
    log:
        f"results/logs/{PROPAGATION_NAME}/propagation/"
        + "{activation}_w{sigma_w2}_b{sigma_b2}_g{group}.log",
    wildcard_constraints:
        activation="|".join(PROPAGATION["activations"]),
        sigma_w2="|".join(re.escape(str(v)) for v in PROPAGATION["sigma_w2"]),
        sigma_b2="|".join(re.escape(str(v)) for v in PROPAGATION["sigma_b2"]),
        group=r"\d+",
    conda:
        "../envs/glorot.yaml"
    # One BLAS thread per job: parallelism comes from jobs side by side.
    threads: 1
    resources:
        mem_mb=propagation_network_mem,
        runtime=propagation_network_runtime,
    params:
        seed=config["seed"],
        width=PROPAGATION["width"],
        depth=PROPAGATION["depth"],
        networks=propagation_network_range,
        correlations=[str(c) for c in PROPAGATION["gaussian_correlations"]],
        shapeset_pairs=PROPAGATION["shapeset_pairs"],
    script:
        "../scripts/propagation_networks.py"


rule propagation_tables:
    """propagation.csv, depth_scales.csv and critical_line.csv: measured means
    with intervals, mean-field predictions and verdicts."""
    input:
        networks=propagation_network_files(),
        shapeset=propagation_shapeset(),
    output:
        propagation=f"results/{PROPAGATION_NAME}/propagation.csv",
        depth_scales=f"results/{PROPAGATION_NAME}/depth_scales.csv",
        critical_line=f"results/{PROPAGATION_NAME}/critical_line.csv",
    log:
        f"results/logs/{PROPAGATION_NAME}/propagation_tables.log",
    conda:
        "../envs/glorot.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        seed=config["seed"],
        correlations=[str(c) for c in PROPAGATION["gaussian_correlations"]],
        shapeset_pairs=PROPAGATION["shapeset_pairs"],
        bootstrap=PROPAGATION["bootstrap"],
    script:
        "../scripts/propagation_tables.py"


rule propagation_figures:
    """The phase diagram (critical line, measured crossings, Glorot's and He's
    inits), xi_c against sigma_w2, and c^l against depth."""
    input:
        propagation=f"results/{PROPAGATION_NAME}/propagation.csv",
        depth_scales=f"results/{PROPAGATION_NAME}/depth_scales.csv",
        critical_line=f"results/{PROPAGATION_NAME}/critical_line.csv",
    output:
        phase_diagram=report(
            f"results/figures/{PROPAGATION_NAME}/phase_diagram.png",
            caption="../report/propagation_phase_diagram.rst",
            category="Signal propagation in depth",
        ),
        phase_diagram_pdf=f"results/figures/{PROPAGATION_NAME}/phase_diagram.pdf",
        xi_c=report(
            f"results/figures/{PROPAGATION_NAME}/xi_c.png",
            caption="../report/propagation_xi_c.rst",
            category="Signal propagation in depth",
        ),
        xi_c_pdf=f"results/figures/{PROPAGATION_NAME}/xi_c.pdf",
        correlation_depth=report(
            f"results/figures/{PROPAGATION_NAME}/correlation_depth.png",
            caption="../report/propagation_correlation_depth.rst",
            category="Signal propagation in depth",
        ),
        correlation_depth_pdf=f"results/figures/{PROPAGATION_NAME}/correlation_depth.pdf",
    log:
        f"results/logs/{PROPAGATION_NAME}/propagation_figures.log",
    conda:
        "../envs/glorot.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        # The predicted critical line up to the largest sigma_b2 (at least 0.5).
        sigma_b2_max=max(0.5, *PROPAGATION["sigma_b2"]),
        depth=PROPAGATION["depth"],
        # c^l against depth: the pair starting farthest from c = 1, first sigma_b2.
        pair=f"gaussian_c{min(PROPAGATION['gaussian_correlations'])}",
        sigma_b2=str(PROPAGATION["sigma_b2"][0]),
    script:
        "../scripts/propagation_figures.py"


# Trainability against depth only with a `propagation.trainability` key.
if PROPAGATION.get("trainability"):

    include: "propagation_trainability.smk"
