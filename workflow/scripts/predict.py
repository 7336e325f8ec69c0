"""Rule predict: the prediction table of one experiment."""

from glorot import inputs, predict
from glorot.workflow_io import start, write_table

log = start(snakemake.log[0], snakemake.threads)
exp = snakemake.params.experiment
if exp["input"] == "gaussian":
    x_mean, x_var = 0.0, 1.0  # x ~ N(0, 1)
else:
    data = inputs.ArrayInputs.from_npz(snakemake.input[0])
    x_mean, x_var = data.mean, data.variance
log.info("inputs: E[x] = %.6g, Var[x] = %.6g", x_mean, x_var)
table = predict.prediction_table(
    exp["widths"], exp["inits"], exp["activations"], x_mean, x_var
)
write_table(table, snakemake.output[0])
log.info("%d predictions written", len(table))
