"""Rule minibatch_table: the minibatch ratio B Var[G] / Var[dC/dW] pooled
over networks with 95% intervals."""

import pandas as pd

from glorot import minibatch
from glorot.workflow_io import start, write_table

log = start(snakemake.log[0], snakemake.threads)
per_network = pd.concat(pd.read_csv(path) for path in snakemake.input)
write_table(minibatch.summarise(per_network), snakemake.output[0])
log.info("%d network files", len(snakemake.input))
