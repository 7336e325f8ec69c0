"""Rule compare: measured means over networks with 95% intervals, joined with
the predictions and the agreement criterion; the coverage of each prediction
(agreement.csv, summary.md) and the layer-to-layer ratios."""

import pandas as pd

from glorot import compare, measure
from glorot.workflow_io import start, write_table

log = start(snakemake.log[0], snakemake.threads)
per_network = pd.concat(pd.read_csv(path) for path in snakemake.input.moments)
# The measured variance is the unbiased estimate of the variance over networks,
# examples and units that the predictions are (glorot.measure.ensemble_variance).
per_network = measure.ensemble_variance(per_network)
predictions = pd.read_csv(snakemake.input.predictions)
table = compare.join_predictions(
    compare.summarise_networks(per_network, value="ensemble_variance"), predictions
)
write_table(table, snakemake.output.table)
write_table(compare.coverage(table), snakemake.output.agreement)
write_table(
    compare.layer_ratios(per_network, predictions), snakemake.output.layer_ratios
)
with open(snakemake.output.summary, "w") as handle:
    handle.write(compare.markdown_summary(table, snakemake.wildcards.experiment))
log.info("%d rows from %d network files", len(table), len(snakemake.input.moments))
