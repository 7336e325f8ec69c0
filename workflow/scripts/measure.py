"""Rule measure: per-layer moments of each network of a block."""

import numpy as np
import pandas as pd

from glorot import limits, measure
from glorot.workflow_io import write_table
from job import job_networks, start_job

log = start_job(snakemake)
exp = snakemake.params.experiment
name, init = snakemake.wildcards.experiment, snakemake.wildcards.init
tables = []
for network, weights, source in job_networks(snakemake):
    log.info("network %d, init %s", network, init)
    for activation in exp["activations"]:
        overflow = limits.overflow_error(exp["dtype"], name, init, network, activation)
        try:
            moments, _ = measure.measure_network(
                weights, source, activation, exp["chunk_size"]
            )
        except limits.ValuesNotFinite:
            # Found by value (glorot.measure): past the dtype's range.
            raise overflow from None
        table = measure.moments_table(moments)
        if not np.isfinite(table[["mean", "variance", "mean_square"]].to_numpy()).all():
            raise overflow
        identity = {"activation": activation, "init": init, "network": network}
        tables.append(table.assign(**identity))

first = ["activation", "init", "network"]
table = pd.concat(tables)
write_table(
    table[first + [c for c in table.columns if c not in first]], snakemake.output[0]
)
log.info("done")
