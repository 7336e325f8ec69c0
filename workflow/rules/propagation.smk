# Signal propagation in depth (issue 20; docs/propagation.md): two inputs
# through deep random networks over a (sigma_w2, sigma_b2) grid, against the
# length and correlation maps, fixed points, depth scales and the
# order-to-chaos critical line. Library: src/glorot/propagation.py (theory),
# propagation_measure.py (networks), propagation_tables.py (tables, verdicts),
# propagation_plots.py (figures). The Snakefile includes this file only when
# the config has a `propagation` key (config/README.md).


include: "propagation_common.smk"


localrules:
    propagation_figures,


rule propagation_networks:
    """A group of sampled networks at one (activation, sigma_w2, sigma_b2):
    per network, layer and input pair, q^l, 1 - c^l and the gradient factor."""
    input:
        propagation_shapeset(),
    output:
        f"{PROPAGATION_NETWORKS}/{{activation}}_w{{sigma_w2}}_b{{sigma_b2}}_g{{group}}.csv",
    log:
        f"results/logs/{PROPAGATION_NAME}/propagation/{{activation}}_w{{sigma_w2}}_b{{sigma_b2}}_g{{group}}.log",
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
    inits), the depth scales xi_c and xi_q against sigma_w2, and c^l against
    depth."""
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
