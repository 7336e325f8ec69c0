"""Rule measure: per-layer moments and histograms of one sampled network."""

import pandas as pd

import numpy as np

from glorot import limits, measure
from glorot.workflow_io import write_table
from job import start_job
from job_network import sampled_network

log = start_job(snakemake)
exp, init, network, weights, source = sampled_network(snakemake)
hist = exp["histograms"]
ranges = {q: hist[q] for q in measure.HISTOGRAM_QUANTITIES}

moment_tables, histogram_tables = [], []
for activation in exp["activations"]:
    log.info("network %d, init %s, activation %s", network, init, activation)
    overflow = limits.overflow_error(
        exp["dtype"], snakemake.wildcards.experiment, init, network, activation
    )
    try:
        moments, histograms = measure.measure_network(
            weights,
            source,
            activation,
            exp["chunk_size"],
            ranges,
            hist["bins"],
            hist["weight_gradient_examples"],
        )
    except limits.ValuesNotFinite:
        # Found by value (glorot.measure): past the dtype's range.
        raise overflow from None
    table = measure.moments_table(moments)
    if not np.isfinite(table[["mean", "variance", "mean_square"]].to_numpy()).all():
        raise overflow
    identity = {"activation": activation, "init": init, "network": network}
    moment_tables.append(table.assign(**identity))
    histogram_tables.append(measure.histogram_table(histograms).assign(**identity))

first = ["activation", "init", "network"]


def identity_first(table):
    return table[first + [c for c in table.columns if c not in first]]


write_table(identity_first(pd.concat(moment_tables)), snakemake.output.moments)
write_table(identity_first(pd.concat(histogram_tables)), snakemake.output.histograms)
log.info("done")
