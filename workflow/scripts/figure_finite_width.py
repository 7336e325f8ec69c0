"""Rule figure_finite_width: the finite-width spread per layer."""

from glorot import cached, plotting, spectrum_plots
from job import start_job

log = start_job(snakemake)
fig = spectrum_plots.finite_width_figure(cached.final_table(snakemake.input[0]))
plotting.save(fig, snakemake.output.png, snakemake.output.pdf)
