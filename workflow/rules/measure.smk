rule measure:
    """Sample one network (weights and inputs from its own random stream),
    push its examples forward and backward for every activation, and keep
    per-layer moments and fixed-bin histograms."""
    output:
        moments="results/{experiment}/networks/{init}/network{network}_moments.csv",
        histograms="results/{experiment}/networks/{init}/network{network}_histograms.csv",
    log:
        "results/logs/{experiment}/measure/{init}/network{network}.log",
    params:
        seed=config["seed"],
        experiment=experiment_config,
    # One BLAS thread per job: parallelism comes from running networks side by side.
    threads: 1
    resources:
        mem_mb=measure_mem,
        runtime=measure_runtime,
    script:
        "../scripts/measure.py"
