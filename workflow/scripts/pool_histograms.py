"""Rule pool_histograms: histogram counts summed over networks."""

from glorot import cached
from glorot.workflow_io import start, write_table

log = start(snakemake.log[0], snakemake.threads)
per_network = cached.network_histograms(snakemake.input, snakemake.params.experiment)
keys = ["activation", "init", "quantity", "layer", "bin_low", "bin_high"]
pooled = per_network.groupby(keys, sort=False, as_index=False).agg(
    count=("count", "sum"), networks=("network", "nunique")
)
write_table(pooled, snakemake.output[0])
log.info("%d bins pooled from %d files", len(pooled), len(snakemake.input))
