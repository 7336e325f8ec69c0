"""Rule training_table1: Table 1's Shapeset column from the selected runs."""

from glorot import cached, training
from glorot.workflow_io import write_table
from job import start_job

log = start_job(snakemake)
curves = cached.training_curves(snakemake.input.curves, snakemake.params.training)
selection = cached.final_table(snakemake.input.selection, "training_selection")
table = training.table1(
    selection, training.final_values(curves), snakemake.params.test_size
)
# A table for people: percentages to two decimals, as the paper prints them.
write_table(table.round(2), snakemake.output[0], float_format="%.6g")
log.info("\n%s", table.to_string(index=False))
