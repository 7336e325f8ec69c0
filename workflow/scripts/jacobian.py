"""Rule jacobian: average singular value of each layer Jacobian of each
network of a block."""

import numpy as np
import pandas as pd

from glorot import jacobian
from glorot.workflow_io import write_table
from job import job_networks, start_job

log = start_job(snakemake)
exp = snakemake.params.experiment
init = snakemake.wildcards.init
rows = []
for network, weights, source in job_networks(snakemake):
    # The first examples of the same inputs the measure rule uses.
    x, _ = next(source.chunks(exp["jacobian_examples"]))
    for activation in exp["activations"]:
        values = jacobian.mean_singular_values(x, weights, activation).mean(axis=0)
        rows += [(activation, init, network, i, v) for i, v in enumerate(values)]
        log.info("network %d, %s: %s", network, activation, np.round(values, 4))
table = pd.DataFrame(
    rows, columns=["activation", "init", "network", "layer", "mean_singular_value"]
)
write_table(table, snakemake.output[0])
