"""Rule figure_spectrum_variance: the spectrum's variance against depth."""

from glorot import cached, plotting, spectrum, spectrum_plots
from job import start_job

log = start_job(snakemake)
# The table's content and its provenance record (glorot.provenance).
cached.verify(snakemake.input[0], "jacobian_spectrum_table")
fig = spectrum_plots.variance_figure(spectrum.read_table(snakemake.input[0]))
plotting.save(fig, snakemake.output.png, snakemake.output.pdf)
