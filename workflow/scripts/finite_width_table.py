"""Rule finite_width_table: the spread against its predictions, judged."""

import pandas as pd

from glorot import cached, finite_width
from glorot.workflow_io import write_table
from job import start_job

log = start_job(snakemake)
measured = pd.concat(
    [
        cached.final_table(p, columns=finite_width.MEASURED_COLUMNS)
        for p in snakemake.input
    ],
    ignore_index=True,
)
table = finite_width.judge(measured, snakemake.params.sweep["margin"])
write_table(table, snakemake.output[0])
log.info("verdicts %s", table["verdict"].value_counts().to_dict())
