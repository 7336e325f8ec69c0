"""Rule minibatch: per-example versus minibatch-average weight-gradient
variance of each network of a block at initialization, per activation and
layer."""

import pandas as pd

from glorot import minibatch
from glorot.workflow_io import write_table
from job import job_networks, start_job

log = start_job(snakemake)
exp = snakemake.params.experiment
init = snakemake.wildcards.init
batch_size = snakemake.params.batch_size
tables = []
for network, weights, source in job_networks(snakemake):
    # All the examples the measure rule uses, in the same order.
    x, y = next(source.chunks(exp["examples"]))
    for activation in exp["activations"]:
        table = minibatch.network_table(weights, x, y, activation, batch_size)
        tables.append(
            table.assign(
                activation=activation,
                init=init,
                network=network,
                batch_size=batch_size,
            )
        )
        log.info(
            "network %d, %s: ratio by layer %s",
            network,
            activation,
            table["ratio"].round(3).tolist(),
        )
table = pd.concat(tables)
first = ["activation", "init", "network"]
write_table(
    table[first + [c for c in table.columns if c not in first]], snakemake.output[0]
)
