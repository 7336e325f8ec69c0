"""Rule jacobian: average singular value of each layer Jacobian of one network."""

import numpy as np
import pandas as pd

from glorot import initializers, inputs, jacobian, seeding
from glorot.workflow_io import start, write_table

log = start(snakemake.log[0], snakemake.threads)
exp = snakemake.params.experiment
seed = snakemake.params.seed
name, init = snakemake.wildcards.experiment, snakemake.wildcards.init
network = int(snakemake.wildcards.network)
dtype = np.dtype(exp["dtype"])
widths = exp["widths"]

weights = initializers.sample_network(
    seeding.weights_generator(seed, name, init, network), init, widths, dtype
)
source = inputs.GaussianInputs(
    seeding.inputs_seed_sequence(seed, name, network),
    min(exp["jacobian_examples"], exp["examples"]),
    widths[0],
    widths[-1],
    dtype,
)
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
