"""Rule jacobian_table: average singular values over networks with 95% intervals,
beside their free-probability prediction, judged (glorot.jacobian_prediction)."""

import pandas as pd

from glorot import cached, jacobian_prediction
from glorot.workflow_io import start, write_table

log = start(snakemake.log[0], snakemake.threads)
per_network = cached.network_jacobians(
    snakemake.input.networks, snakemake.params.experiment
)
predicted = pd.read_csv(snakemake.input.predicted)
table = jacobian_prediction.summarise(per_network, predicted)
write_table(table, snakemake.output[0])
log.info(
    "%d network files; verdicts %s",
    len(snakemake.input.networks),
    table["verdict"].value_counts().to_dict(),
)
