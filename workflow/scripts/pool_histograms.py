"""Rule pool_histograms: histogram counts summed over networks."""

from glorot import cached
from glorot.workflow_io import write_table
from job import start_job

log = start_job(snakemake)
per_network = cached.network_histograms(snakemake.input, snakemake.params.experiment)
keys = ["activation", "init", "quantity", "layer", "bin_low", "bin_high"]
pooled = per_network.groupby(keys, sort=False, as_index=False).agg(
    count=("count", "sum"), networks=("network", "nunique")
)
write_table(pooled, snakemake.output[0])
log.info("%d bins pooled from %d files", len(pooled), len(snakemake.input))
