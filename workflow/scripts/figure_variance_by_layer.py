"""Rule figure_variance_by_layer: measured variances against the predictions."""

from glorot import cached, limits, plotting
from glorot.quantities import HISTOGRAM_QUANTITIES
from job import start_job

log = start_job(snakemake)
table = cached.final_table(snakemake.input[0], "compare")
exp = snakemake.params.experiment
fig = plotting.variance_by_layer_figure(
    table, snakemake.wildcards.experiment, exp["activations"], exp["inits"]
)
# A log axis drops a measured 0 (float32 underflow): say so in the panel.
quantities = HISTOGRAM_QUANTITIES
axes = [
    fig.axes[r * len(quantities) : (r + 1) * len(quantities)]
    for r in range(len(exp["activations"]))
]
undrawn = limits.mark_undrawn(axes, table, exp["activations"], quantities, exp["inits"])
if undrawn:
    log.warning("%d measured points are 0 and not drawn (see summary.md)", undrawn)
plotting.save(fig, snakemake.output.png, snakemake.output.pdf)
