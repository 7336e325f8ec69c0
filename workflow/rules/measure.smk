rule measure:
    """Sample each network of a block (weights and inputs from the network's
    own random stream), push its examples forward and backward for every
    activation, and keep per-layer moments, one row set per network."""
    input:
        experiment_inputs,
    output:
        "results/{experiment}/networks/{init}/{block}_moments.csv",
    log:
        "results/logs/{experiment}/measure/{init}/{block}.log",
    wildcard_constraints:
        experiment=block_experiment("moments"),
    conda:
        "../envs/glorot.yaml"
    # One BLAS thread per job: parallelism comes from running blocks side by side.
    threads: 1
    resources:
        mem_mb=measure_mem,
        runtime=measure_runtime,
    params:
        seed=config["seed"],
        experiment=measure_params,
    script:
        "../scripts/measure.py"


rule histograms:
    """Fixed-bin histograms of the activations and gradients of the first
    networks (histograms.networks), for Figures 6-8."""
    input:
        experiment_inputs,
    output:
        "results/{experiment}/networks/{init}/{block}_histograms.csv",
    log:
        "results/logs/{experiment}/histograms/{init}/{block}.log",
    wildcard_constraints:
        experiment=block_experiment("histograms"),
    conda:
        "../envs/glorot.yaml"
    threads: 1
    resources:
        mem_mb=measure_mem,
        runtime=measure_runtime,
    params:
        seed=config["seed"],
        experiment=histogram_params,
    script:
        "../scripts/histograms.py"


rule jacobian:
    """Average singular value of each layer Jacobian J^i = dz^{i+1}/dz^i (eq. 17)
    on the first examples of the first networks (jacobian_networks; same
    weights and inputs as measure)."""
    input:
        experiment_inputs,
    output:
        "results/{experiment}/networks/{init}/{block}_jacobian.csv",
    log:
        "results/logs/{experiment}/jacobian/{init}/{block}.log",
    wildcard_constraints:
        experiment=block_experiment("jacobian"),
    conda:
        "../envs/glorot.yaml"
    threads: 1
    resources:
        mem_mb=measure_mem,
        runtime=measure_runtime,
    params:
        seed=config["seed"],
        experiment=jacobian_params,
    script:
        "../scripts/jacobian.py"
