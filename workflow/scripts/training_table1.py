"""Rule training_table1: Table 1's Shapeset column from the selected runs."""

import pandas as pd

from glorot import cached, training
from glorot.workflow_io import start, write_table

log = start(snakemake.log[0], snakemake.threads)
curves = cached.training_curves(snakemake.input.curves, snakemake.params.training)
selection = pd.read_csv(snakemake.input.selection)
table = training.table1(
    selection, training.final_values(curves), snakemake.params.test_size
)
# A table for people: percentages to two decimals, as the paper prints them.
write_table(table.round(2), snakemake.output[0], float_format="%.6g")
log.info("\n%s", table.to_string(index=False))
