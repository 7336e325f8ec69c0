"""Rule assumptions: each assumption of the derivation, measured per layer."""

from glorot import cached
from glorot.assumptions import assumption_table
from glorot.workflow_io import write_table
from job import start_job

log = start_job(snakemake)
per_network = cached.network_moments(snakemake.input, snakemake.params.experiment)
table = assumption_table(per_network, snakemake.params.experiment["widths"])
write_table(table, snakemake.output[0])
log.info("%d rows", len(table))
