"""Rule training_stream: one seed's training images, written once for its runs."""

from glorot import training

# After the imports: start() pins every BLAS loaded so far, scipy's included.
from glorot.workflow_io import seal
from job import start_job

log = start_job(snakemake)
p = snakemake.params.stream
run_seed = int(snakemake.wildcards.seed)
training.write_stream(
    snakemake.output[0],
    snakemake.params.seed,
    run_seed,
    p["blocks"],
    p["block_size"],
    p["pixels"],
    p["dtype"],
)
seal(snakemake.output[0])
log.info("seed %d: %d blocks of %d images", run_seed, p["blocks"], p["block_size"])
