"""Rule figure_finite_width: the finite-width spread per layer."""

import pandas as pd

from glorot import plotting, spectrum_plots
from glorot.workflow_io import start

log = start(snakemake.log[0], snakemake.threads)
fig = spectrum_plots.finite_width_figure(pd.read_csv(snakemake.input[0]))
plotting.save(fig, snakemake.output.png, snakemake.output.pdf)
