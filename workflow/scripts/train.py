"""Rule train: one SGD run (activation, init, learning rate, seed) on Shapeset-3x2.

Resumes from its checkpoint (``params.checkpoint``) if a killed or failed
earlier attempt left one; see glorot.training.train.
"""

import os

from glorot import cached, training

# After the imports: start() pins every BLAS loaded so far, scipy's included.
from job import start_job

log = start_job(snakemake)
w = snakemake.wildcards
run = training.run_from_config(
    snakemake.params.training, snakemake.params.seed, w.activation, w.init, w.lr, w.seed
)


def split(path):
    return cached.shapeset_split(path)


checkpoint = snakemake.params.checkpoint
os.makedirs(os.path.dirname(checkpoint), exist_ok=True)
log.info("run %s", run.fingerprint())
result = training.train(
    run,
    split(snakemake.input.validation),
    split(snakemake.input.test),
    checkpoint=checkpoint,
    log=log,
    # The seed's stream written once by rule training_stream, if shared.
    stored_stream=snakemake.input.get("stream") or None,
)
result.write(snakemake.output.curves, snakemake.output.histograms)
log.info("%s after %d updates", result.status, result.updates)
