"""Rule compare: measured means over networks with 95% intervals, joined with
the predictions and judged by the equivalence verdicts; the verdict counts of
each prediction with their resolution (agreement.csv, summary.md), the
layer-to-layer ratios, and the cells that hit float32's limits."""

from glorot import cached, compare, limits, measure
from glorot.workflow_io import seal, write_table
from job import start_job

log = start_job(snakemake)
exp = snakemake.params.experiment
margin = snakemake.params.margin
per_network = cached.network_moments(snakemake.input.moments, exp)
# The measured variance is the unbiased estimate of the variance over networks,
# examples and units that the predictions are (glorot.measure.ensemble_variance).
per_network = measure.ensemble_variance(per_network)
predictions = cached.predictions(snakemake.input.predictions, exp)
table = compare.join_predictions(
    compare.summarise_networks(per_network, value="ensemble_variance"),
    predictions,
    margin,
)
write_table(table, snakemake.output.table)
write_table(compare.agreement(table), snakemake.output.agreement)
write_table(
    compare.layer_ratios(per_network, predictions, margin),
    snakemake.output.layer_ratios,
)
# Cells whose values reached float32's (float64's) smallest numbers: named in
# the log and summary.md, since their ratios may be inf.
at_limit = limits.underflow_cells(per_network, exp["dtype"], table["quantity"].unique())
for line in limits.describe(at_limit, exp["dtype"]):
    log.warning("at the limits of %s: %s", exp["dtype"], line)
with open(snakemake.output.summary, "w") as handle:
    handle.write(
        compare.markdown_summary(table, snakemake.wildcards.experiment, margin)
    )
    handle.write(limits.markdown_note(at_limit, exp["dtype"], exp["networks"]))
seal(snakemake.output.summary)
log.info("%d rows from %d network files", len(table), len(snakemake.input.moments))
