"""Rule histograms: fixed-bin histograms of each network of a block."""

import pandas as pd

from glorot import limits, measure
from glorot.workflow_io import write_table
from job import job_networks, start_job

log = start_job(snakemake)
exp = snakemake.params.experiment
name, init = snakemake.wildcards.experiment, snakemake.wildcards.init
hist = exp["histograms"]
ranges = {q: hist[q] for q in measure.HISTOGRAM_QUANTITIES}
tables = []
for network, weights, source in job_networks(snakemake):
    for activation in exp["activations"]:
        log.info("network %d, init %s, activation %s", network, init, activation)
        try:
            _, histograms = measure.measure_network(
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
            raise limits.overflow_error(
                exp["dtype"], name, init, network, activation
            ) from None
        identity = {"activation": activation, "init": init, "network": network}
        tables.append(measure.histogram_table(histograms).assign(**identity))

first = ["activation", "init", "network"]
table = pd.concat(tables)
write_table(
    table[first + [c for c in table.columns if c not in first]], snakemake.output[0]
)
log.info("done")
