"""The adapter every rule script starts with: the Snakemake object's rule,
params, wildcards, input, config and log to the library's plain arguments
(glorot never sees the Snakemake object).

``start_job`` starts the job's log and records what the job is made from, so
that every file it writes through glorot.workflow_io carries its provenance
and every file it reads through glorot.cached is checked against this run's
config (glorot.provenance)."""

from glorot import provenance
from glorot.workflow_io import block_networks, start


def start_job(snakemake):
    """Start the job (log, BLAS threads, provenance). Returns its logger."""
    job = provenance.Job(
        rule=snakemake.rule,
        config=provenance.job_config(
            snakemake.config,
            dict(snakemake.params.items()),
            dict(snakemake.wildcards.items()),
        ),
        inputs=[str(path) for path in snakemake.input],
        current=snakemake.config,
    )
    return start(snakemake.log[0], snakemake.threads, job=job)


def job_networks(snakemake):
    """(network, weights, input source) of every network of the job's block
    (glorot.workflow_io.block_networks), from its params and wildcards."""
    return block_networks(
        snakemake.params.experiment,
        snakemake.params.seed,
        snakemake.wildcards.experiment,
        snakemake.wildcards.init,
        snakemake.wildcards.block,
        snakemake.input,
    )
