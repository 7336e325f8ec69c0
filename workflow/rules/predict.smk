localrules:
    predict,


rule predict:
    """Linear-regime (eq. 5-7, corrected and as printed) and mean-field
    predictions of every per-layer variance, from the config and the
    experiment's inputs (no measurement)."""
    input:
        experiment_inputs,
    output:
        "results/{experiment}/predictions.csv",
    log:
        "results/logs/{experiment}/predict.log",
    conda:
        "../envs/glorot.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        experiment=prediction_experiment_config,
    script:
        "../scripts/predict.py"
