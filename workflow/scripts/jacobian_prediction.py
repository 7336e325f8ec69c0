"""Rule jacobian_prediction: the predicted average singular value of each
layer Jacobian (eq. 17) by free probability (src/glorot/jacobian_prediction.py)."""

from glorot import cached, jacobian_prediction
from glorot.workflow_io import write_table
from job import start_job

log = start_job(snakemake)
predictions = cached.final_table(snakemake.input[0])
table = jacobian_prediction.predict_layers(snakemake.params.experiment, predictions)
write_table(table, snakemake.output[0])
log.info("%d layer predictions", len(table))
