localrules:
    compare,
    assumptions,
    minibatch_table,
    jacobian_table,
    pool_histograms,


rule compare:
    """Mean over networks with a 95% interval, joined with the predictions and
    judged by the agreement criterion (src/glorot/compare.py); the coverage of
    each prediction and the layer-to-layer ratios."""
    input:
        moments=network_moments,
        predictions="results/{experiment}/predictions.csv",
    output:
        table=report(
            "results/{experiment}/variance_by_layer.csv",
            caption="../report/table_variance.rst",
            category="Tables",
            subcategory="{experiment}",
        ),
        summary="results/{experiment}/summary.md",
        agreement=report(
            "results/{experiment}/agreement.csv",
            caption="../report/table_agreement.rst",
            category="Tables",
            subcategory="{experiment}",
        ),
        layer_ratios=report(
            "results/{experiment}/layer_ratios.csv",
            caption="../report/table_layer_ratios.rst",
            category="Tables",
            subcategory="{experiment}",
        ),
    log:
        "results/logs/{experiment}/compare.log",
    conda:
        "../envs/glorot.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        experiment=experiment_config,
    script:
        "../scripts/compare.py"


rule pool_histograms:
    """Histogram counts summed over the networks of each init."""
    input:
        network_histograms,
    output:
        "results/{experiment}/histograms.csv",
    log:
        "results/logs/{experiment}/pool_histograms.log",
    conda:
        "../envs/glorot.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        experiment=experiment_config,
    script:
        "../scripts/pool_histograms.py"


rule jacobian_table:
    """Average singular values over networks with 95% intervals."""
    input:
        network_jacobians,
    output:
        report(
            "results/{experiment}/jacobian.csv",
            caption="../report/table_jacobian.rst",
            category="Tables",
            subcategory="{experiment}",
        ),
    log:
        "results/logs/{experiment}/jacobian_table.log",
    conda:
        "../envs/glorot.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        experiment=experiment_config,
    script:
        "../scripts/jacobian_table.py"


rule assumptions:
    """How well each assumption of the derivation of eq. (5)-(7) holds, per layer."""
    input:
        network_moments,
    output:
        report(
            "results/{experiment}/assumptions.csv",
            caption="../report/table_assumptions.rst",
            category="Tables",
            subcategory="{experiment}",
        ),
    log:
        "results/logs/{experiment}/assumptions.log",
    conda:
        "../envs/glorot.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        experiment=experiment_config,
    script:
        "../scripts/assumptions.py"


rule minibatch:
    """Per-example versus minibatch-average weight-gradient variance of one
    network at initialization (docs/derivation.md, Step 3)."""
    input:
        experiment_inputs,
    output:
        "results/{experiment}/networks/{init}/network{network}_minibatch.csv",
    log:
        "results/logs/{experiment}/minibatch/{init}/network{network}.log",
    wildcard_constraints:
        experiment=NETWORK_EXPERIMENT,
    conda:
        "../envs/glorot.yaml"
    threads: 1
    resources:
        mem_mb=measure_mem,
        runtime=measure_runtime,
    params:
        seed=config["seed"],
        experiment=network_experiment_config,
        batch_size=minibatch_size(),
    script:
        "../scripts/minibatch.py"


rule minibatch_table:
    """The minibatch ratio pooled over networks, with 95% intervals."""
    input:
        network_minibatch,
    output:
        report(
            "results/{experiment}/minibatch.csv",
            caption="../report/table_minibatch.rst",
            category="Tables",
            subcategory="{experiment}",
        ),
    log:
        "results/logs/{experiment}/minibatch_table.log",
    conda:
        "../envs/glorot.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        experiment=experiment_config,
    script:
        "../scripts/minibatch_table.py"
