# Glorot & Bengio (2010), Section 4.2.1, made reproducible: sample networks at
# initialization, measure per-layer variances, predict them, compare.
from snakemake.utils import min_version

min_version("9.0")


# A config given with --configfile is THE config: config/config.yaml is read
# only when none is given (Snakemake would otherwise merge the two, and a tiny
# config would run the default's experiments too). --config key=value still
# overrides single keys of whichever file is read.
if not workflow.overwrite_configfiles:

    configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/data.smk"
include: "workflow/rules/measure.smk"
include: "workflow/rules/predict.smk"
include: "workflow/rules/compare.smk"
include: "workflow/rules/standard_errors.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/docs.smk"


# Training (Figures 2-4, 9-11, Table 1) only with a `training` key in the config.
if config.get("training"):

    include: "workflow/rules/training.smk"


# Signal propagation in depth only with a `propagation` key in the config.
if config.get("propagation"):

    include: "workflow/rules/propagation.smk"


# Jacobian spectra and finite-width spread (docs/spectrum.md), each only with
# its key in the config.
if config.get("spectrum"):

    include: "workflow/rules/spectrum.smk"


if config.get("finite_width"):

    include: "workflow/rules/finite_width.smk"


# Runs at the end of every run (a rule without output always does): the
# provenance of every target against this config (docs/guarantees.md).
rule all:
    default_target: True
    input:
        all_targets(),
    log:
        "results/logs/all.log",
    localrule: True
    conda:
        "workflow/envs/glorot.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "workflow/scripts/check_provenance.py"
