"""Rule compare: measured means over networks with 95% intervals, joined with
the predictions, and a Markdown summary."""

import pandas as pd

from glorot import cached, compare, limits
from glorot.workflow_io import start, write_table

log = start(snakemake.log[0], snakemake.threads)
per_network = cached.network_moments(
    snakemake.input.moments, snakemake.params.experiment
)
predictions = pd.read_csv(snakemake.input.predictions)
table = compare.join_predictions(compare.summarise_networks(per_network), predictions)
write_table(table, snakemake.output.table)
# Cells whose values reached float32's (float64's) smallest numbers: named in
# the log and summary.md, since their ratios may be inf.
exp = snakemake.params.experiment
at_limit = limits.underflow_cells(per_network, exp["dtype"], table["quantity"].unique())
for line in limits.describe(at_limit, exp["dtype"]):
    log.warning("at the limits of %s: %s", exp["dtype"], line)
with open(snakemake.output.summary, "w") as handle:
    handle.write(compare.markdown_summary(table, snakemake.wildcards.experiment))
    handle.write(limits.markdown_note(at_limit, exp["dtype"], exp["networks"]))
log.info("%d rows from %d network files", len(table), len(snakemake.input.moments))
