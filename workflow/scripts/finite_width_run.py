"""Rule finite_width_run: the per-layer spread of one (activation, weights,
width) over the sweep's networks (src/glorot/finite_width.py)."""

import functools
import time

from glorot import finite_width
from glorot.workflow_io import write_table
from job import start_job

log = start_job(snakemake)
w = snakemake.wildcards
width = int(w.width)
sweep = dict(snakemake.params.sweep)
# Networks per stacked product: not a param, since the numbers do not depend
# on it (tests/test_finite_width.py) and changing it must not rerun the job.
sweep["batch"] = snakemake.config["finite_width"][w.sweep]["batch"]
start = time.perf_counter()
generator = functools.partial(
    finite_width.network_generator,
    snakemake.params.seed,
    w.sweep,
    w.activation,
    w.weights,
    width,
)
m, log_j = finite_width.measure(
    generator,
    w.weights,
    width,
    sweep["depth"],
    w.activation,
    range(sweep["networks"]),
    finite_width.batch_size(sweep, width, w.weights),
)
table = finite_width.measured_table(w.activation, w.weights, width, m, log_j)
write_table(table, snakemake.output[0])
seconds = time.perf_counter() - start
log.info(
    "%d networks, depth %d, %s weights (%s): %.1f s, %.1f networks/s",
    len(m),
    sweep["depth"],
    w.weights,
    "exact low-rank pair" if w.weights == "gaussian" else "drawn in full",
    seconds,
    len(m) / seconds,
)
