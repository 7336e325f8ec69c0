"""Rule figure_jacobian: average singular values of the layer Jacobians."""

from glorot import cached, paper, plotting
from job import start_job

log = start_job(snakemake)
table = cached.final_table(snakemake.input[0], "jacobian_table")
exp = snakemake.params.experiment
fig = plotting.jacobian_figure(
    table,
    snakemake.wildcards.experiment,
    exp["activations"],
    exp["inits"],
    paper.JACOBIAN_AVERAGE_SINGULAR_VALUE,
)
plotting.save(fig, snakemake.output.png, snakemake.output.pdf)
