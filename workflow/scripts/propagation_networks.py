"""Rule propagation_networks: a group of sampled deep networks at one point."""

import numpy as np
import pandas as pd

from glorot import inputs
from glorot import propagation_measure as measure
from glorot.propagation_measure import network_records
from glorot.workflow_io import write_table
from job import start_job

log = start_job(snakemake)
p, w = snakemake.params, snakemake.wildcards
# The sigmas as the config writes them (the wildcard is that text).
point = (w.activation, w.sigma_w2, w.sigma_b2)
images = (
    inputs.ArrayInputs.from_npz(snakemake.input[0], "float64").x[: 2 * p.shapeset_pairs]
    if p.shapeset_pairs
    else np.empty((0, measure.N_IN))
)
labels, x = measure.input_pairs(p.correlations, images, p.seed)
tables = []
for network in range(*p.networks):
    rng = measure.network_generator(p.seed, *point, p.depth, p.width, network)
    q, one_minus_c, factor, length = measure.measure_network(
        x, rng, p.width, p.depth, float(w.sigma_w2), float(w.sigma_b2), w.activation
    )
    overflow = np.isnan(q[:, 0]).sum()
    if overflow:
        log.warning(
            "network %d: overflow from layer %d", network, p.depth - overflow + 1
        )
    tables.append(
        network_records(point, network, labels, q, one_minus_c, factor, length)
    )
    log.info("network %d of %s done", network, point)
write_table(pd.concat(tables, ignore_index=True), snakemake.output[0])
