"""Rule shapeset: one split of Shapeset-3x2 written to an .npz (images, labels).

The split's random stream is keyed by (seed, "shapeset", split), so a split's
images depend on its name and the seed only, never on which other splits
exist or in what order they are generated.
"""

import numpy as np

from glorot import seeding, shapeset
from glorot.workflow_io import seal
from job import start_job

# The file name says "unit" for pixels in [0, 1] and "neg" for [-1, 1].
NEG = {"unit": False, "neg": True}

log = start_job(snakemake)
params = snakemake.params
seed, split, size = int(params.seed), params.split, int(params.size)
neg = NEG[params.pixels]

rng = np.random.default_rng(seeding.seed_sequence(seed, "shapeset", split))
images, labels = shapeset.generate(rng, size, neg=neg)
shapeset.write_npz(snakemake.output[0], images=images, labels=labels)
seal(snakemake.output[0])

counts = np.bincount(labels, minlength=len(shapeset.CLASS_NAMES))
log.info("split %s, seed %d: %d images, pixels %s", split, seed, size, params.pixels)
for name, count, p in zip(shapeset.CLASS_NAMES, counts, shapeset.CLASS_PROBABILITIES):
    log.info("  %-28s %7d  (expected %.1f)", name, count, p * size)
