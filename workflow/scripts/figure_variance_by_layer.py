"""Rule figure_variance_by_layer: measured variances against the predictions."""

import pandas as pd

from glorot import plotting
from glorot.workflow_io import start

log = start(snakemake.log[0], snakemake.threads)
table = pd.read_csv(snakemake.input[0])
exp = snakemake.params.experiment
fig = plotting.variance_by_layer_figure(
    table, snakemake.wildcards.experiment, exp["activations"], exp["inits"]
)
plotting.save(fig, snakemake.output.png, snakemake.output.pdf)
