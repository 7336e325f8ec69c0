"""Rule figure_spectrum_histograms: singular values of J, measured and predicted."""

from glorot import plotting, spectrum, spectrum_plots
from glorot.workflow_io import start

log = start(snakemake.log[0], snakemake.threads)
fig = spectrum_plots.histograms_figure(spectrum.read_table(snakemake.input[0]))
plotting.save(fig, snakemake.output.png, snakemake.output.pdf)
