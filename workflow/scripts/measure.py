"""Rule measure: per-layer moments of each network of a block."""

import numpy as np
import pandas as pd

from glorot import limits, measure
from glorot.workflow_io import block_networks, start, write_table

log = start(snakemake.log[0], snakemake.threads)
exp = snakemake.params.experiment
name, init = snakemake.wildcards.experiment, snakemake.wildcards.init
tables = []
for network, weights, source in block_networks(
    exp, snakemake.params.seed, name, init, snakemake.wildcards.block, snakemake.input
):
    log.info("network %d, init %s", network, init)
    for activation in exp["activations"]:
        moments, _ = measure.measure_network(
            weights, source, activation, exp["chunk_size"]
        )
        table = measure.moments_table(moments)
        if not np.isfinite(table[["mean", "variance", "mean_square"]].to_numpy()).all():
            raise limits.overflow_error(exp["dtype"], name, init, network, activation)
        identity = {"activation": activation, "init": init, "network": network}
        tables.append(table.assign(**identity))

first = ["activation", "init", "network"]
table = pd.concat(tables)
write_table(
    table[first + [c for c in table.columns if c not in first]], snakemake.output[0]
)
log.info("done")
