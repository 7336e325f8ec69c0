# Helpers of workflow/rules/spectrum.smk (config, params, inputs, targets,
# resources), which includes this file.

from glorot import sweeps
from glorot.resources import spectrum_runtime_min

SPECTRUM = config["spectrum"]


def spectrum_sweep_params(wildcards):
    """What a run's numbers depend on: not `batch` (tested) nor `margin`."""
    sweep = SPECTRUM[wildcards.sweep]
    return {k: sweep[k] for k in ("width", "depths", "networks", "bins", "range")}


def spectrum_sweep(wildcards):
    """The sweep without `batch`, which no table depends on."""
    sweep = SPECTRUM[wildcards.sweep]
    return {k: v for k, v in sweep.items() if k != "batch"}


def spectrum_runtime(wildcards, attempt):
    return spectrum_runtime_min(SPECTRUM[wildcards.sweep]) * attempt


def spectrum_run_files(wildcards, kind):
    return [
        f"results/{wildcards.sweep}/spectrum/{a}_{w}_q{q}_{kind}.csv"
        for a, w, q in sweeps.runs(SPECTRUM[wildcards.sweep])
    ]


def spectrum_networks(wildcards):
    return spectrum_run_files(wildcards, "networks")


def spectrum_histograms(wildcards):
    return spectrum_run_files(wildcards, "histogram")


def spectrum_targets():
    targets = []
    for name in SPECTRUM:
        targets += [
            f"results/{name}/jacobian_spectrum.csv",
            f"results/figures/{name}/spectrum_histograms.png",
            f"results/figures/{name}/spectrum_variance.png",
        ]
    return targets
