"""Rule figure_standard_errors: predicted / measured spread over networks."""

from glorot import cached, plotting, standard_error_plots
from job import start_job

log = start_job(snakemake)
table = cached.final_table(snakemake.input[0], "standard_errors")
exp = snakemake.params.experiment
fig = standard_error_plots.standard_error_figure(
    table,
    snakemake.wildcards.experiment,
    exp["activations"],
    exp["inits"],
    snakemake.params.margin,
)
plotting.save(fig, snakemake.output.png, snakemake.output.pdf)
