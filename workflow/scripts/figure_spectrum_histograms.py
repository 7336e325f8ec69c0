"""Rule figure_spectrum_histograms: singular values of J, measured and predicted."""

import pandas as pd

from glorot import plotting, spectrum_plots
from glorot.workflow_io import start

log = start(snakemake.log[0], snakemake.threads)
fig = spectrum_plots.histograms_figure(
    pd.read_csv(snakemake.input[0], keep_default_na=False)
)
plotting.save(fig, snakemake.output.png, snakemake.output.pdf)
