"""Rule jacobian_spectrum_table: the Jacobian spectrum's moments and largest
eigenvalue against free probability, judged; the histograms beside the
predicted bin masses (src/glorot/spectrum.py)."""

import pandas as pd

from glorot import spectrum
from glorot.workflow_io import start, write_table

log = start(snakemake.log[0], snakemake.threads)
sweep = snakemake.params.sweep
runs = spectrum.runs(sweep)
networks = {run: pd.read_csv(path) for run, path in zip(runs, snakemake.input.networks)}
histograms = {
    run: pd.read_csv(path) for run, path in zip(runs, snakemake.input.histograms)
}
table = spectrum.summarise(networks, sweep, sweep["margin"])
write_table(table, snakemake.output.table)
write_table(spectrum.histogram_summary(histograms, sweep), snakemake.output.histograms)
log.info("verdicts %s", table["verdict"].value_counts().to_dict())
