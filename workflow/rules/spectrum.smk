# The input-output Jacobian spectrum of deep square networks against free
# probability (Pennington et al. 2017, 2018): docs/spectrum.md. Library:
# src/glorot/spectrum.py (measurement, tables), src/glorot/free_probability.py
# (predictions), src/glorot/spectrum_plots.py (figures). Included by the
# Snakefile only with a `spectrum` key in the config.


include: "spectrum_common.smk"


rule jacobian_spectrum_run:
    """Eigenvalues of J J^T of every network of one (activation, weights, q*)
    at every depth of the sweep: per-network moments and pooled histograms."""
    output:
        networks="results/{sweep}/spectrum/{activation}_{weights}_q{q_star}_networks.csv",
        histogram="results/{sweep}/spectrum/{activation}_{weights}_q{q_star}_histogram.csv",
    log:
        "results/logs/{sweep}/spectrum/{activation}_{weights}_q{q_star}.log",
    wildcard_constraints:
        sweep="|".join(SPECTRUM),
        activation="linear|relu|tanh",
        weights="gaussian|orthogonal",
    conda:
        "../envs/glorot.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=spectrum_runtime,
    params:
        sweep=spectrum_sweep_params,
        seed=config["seed"],
    script:
        "../scripts/spectrum_run.py"


rule jacobian_spectrum_table:
    """jacobian_spectrum.csv (moments and largest eigenvalue against free
    probability, judged) and the histograms beside the predicted bin masses."""
    input:
        networks=spectrum_networks,
        histograms=spectrum_histograms,
    output:
        table=report(
            "results/{sweep}/jacobian_spectrum.csv",
            caption="../report/table_spectrum.rst",
            category="Jacobian spectrum",
            subcategory="{sweep}",
        ),
        histograms="results/{sweep}/spectrum_histograms.csv",
    log:
        "results/logs/{sweep}/jacobian_spectrum_table.log",
    wildcard_constraints:
        sweep="|".join(SPECTRUM),
    conda:
        "../envs/glorot.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=15,
    params:
        sweep=spectrum_sweep,
    script:
        "../scripts/spectrum_table.py"


rule figure_spectrum_histograms:
    """Histograms of the singular values of J with the predicted density."""
    input:
        "results/{sweep}/spectrum_histograms.csv",
    output:
        png=report(
            "results/figures/{sweep}/spectrum_histograms.png",
            caption="../report/spectrum_histograms.rst",
            category="Jacobian spectrum",
            subcategory="{sweep}",
        ),
        pdf="results/figures/{sweep}/spectrum_histograms.pdf",
    log:
        "results/logs/{sweep}/figure_spectrum_histograms.log",
    wildcard_constraints:
        sweep="|".join(SPECTRUM),
    conda:
        "../envs/glorot.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../scripts/figure_spectrum_histograms.py"


rule figure_spectrum_variance:
    """The variance of the eigenvalues of J J^T against depth."""
    input:
        "results/{sweep}/jacobian_spectrum.csv",
    output:
        png=report(
            "results/figures/{sweep}/spectrum_variance.png",
            caption="../report/spectrum_variance.rst",
            category="Jacobian spectrum",
            subcategory="{sweep}",
        ),
        pdf="results/figures/{sweep}/spectrum_variance.pdf",
    log:
        "results/logs/{sweep}/figure_spectrum_variance.log",
    wildcard_constraints:
        sweep="|".join(SPECTRUM),
    conda:
        "../envs/glorot.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../scripts/figure_spectrum_variance.py"
