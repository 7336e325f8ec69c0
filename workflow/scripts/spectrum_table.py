"""Rule jacobian_spectrum_table: the Jacobian spectrum's moments and largest
eigenvalue against free probability, judged; the histograms beside the
predicted bin masses (src/glorot/spectrum.py)."""

from glorot import cached, spectrum
from glorot.workflow_io import write_table
from job import start_job

log = start_job(snakemake)
sweep = snakemake.params.sweep
runs = spectrum.runs(sweep)
networks = {
    run: cached.final_table(path) for run, path in zip(runs, snakemake.input.networks)
}
histograms = {
    run: cached.final_table(path) for run, path in zip(runs, snakemake.input.histograms)
}
table = spectrum.summarise(networks, sweep, sweep["margin"])
write_table(table, snakemake.output.table)
write_table(spectrum.histogram_summary(histograms, sweep), snakemake.output.histograms)
log.info("verdicts %s", table["verdict"].value_counts().to_dict())
