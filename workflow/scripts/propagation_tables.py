"""Rule propagation_tables: the judged tables of the depth study."""

import numpy as np
import pandas as pd

from glorot import cached, inputs
from glorot import propagation_measure as measure
from glorot import propagation_tables as tables
from glorot.workflow_io import write_table
from job import start_job

log = start_job(snakemake)
p = snakemake.params
images = (
    inputs.ArrayInputs.from_npz(snakemake.input.shapeset[0], "float64").x[
        : 2 * p.shapeset_pairs
    ]
    if p.shapeset_pairs
    else np.empty((0, measure.N_IN))
)
labels, x = measure.input_pairs(p.correlations, images, p.seed)
moments = dict(zip(labels, zip(*measure.pair_moments(x))))
gaussian = [label for label in labels if label.startswith("gaussian")]

# One point at a time (its groups' files together): the full grid's records
# (25 million rows) never sit in memory at once.
parts = {"propagation": [], "depth_scales": []}
for point, paths in tables.files_by_point(snakemake.input.networks):
    records = pd.concat(
        [
            cached.final_table(
                path, columns=tables.RECORD_COLUMNS, dtype=tables.RECORD_DTYPES
            )
            for path in paths
        ],
        ignore_index=True,
    ).sort_values(tables.POINT + ["network", "pair", "layer"], kind="stable")
    parts["propagation"].append(tables.propagation_table(records, moments))
    parts["depth_scales"].append(
        tables.depth_scales_table(records, gaussian, moments, p.seed, p.bootstrap)
    )
    log.info("point %s: %d networks", point, records["network"].nunique())
propagation = pd.concat(parts["propagation"], ignore_index=True)
depth_scales = pd.concat(parts["depth_scales"], ignore_index=True)
critical_line = tables.critical_line_table(depth_scales)
for name, table in [
    ("propagation", propagation),
    ("depth_scales", depth_scales),
    ("critical_line", critical_line),
]:
    write_table(table, snakemake.output[name])
for column in ("q_verdict", "c_verdict"):
    log.info("propagation %s: %s", column, propagation[column].value_counts().to_dict())
log.info("depth scales: %s", depth_scales["verdict"].value_counts().to_dict())
log.info("critical line: %s", critical_line["verdict"].value_counts().to_dict())
