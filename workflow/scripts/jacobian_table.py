"""Rule jacobian_table: average singular values over networks with 95% intervals,
beside their free-probability prediction, judged (glorot.jacobian_prediction)."""

import pandas as pd

from glorot import cached, jacobian_prediction
from glorot.workflow_io import write_table
from job import start_job

log = start_job(snakemake)
per_network = cached.network_jacobians(
    snakemake.input.networks, snakemake.params.experiment
)
predicted = cached.read_table(snakemake.input.predicted, "predict")
table = jacobian_prediction.summarise(per_network, predicted)
write_table(table, snakemake.output[0])
log.info(
    "%d network files; verdicts %s",
    len(snakemake.input.networks),
    table["verdict"].value_counts().to_dict(),
)
