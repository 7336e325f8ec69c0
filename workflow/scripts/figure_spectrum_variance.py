"""Rule figure_spectrum_variance: the spectrum's variance against depth."""

from glorot import plotting, spectrum, spectrum_plots
from glorot.workflow_io import start

log = start(snakemake.log[0], snakemake.threads)
fig = spectrum_plots.variance_figure(spectrum.read_table(snakemake.input[0]))
plotting.save(fig, snakemake.output.png, snakemake.output.pdf)
