# The standard errors of the main experiments' per-layer variances predicted
# from the finite-width spread and compared with the measured ones
# (docs/spectrum.md, section 4). Library: src/glorot/standard_errors.py.


localrules:
    standard_errors,
    networks_needed,
    figure_standard_errors,


rule standard_errors:
    """The network-to-network sd of each forward cell's per-network variance,
    measured (with a 95% interval) and predicted at finite width, judged by
    glorot.verdicts; the verdict counts per method and class of cells."""
    input:
        moments=network_moments,
        data=experiment_inputs,
    output:
        table=report(
            "results/{experiment}/standard_errors.csv",
            caption="../report/table_standard_errors.rst",
            category="Tables",
            subcategory="{experiment}",
        ),
        counts="results/{experiment}/standard_error_counts.csv",
    log:
        "results/logs/{experiment}/standard_errors.log",
    conda:
        "../envs/glorot.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=15,
    params:
        experiment=standard_error_params,
        margin=config["standard_error_margin"],
    script:
        "../scripts/standard_errors.py"


rule networks_needed:
    """With the experiment key target_resolution: per forward cell, the
    networks that put its mean's 95% interval within the target, from the
    predicted spread and the mean-field variance (no measurement needed)."""
    input:
        predictions="results/{experiment}/predictions.csv",
        data=experiment_inputs,
    output:
        "results/{experiment}/networks_needed.csv",
    log:
        "results/logs/{experiment}/networks_needed.log",
    conda:
        "../envs/glorot.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=15,
    params:
        experiment=standard_error_params,
        target=lambda wildcards: EXPERIMENTS[wildcards.experiment]["target_resolution"],
    script:
        "../scripts/networks_needed.py"


rule figure_standard_errors:
    """Predicted / measured spread over networks per layer, with 95% intervals."""
    input:
        "results/{experiment}/standard_errors.csv",
    output:
        png=report(
            "results/figures/{experiment}/standard_errors.png",
            caption="../report/standard_errors.rst",
            category="Standard errors",
            subcategory="{experiment}",
        ),
        pdf="results/figures/{experiment}/standard_errors.pdf",
    log:
        "results/logs/{experiment}/figure_standard_errors.log",
    conda:
        "../envs/glorot.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        experiment=standard_error_params,
        margin=config["standard_error_margin"],
    script:
        "../scripts/figure_standard_errors.py"
