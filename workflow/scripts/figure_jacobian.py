"""Rule figure_jacobian: average singular values of the layer Jacobians."""

import pandas as pd

from glorot import plotting
from glorot.workflow_io import start

# The paper's Section 4.2.2 (tanh, 5 x 1000 on Shapeset).
PAPER_AVERAGE_SINGULAR_VALUE = {"normalized": 0.8, "standard": 0.5}

log = start(snakemake.log[0], snakemake.threads)
table = pd.read_csv(snakemake.input[0])
exp = snakemake.params.experiment
fig = plotting.jacobian_figure(
    table,
    snakemake.wildcards.experiment,
    exp["activations"],
    exp["inits"],
    PAPER_AVERAGE_SINGULAR_VALUE,
)
plotting.save(fig, snakemake.output.png, snakemake.output.pdf)
