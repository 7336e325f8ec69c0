"""Rule propagation_figures: phase diagram, the depth scales against sigma_w2, c^l
against depth."""

from glorot import cached, plotting, propagation_plots
from glorot.propagation_measure import RECORD_DTYPES
from job import start_job

log = start_job(snakemake)
read = {
    name: cached.final_table(snakemake.input[name], dtype=RECORD_DTYPES)
    for name in snakemake.input.keys()
}
p = snakemake.params
fig = propagation_plots.phase_diagram_figure(read["critical_line"], p.sigma_b2_max)
plotting.save(fig, snakemake.output.phase_diagram, snakemake.output.phase_diagram_pdf)
fig = propagation_plots.xi_c_figure(read["depth_scales"], p.depth)
plotting.save(fig, snakemake.output.xi_c, snakemake.output.xi_c_pdf)
fig = propagation_plots.correlation_depth_figure(
    read["propagation"], p.pair, p.sigma_b2
)
plotting.save(
    fig, snakemake.output.correlation_depth, snakemake.output.correlation_depth_pdf
)
