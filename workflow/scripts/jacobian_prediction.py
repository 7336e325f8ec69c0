"""Rule jacobian_prediction: the predicted average singular value of each
layer Jacobian (eq. 17) by free probability (src/glorot/jacobian_prediction.py)."""

import pandas as pd

from glorot import jacobian_prediction
from glorot.workflow_io import start, write_table

log = start(snakemake.log[0], snakemake.threads)
predictions = pd.read_csv(snakemake.input[0])
table = jacobian_prediction.predict_layers(snakemake.params.experiment, predictions)
write_table(table, snakemake.output[0])
log.info("%d layer predictions", len(table))
