"""Rule minibatch: per-example versus minibatch-average weight-gradient
variance of one network at initialization, per activation and layer."""

import pandas as pd

from glorot import minibatch
from glorot.workflow_io import write_table
from job import start_job
from job_network import sampled_network

log = start_job(snakemake)
exp, init, network, weights, source = sampled_network(snakemake)
batch_size = snakemake.params.batch_size
# All the examples the measure rule uses, in the same order.
x, y = next(source.chunks(exp["examples"]))
tables = []
for activation in exp["activations"]:
    table = minibatch.network_table(weights, x, y, activation, batch_size)
    tables.append(
        table.assign(
            activation=activation, init=init, network=network, batch_size=batch_size
        )
    )
    log.info("%s: ratio by layer %s", activation, table["ratio"].round(3).tolist())
table = pd.concat(tables)
first = ["activation", "init", "network"]
write_table(
    table[first + [c for c in table.columns if c not in first]], snakemake.output[0]
)
