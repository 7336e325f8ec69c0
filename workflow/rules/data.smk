# Shapeset-3x2 (the paper's synthetic data, Section 2.1): dataset splits and a
# sample grid like the paper's Figure 1. Generator: src/glorot/shapeset.py;
# its parameters and open choices: docs/shapeset.md. The helpers used here
# (shapeset_path, shapeset_mem, shapeset_runtime, SHAPESET_SAMPLE_IMAGES)
# live in common.smk.


localrules:
    plot_shapeset_samples,


rule shapeset:
    """One split of Shapeset-3x2: images (size, 1024) float32 and labels
    (size,) int64 in 0..8, from the random stream (seed, "shapeset", split),
    so each split is keyed by its name and the seed, never by order."""
    output:
        "results/data/shapeset/{split}_seed{seed}_n{size}_{pixels}.npz",
    log:
        "results/logs/data/shapeset/{split}_seed{seed}_n{size}_{pixels}.log",
    wildcard_constraints:
        split="[A-Za-z0-9]+",
        seed=r"\d+",
        size=r"\d+",
        pixels="unit|neg",
    conda:
        "../envs/glorot.yaml"
    # The generator is single-threaded numpy; one core per split.
    threads: 1
    resources:
        mem_mb=shapeset_mem,
        runtime=shapeset_runtime,
    params:
        seed="{seed}",
        split="{split}",
        size="{size}",
        pixels="{pixels}",
    script:
        "../scripts/shapeset.py"


rule plot_shapeset_samples:
    """A grid of sample images titled with their class, like Figure 1."""
    input:
        shapeset_path("samples", SHAPESET_SAMPLE_IMAGES),
    output:
        png=report(
            "results/figures/shapeset_samples.png",
            caption="../report/shapeset_samples.rst",
            category="Data",
        ),
        pdf="results/figures/shapeset_samples.pdf",
    log:
        "results/logs/data/plot_shapeset_samples.log",
    conda:
        "../envs/glorot.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        rows=4,
        columns=6,
    script:
        "../scripts/plot_shapeset_samples.py"
