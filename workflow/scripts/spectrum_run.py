"""Rule jacobian_spectrum_run: the eigenvalues of J J^T of every network of one
(activation, weights, q*), per depth (src/glorot/spectrum.py)."""

from glorot import spectrum
from glorot.workflow_io import write_table
from job import start_job

log = start_job(snakemake)
w = snakemake.wildcards
sweep = dict(snakemake.params.sweep)
# Networks per stacked product: not a param, since the numbers do not depend
# on it (tests/test_spectrum.py) and changing it must not rerun the job.
sweep["batch"] = snakemake.config["spectrum"][w.sweep]["batch"]
networks = range(sweep["networks"])
eigenvalues = spectrum.measure(
    sweep,
    snakemake.params.seed,
    w.sweep,
    w.activation,
    w.weights,
    spectrum.q_value(w.q_star),
    networks,
)
write_table(spectrum.network_table(eigenvalues, networks), snakemake.output.networks)
write_table(
    spectrum.histogram_table(eigenvalues, spectrum.histogram_edges(sweep)),
    snakemake.output.histogram,
)
log.info("%d networks, depths %s", len(networks), sorted(eigenvalues))
