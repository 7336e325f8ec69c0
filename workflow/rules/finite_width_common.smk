# Helpers of workflow/rules/finite_width.smk (config, params, inputs, targets,
# resources), which includes this file.

from glorot.resources import finite_width_runtime_min

FINITE_WIDTH = config["finite_width"]


def finite_width_sweep(wildcards):
    """The sweep without `batch`, which no table depends on."""
    sweep = FINITE_WIDTH[wildcards.sweep]
    return {k: v for k, v in sweep.items() if k != "batch"}


def finite_width_run_params(wildcards):
    """What a run's numbers depend on: not `batch` (tested) nor `margin`."""
    sweep = FINITE_WIDTH[wildcards.sweep]
    return {k: sweep[k] for k in ("depth", "networks")}


def finite_width_runtime(wildcards, attempt):
    sweep = FINITE_WIDTH[wildcards.sweep]
    return (
        finite_width_runtime_min(sweep, int(wildcards.width), wildcards.weights)
        * attempt
    )


def finite_width_runs(wildcards):
    sweep = FINITE_WIDTH[wildcards.sweep]
    return [
        f"results/{wildcards.sweep}/finite_width/{a}_{w}_n{n}.csv"
        for a in sweep["activations"]
        for w in sweep["weights"]
        for n in sweep["widths"]
    ]


def finite_width_targets():
    targets = []
    for name in FINITE_WIDTH:
        targets += [
            f"results/{name}/finite_width.csv",
            f"results/figures/{name}/finite_width.png",
        ]
    return targets
