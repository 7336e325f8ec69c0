# Trainability against depth (issue 20, item 4; docs/propagation.md,
# "Trainability"): short SGD runs on Shapeset-3x2 per (depth, sigma_w2) at one
# sigma_b2, set against the depth scale xi_c. Library: src/glorot/trainability.py
# (on the training library's SGD step). Included from propagation.smk when the
# config has a `propagation.trainability` key.


rule propagation_train:
    """One short SGD run of a network of `depth` hidden layers initialized at
    (sigma_w2, trainability.sigma_b2), evaluated on the training and test splits."""
    input:
        train=trainability_split("train"),
        test=trainability_split("test"),
    output:
        f"results/{PROPAGATION_NAME}/trainability/d{{depth}}_w{{sigma_w2}}.csv",
    log:
        f"results/logs/{PROPAGATION_NAME}/trainability/d{{depth}}_w{{sigma_w2}}.log",
    wildcard_constraints:
        depth=r"\d+",
        sigma_w2="|".join(re.escape(str(v)) for v in PROPAGATION["sigma_w2"]),
    conda:
        "../envs/glorot.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=trainability_runtime,
    params:
        seed=config["seed"],
        run=TRAINABILITY,
    script:
        "../scripts/propagation_train.py"


rule propagation_trainability:
    """trainability.csv and its heatmap with the curves k xi_c."""
    input:
        runs=trainability_runs(),
        train=trainability_split("train"),
        test=trainability_split("test"),
    output:
        table=f"results/{PROPAGATION_NAME}/trainability.csv",
        png=report(
            f"results/figures/{PROPAGATION_NAME}/trainability.png",
            caption="../report/propagation_trainability.rst",
            category="Signal propagation in depth",
        ),
        pdf=f"results/figures/{PROPAGATION_NAME}/trainability.pdf",
    log:
        f"results/logs/{PROPAGATION_NAME}/trainability.log",
    conda:
        "../envs/glorot.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        run=TRAINABILITY,
    script:
        "../scripts/propagation_trainability.py"
