localrules:
    figure_layer_histograms,
    figure_variance_by_layer,
    figure_agreement,
    figure_jacobian,


rule figure_layer_histograms:
    """Figures 6, 7 and 8 of the paper: per-layer histograms of the activations,
    back-propagated gradients and weight gradients of tanh networks."""
    input:
        "results/{experiment}/histograms.csv",
    output:
        png=report(
            "results/figures/{experiment}/figure{figure}.png",
            caption="../report/layer_histograms.rst",
            category="Figures 6-8",
            subcategory="{experiment}",
        ),
        pdf="results/figures/{experiment}/figure{figure}.pdf",
    log:
        "results/logs/{experiment}/figure{figure}.log",
    wildcard_constraints:
        figure="6|7|8",
    conda:
        "../envs/glorot.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        quantity=figure_quantity,
    script:
        "../scripts/figure_layer_histograms.py"


rule figure_variance_by_layer:
    """Measured variances with 95% intervals against the three predictions."""
    input:
        "results/{experiment}/variance_by_layer.csv",
    output:
        png=report(
            "results/figures/{experiment}/variance_by_layer.png",
            caption="../report/variance_by_layer.rst",
            category="Variance by layer",
            subcategory="{experiment}",
        ),
        pdf="results/figures/{experiment}/variance_by_layer.pdf",
    log:
        "results/logs/{experiment}/figure_variance_by_layer.log",
    conda:
        "../envs/glorot.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        experiment=experiment_config,
    script:
        "../scripts/figure_variance_by_layer.py"


rule figure_agreement:
    """Prediction / measurement per layer (linear axis), per prediction, with
    the ratio's 95% interval, its verdict and the margin band."""
    input:
        "results/{experiment}/variance_by_layer.csv",
    output:
        png=report(
            "results/figures/{experiment}/agreement.png",
            caption="../report/agreement.rst",
            category="Agreement",
            subcategory="{experiment}",
        ),
        pdf="results/figures/{experiment}/agreement.pdf",
    log:
        "results/logs/{experiment}/figure_agreement.log",
    conda:
        "../envs/glorot.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        experiment=experiment_config,
        margin=config["agreement_margin"],
    script:
        "../scripts/figure_agreement.py"


rule figure_jacobian:
    """Average singular value of the layer Jacobians (eq. 17)."""
    input:
        "results/{experiment}/jacobian.csv",
    output:
        png=report(
            "results/figures/{experiment}/jacobian.png",
            caption="../report/jacobian.rst",
            category="Jacobian",
            subcategory="{experiment}",
        ),
        pdf="results/figures/{experiment}/jacobian.pdf",
    log:
        "results/logs/{experiment}/figure_jacobian.log",
    conda:
        "../envs/glorot.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        experiment=experiment_config,
    script:
        "../scripts/figure_jacobian.py"
