rule measure:
    """Sample one network (weights and inputs from its own random stream),
    push its examples forward and backward for every activation, and keep
    per-layer moments and fixed-bin histograms."""
    input:
        experiment_inputs,
    output:
        moments="results/{experiment}/networks/{init}/network{network}_moments.csv",
        histograms="results/{experiment}/networks/{init}/network{network}_histograms.csv",
    log:
        "results/logs/{experiment}/measure/{init}/network{network}.log",
    wildcard_constraints:
        experiment=NETWORK_EXPERIMENT,
    conda:
        "../envs/glorot.yaml"
    # One BLAS thread per job: parallelism comes from running networks side by side.
    threads: 1
    resources:
        mem_mb=measure_mem,
        runtime=measure_runtime,
    params:
        seed=config["seed"],
        experiment=network_experiment_config,
    script:
        "../scripts/measure.py"


rule jacobian:
    """Average singular value of each layer Jacobian J^i = dz^{i+1}/dz^i (eq. 17)
    on the first examples of one network (same weights and inputs as measure)."""
    input:
        experiment_inputs,
    output:
        "results/{experiment}/networks/{init}/network{network}_jacobian.csv",
    log:
        "results/logs/{experiment}/jacobian/{init}/network{network}.log",
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
    script:
        "../scripts/jacobian.py"
