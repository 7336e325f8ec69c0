"""Rule propagation_train: one short SGD run at (depth, sigma_w2)."""

import pandas as pd

from glorot import inputs, trainability
from glorot.workflow_io import write_table
from job import start_job

log = start_job(snakemake)
run, w = snakemake.params.run, snakemake.wildcards
depth = int(w.depth)
train = inputs.ArrayInputs.from_npz(snakemake.input.train)
test = inputs.ArrayInputs.from_npz(snakemake.input.test)
widths = [train.x.shape[1]] + [run["width"]] * depth + [9]
rng = trainability.run_generator(
    snakemake.params.seed,
    run["activation"],
    w.sigma_w2,
    run["sigma_b2"],
    depth,
    run["width"],
)
result = trainability.train_short(
    (train.x, train.y),
    (test.x, test.y),
    widths,
    run["activation"],
    float(w.sigma_w2),
    run["sigma_b2"],
    dict(rng=rng, **run),
)
log.info("depth %d, sigma_w2 %s: %s", depth, w.sigma_w2, result)
row = dict(
    activation=run["activation"],
    sigma_w2=w.sigma_w2,
    sigma_b2=str(run["sigma_b2"]),
    depth=depth,
    **result,
)
write_table(pd.DataFrame([row]), snakemake.output[0])
