"""Rule predict: the prediction table of one experiment."""

from glorot import inputs, predict, theory
from glorot.workflow_io import write_table
from job import start_job

log = start_job(snakemake)
exp = snakemake.params.experiment
if exp["input"] == "gaussian":
    # x ~ N(0, 1) iid: the per-example mean square is chi^2_{n_0} / n_0.
    moments = theory.InputMoments.gaussian(exp["widths"][0])
else:
    # The very examples every network of the experiment reads.
    moments = theory.InputMoments.from_examples(
        inputs.ArrayInputs.from_npz(snakemake.input[0], exp["dtype"]).x
    )
q0 = moments.mean_squares
log.info(
    "inputs: E[x] = %.6g, E[x^2] = %.6g, Var[x] = %.6g; per-example |x|^2/n_0 "
    "from %.4g to %.4g over %d examples",
    moments.mean,
    moments.second_moment,
    moments.variance,
    q0.min(),
    q0.max(),
    q0.size,
)
table = predict.prediction_table(
    exp["widths"], exp["inits"], exp["activations"], moments
)
write_table(table, snakemake.output[0])
log.info("%d predictions written", len(table))
