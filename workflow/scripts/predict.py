"""Rule predict: the prediction table of one experiment."""

from glorot import predict
from glorot.workflow_io import start, write_table

log = start(snakemake.log[0], snakemake.threads)
exp = snakemake.params.experiment
# Gaussian inputs: x ~ N(0, 1), so E[x] = 0 and Var[x] = 1.
table = predict.prediction_table(
    exp["widths"], exp["inits"], exp["activations"], x_mean=0.0, x_var=1.0
)
write_table(table, snakemake.output[0])
log.info("%d predictions written", len(table))
