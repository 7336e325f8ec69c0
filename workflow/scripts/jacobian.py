"""Rule jacobian: average singular value of each layer Jacobian of one network."""

import numpy as np
import pandas as pd

from glorot import jacobian
from glorot.workflow_io import write_table
from job import start_job
from job_network import sampled_network

log = start_job(snakemake)
exp, init, network, weights, source = sampled_network(snakemake)
# The first examples of the same inputs the measure rule uses.
x, _ = next(source.chunks(exp["jacobian_examples"]))
rows = []
for activation in exp["activations"]:
    values = jacobian.mean_singular_values(x, weights, activation).mean(axis=0)
    rows += [(activation, init, network, i, v) for i, v in enumerate(values)]
    log.info("%s: %s", activation, np.round(values, 4))
table = pd.DataFrame(
    rows, columns=["activation", "init", "network", "layer", "mean_singular_value"]
)
write_table(table, snakemake.output[0])
