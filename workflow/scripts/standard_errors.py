"""Rule standard_errors: the sd over networks of each forward cell's
per-network variance, measured and predicted (src/glorot/standard_errors.py)."""

from glorot import cached, measure, standard_errors
from glorot.inputs import ArrayInputs
from glorot.workflow_io import write_table
from job import start_job

log = start_job(snakemake)
exp = snakemake.params.experiment
# The rows the compare rule summarises: the per-network ensemble variance.
per_network = measure.ensemble_variance(
    cached.network_moments(snakemake.input.moments, exp)
)
# Shapeset: the fixed examples every network sees; generated inputs: none.
x = ArrayInputs.from_npz(snakemake.input.data[0]).x if snakemake.input.data else None
table = standard_errors.table(exp, per_network, x, snakemake.params.margin)
write_table(table, snakemake.output.table)
write_table(standard_errors.counts(table), snakemake.output.counts)
log.info("%d cells; verdicts %s", len(table), table["verdict"].value_counts().to_dict())
