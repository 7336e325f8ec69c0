"""Rule figure_agreement: prediction / measurement per layer with the
measurement's interval and the agreement zone."""

import pandas as pd

from glorot import plotting
from glorot.workflow_io import start

log = start(snakemake.log[0], snakemake.threads)
table = pd.read_csv(snakemake.input[0])
exp = snakemake.params.experiment
fig = plotting.agreement_figure(
    table, snakemake.wildcards.experiment, exp["activations"], exp["inits"]
)
plotting.save(fig, snakemake.output.png, snakemake.output.pdf)
