"""Rule figure_jacobian: average singular values of the layer Jacobians."""

import pandas as pd

from glorot import paper, plotting
from glorot.workflow_io import start

log = start(snakemake.log[0], snakemake.threads)
table = pd.read_csv(snakemake.input[0])
exp = snakemake.params.experiment
fig = plotting.jacobian_figure(
    table,
    snakemake.wildcards.experiment,
    exp["activations"],
    exp["inits"],
    paper.JACOBIAN_AVERAGE_SINGULAR_VALUE,
)
plotting.save(fig, snakemake.output.png, snakemake.output.pdf)
