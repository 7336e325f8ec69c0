localrules:
    compare,
    pool_histograms,


rule compare:
    """Mean over networks with a 95% interval, joined with the predictions."""
    input:
        moments=network_moments,
        predictions="results/{experiment}/predictions.csv",
    output:
        table="results/{experiment}/variance_by_layer.csv",
        summary="results/{experiment}/summary.md",
    log:
        "results/logs/{experiment}/compare.log",
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
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
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../scripts/pool_histograms.py"
