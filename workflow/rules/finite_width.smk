# Finite-width spread of deep networks at initialization against its 1/n
# predictions (Hanin & Rolnick 2018; Hanin 2018; Roberts, Yaida & Hanin 2022):
# docs/spectrum.md. Library: src/glorot/finite_width.py. Included by the
# Snakefile only with a `finite_width` key in the config.


include: "finite_width_common.smk"


rule finite_width_run:
    """M_l = |z^l|^2 / n and log |J^l u|^2 of every network of one (activation,
    weights, width), summarised per layer with 95% intervals."""
    output:
        "results/{sweep}/finite_width/{activation}_{weights}_n{width}.csv",
    log:
        "results/logs/{sweep}/finite_width/{activation}_{weights}_n{width}.log",
    wildcard_constraints:
        sweep="|".join(FINITE_WIDTH),
        activation="linear|relu|tanh",
        weights="gaussian|uniform",
        width=r"\d+",
    conda:
        "../envs/glorot.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=finite_width_runtime,
    params:
        sweep=finite_width_run_params,
        seed=config["seed"],
    script:
        "../scripts/finite_width_run.py"


rule finite_width_table:
    """finite_width.csv: the measured spread against its exact or leading-order
    prediction, judged by glorot.verdicts."""
    input:
        finite_width_runs,
    output:
        report(
            "results/{sweep}/finite_width.csv",
            caption="../report/table_finite_width.rst",
            category="Finite width",
            subcategory="{sweep}",
        ),
    log:
        "results/logs/{sweep}/finite_width_table.log",
    wildcard_constraints:
        sweep="|".join(FINITE_WIDTH),
    conda:
        "../envs/glorot.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        sweep=finite_width_sweep,
    script:
        "../scripts/finite_width_table.py"


rule figure_finite_width:
    """The spread per layer, measured and predicted, per width and weights."""
    input:
        "results/{sweep}/finite_width.csv",
    output:
        png=report(
            "results/figures/{sweep}/finite_width.png",
            caption="../report/finite_width.rst",
            category="Finite width",
            subcategory="{sweep}",
        ),
        pdf="results/figures/{sweep}/finite_width.pdf",
    log:
        "results/logs/{sweep}/figure_finite_width.log",
    wildcard_constraints:
        sweep="|".join(FINITE_WIDTH),
    conda:
        "../envs/glorot.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../scripts/figure_finite_width.py"
