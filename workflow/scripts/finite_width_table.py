"""Rule finite_width_table: the spread against its predictions, judged."""

import pandas as pd

from glorot import finite_width
from glorot.workflow_io import start, write_table

log = start(snakemake.log[0], snakemake.threads)
measured = pd.concat([pd.read_csv(p) for p in snakemake.input], ignore_index=True)
table = finite_width.judge(measured, snakemake.params.sweep["margin"])
write_table(table, snakemake.output[0])
log.info("verdicts %s", table["verdict"].value_counts().to_dict())
