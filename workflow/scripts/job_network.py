"""The adapter of the per-network rule scripts (measure, jacobian,
minibatch): the Snakemake object's wildcards, params and input to the
library's plain arguments, so that glorot never sees the Snakemake object."""

from glorot.workflow_io import sampled_network as _sampled_network


def sampled_network(snakemake):
    """(experiment config, init, network index, weights, input source) of the
    job, from its wildcards, params and input."""
    exp = snakemake.params.experiment
    init = snakemake.wildcards.init
    network = int(snakemake.wildcards.network)
    weights, source = _sampled_network(
        exp,
        snakemake.params.seed,
        snakemake.wildcards.experiment,
        init,
        network,
        list(snakemake.input),
    )
    return exp, init, network, weights, source
