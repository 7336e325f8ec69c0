"""Rule jacobian_table: average singular values over networks with 95% intervals."""

from glorot import cached, compare
from glorot.workflow_io import write_table
from job import start_job

log = start_job(snakemake)
per_network = cached.network_jacobians(snakemake.input, snakemake.params.experiment)
write_table(compare.summarise_jacobian(per_network), snakemake.output[0])
log.info("%d network files", len(snakemake.input))
