"""Rule training_selection: per model, the learning rate of the grid with the
lowest final validation error (the paper's choice)."""

from glorot import cached, training
from glorot.workflow_io import write_table
from job import start_job

log = start_job(snakemake)
curves = cached.training_curves(snakemake.input.curves, snakemake.params.training)
# Read only to be checked: the figures that draw them wait for this rule.
cached.training_histograms(
    snakemake.input.histograms, snakemake.params.training, curves=curves
)
selection = training.select_learning_rates(training.final_values(curves))
write_table(selection, snakemake.output[0])
for _, row in selection[selection["selected"]].iterrows():
    log.info(
        "%s %s: learning rate %s (validation error %.4f)",
        row["activation"],
        row["init"],
        row["learning_rate"],
        row["validation_error"],
    )
