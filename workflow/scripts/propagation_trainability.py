"""Rule propagation_trainability: the runs' table and heatmap with k xi_c."""

import pandas as pd

from glorot import cached, inputs, plotting, propagation_plots, trainability
from glorot.workflow_io import write_table
from job import start_job

log = start_job(snakemake)
run = snakemake.params.run
runs = pd.concat(
    [
        cached.final_table(p, dtype={"sigma_w2": str, "sigma_b2": str})
        for p in snakemake.input.runs
    ],
    ignore_index=True,
)
train = inputs.ArrayInputs.from_npz(snakemake.input.train)
test = inputs.ArrayInputs.from_npz(snakemake.input.test)
table = trainability.trainability_table(runs, train.y, test.y)
write_table(table, snakemake.output.table)
for k in (3.0, 6.0):
    counts = trainability.claim_counts(table, k)
    log.info(
        "k = %g: fitted %d of %d runs with depth <= k xi_c, %d of %d beyond",
        k,
        *counts["within"],
        *counts["beyond"],
    )
fig = propagation_plots.trainability_figure(table, run["activation"], run["sigma_b2"])
plotting.save(fig, snakemake.output.png, snakemake.output.pdf)
