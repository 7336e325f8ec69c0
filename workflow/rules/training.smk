# Training by SGD on Shapeset-3x2 (the paper's Sections 3 and 4.3): Figures 2,
# 3, 4, 9, 10 and 11 and Table 1's Shapeset column. Library:
# src/glorot/training/ (run, SGD, stream, loop, selection, Table 1, resources) and
# src/glorot/training_plots.py (figures). The Snakefile includes this file only
# when the config has a `training` key (config/README.md, "Training").
#
# A run's checkpoint is a `params` path, not an output: Snakemake deletes the
# outputs of a failed or killed job, and would delete a checkpoint that was
# one; as a param it survives, and the rerun of the job resumes from it. The
# run removes it when it ends.


include: "training_common.smk"


localrules:
    training_selection,
    training_table1,
    training_figure,
    figure11,


rule train:
    """One SGD run: model (activation, init), learning rate and seed, on the
    generated training stream, evaluated on the fixed validation and test sets."""
    input:
        validation=training_split("validation"),
        test=training_split("test"),
        stream=training_stream,
    output:
        curves=f"{TRAINING_RUN}.csv",
        histograms=f"{TRAINING_RUN}_histograms.csv",
    log:
        "results/logs/training/train/{activation}_{init}/lr{lr}_seed{seed}.log",
    wildcard_constraints:
        # Only configured (model, rate, seed) runs: see glorot.config.
        activation=TRAINING_ACTIVATION,
        lr=r"[0-9][0-9.e+-]*",
        seed=r"\d+",
    conda:
        "../envs/glorot.yaml"
    # Single-threaded numpy and BLAS: parallelism comes from runs side by side.
    threads: 1
    resources:
        mem_mb=training_mem,
        runtime=training_runtime,
    params:
        training=TRAINING_RUN_CONFIG,
        seed=config["seed"],
        checkpoint="results/training/checkpoints/{activation}_{init}_lr{lr}_seed{seed}.npz",
    script:
        "../scripts/train.py"


rule training_stream:
    """The training images of one seed, written once for all its runs
    (config training.shared_stream): the very images each run would generate."""
    output:
        temp(TRAINING_STREAM),
    log:
        "results/logs/training/stream/seed{seed}.log",
    wildcard_constraints:
        seed=TRAINING_SEED,
    conda:
        "../envs/glorot.yaml"
    threads: 1
    resources:
        mem_mb=training_stream_mem,
        runtime=training_stream_runtime,
    params:
        seed=config["seed"],
        stream=training_stream_params(),
    script:
        "../scripts/training_stream.py"


rule training_selection:
    """The paper's learning-rate choice: per model, the rate of the grid with
    the lowest final validation error. It checks every run's tables, the
    histograms too, so that no figure is drawn from a damaged one (every
    training figure waits for the selection)."""
    input:
        curves=training_curves(),
        histograms=training_histograms(),
    output:
        report(
            "results/training/selection.csv",
            caption="../report/training_selection.rst",
            category="Training",
        ),
    log:
        "results/logs/training/selection.log",
    conda:
        "../envs/glorot.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        training=TRAINING,
    script:
        "../scripts/training_selection.py"


rule training_table1:
    """Table 1, Shapeset column: test error of each model at its selected rate."""
    input:
        curves=training_curves(),
        selection="results/training/selection.csv",
    output:
        report(
            "results/training/table1.csv",
            caption="../report/training_table1.rst",
            category="Training",
        ),
    log:
        "results/logs/training/table1.log",
    conda:
        "../envs/glorot.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        test_size=training_setting("test_size"),
        training=TRAINING,
    script:
        "../scripts/training_table1.py"


rule training_figure:
    """Figures 2, 3, 4, 9 and 10 of the paper: per hidden layer, statistics of
    the activations (2, 3, 4, 10) or the weight gradients (9) during training,
    of the models each figure shows (glorot.paper.TRAINING_FIGURES), each at
    its selected learning rate."""
    input:
        tables=training_figure_tables,
        selection="results/training/selection.csv",
    output:
        png=report(
            "results/figures/training/figure{figure}.png",
            caption="../report/training_figure.rst",
            category="Training",
        ),
        pdf="results/figures/training/figure{figure}.pdf",
    log:
        "results/logs/training/figure{figure}.log",
    wildcard_constraints:
        figure="|".join(TRAINING_FIGURES),
    conda:
        "../envs/glorot.yaml"
    threads: 1
    resources:
        # Figure 4 holds the histogram tables of its runs.
        mem_mb=2000,
        runtime=5,
    params:
        models=training_figure_models,
        seed=training_figure_seed(),
        hidden_widths=training_setting("hidden_widths"),
    script:
        "../scripts/training_figure.py"


rule figure11:
    """Figure 11: test error during training, every model at its selected rate."""
    input:
        curves=training_curves(),
        selection="results/training/selection.csv",
    output:
        png=report(
            "results/figures/training/figure11.png",
            caption="../report/figure11.rst",
            category="Training",
        ),
        pdf="results/figures/training/figure11.pdf",
    log:
        "results/logs/training/figure11.log",
    conda:
        "../envs/glorot.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        models=training_models(),
        hidden_widths=training_setting("hidden_widths"),
    script:
        "../scripts/figure11.py"
