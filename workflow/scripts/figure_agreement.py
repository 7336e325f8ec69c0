"""Rule figure_agreement: prediction / measurement per layer with the
ratio's interval, its verdict and the margin band."""

from glorot import cached, limits, plotting
from glorot.quantities import VARIANCE_QUANTITIES
from job import start_job

log = start_job(snakemake)
table = cached.final_table(snakemake.input[0], "compare")
exp = snakemake.params.experiment
fig = plotting.agreement_figure(
    table,
    snakemake.wildcards.experiment,
    exp["activations"],
    exp["inits"],
    snakemake.params.margin,
)
# A measured 0 (float32 underflow) has no finite ratio: say so in the panel.
pairs = [(a, i) for a in exp["activations"] for i in exp["inits"]]
columns = len(VARIANCE_QUANTITIES)
axes = [fig.axes[r * columns : (r + 1) * columns] for r in range(len(pairs))]
undrawn = limits.mark_undrawn_ratios(axes, table, pairs, VARIANCE_QUANTITIES)
if undrawn:
    log.warning("%d cells have measured 0 and are not drawn (see summary.md)", undrawn)
plotting.save(fig, snakemake.output.png, snakemake.output.pdf)
