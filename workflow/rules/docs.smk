# The committed documents that the workflow regenerates: docs/derivation.md
# and the images the README shows. Not part of `all` (they are committed
# files); refresh them with `snakemake --cores all docs`.

README_FIGURES = [
    "figure6",
    "figure7",
    "figure8",
    "variance_by_layer",
    "agreement",
    "jacobian",
]
README_TRAINING_FIGURES = ["figure3", "figure11"]


localrules:
    docs,
    derivation,
    readme_figures,
    readme_training_figures,


rule docs:
    input:
        "docs/derivation.md",
        expand("docs/figures/{name}.png", name=README_FIGURES),
        "docs/figures/shapeset_samples.png",
        expand("docs/figures/training_{name}.png", name=README_TRAINING_FIGURES),


rule derivation:
    """docs/derivation.md from its template and the bounds and paper experiments."""
    input:
        template="workflow/report/derivation.md.j2",
        bounds="results/bounds/variance_by_layer.csv",
        bounds_ratios="results/bounds/layer_ratios.csv",
        bounds_assumptions="results/bounds/assumptions.csv",
        bounds_agreement="results/bounds/agreement.csv",
        paper="results/paper/variance_by_layer.csv",
        paper_ratios="results/paper/layer_ratios.csv",
        paper_assumptions="results/paper/assumptions.csv",
        paper_agreement="results/paper/agreement.csv",
        paper_minibatch="results/paper/minibatch.csv",
        bounds_minibatch="results/bounds/minibatch.csv",
    output:
        "docs/derivation.md",
    log:
        "results/logs/derivation.log",
    conda:
        "../envs/glorot.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    params:
        bounds=config["experiments"].get("bounds"),
        paper=config["experiments"].get("paper"),
        minibatch_size=minibatch_size(),
    script:
        "../scripts/derivation.py"


rule readme_figures:
    """Refresh the images the README shows."""
    input:
        expand("results/figures/paper/{name}.png", name=README_FIGURES),
        "results/figures/shapeset_samples.png",
    output:
        expand("docs/figures/{name}.png", name=README_FIGURES),
        "docs/figures/shapeset_samples.png",
    log:
        "results/logs/readme_figures.log",
    conda:
        "../envs/glorot.yaml"
    threads: 1
    resources:
        mem_mb=200,
        runtime=5,
    shell:
        "cp {input} docs/figures/ 2> {log}"


rule readme_training_figures:
    """Refresh the training figures the README shows."""
    input:
        "results/figures/training/{name}.png",
    output:
        "docs/figures/training_{name}.png",
    log:
        "results/logs/readme_training_{name}.log",
    conda:
        "../envs/glorot.yaml"
    threads: 1
    resources:
        mem_mb=200,
        runtime=5,
    shell:
        "cp {input} {output} 2> {log}"
