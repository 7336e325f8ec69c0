"""Rule networks_needed: the networks each forward cell needs for the
experiment's target_resolution, from the predicted spread
(src/glorot/standard_errors.py)."""

from glorot import cached, standard_errors
from glorot.inputs import ArrayInputs
from glorot.workflow_io import write_table
from job import start_job

log = start_job(snakemake)
exp = snakemake.params.experiment
predictions = cached.predictions(snakemake.input.predictions, exp)
x = ArrayInputs.from_npz(snakemake.input.data[0]).x if snakemake.input.data else None
table = standard_errors.networks_needed(exp, predictions, x, snakemake.params.target)
write_table(table, snakemake.output[0])
hidden = table[table["cells"] == "hidden"]
if len(hidden):
    worst = hidden.loc[hidden["networks_needed"].idxmax()]
    log.info(
        "hidden cells need up to %d networks (%s %s %s[%d]) for +-%g",
        worst["networks_needed"],
        worst["activation"],
        worst["init"],
        worst["quantity"],
        worst["layer"],
        snakemake.params.target,
    )
