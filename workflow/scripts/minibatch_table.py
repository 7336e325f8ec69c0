"""Rule minibatch_table: the minibatch ratio B Var[G] / Var[dC/dW] pooled
over networks with 95% intervals."""

from glorot import cached, minibatch
from glorot.workflow_io import write_table
from job import start_job

log = start_job(snakemake)
per_network = cached.network_minibatch(snakemake.input, snakemake.params.experiment)
write_table(
    minibatch.summarise(per_network, snakemake.params.experiment), snakemake.output[0]
)
log.info("%d network files", len(snakemake.input))
