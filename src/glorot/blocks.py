"""Networks grouped into jobs: which networks each job of a per-network rule
handles, and how its files are named.

A job handles the consecutive networks first..last of one init and writes one
file per kind, ``networks<first>-<last>_<kind>.csv``, holding one row set per
network as a one-network job would. Every network draws from its own random
streams (``glorot.seeding``, keyed by its index), so how the networks are
grouped never changes a number: the pooled tables read the blocks in network
order and are byte-identical for every ``networks_per_job``.

Why blocks: a job per network costs a process start and a DAG node per
network; with thousands of networks the DAG alone takes longer than the
measurement (a dry run with 2000 one-network jobs takes 14 s to plan).
"""

import re

_NAME = re.compile(r"^networks(\d+)-(\d+)$")


def blocks(count, per_job):
    """The (first, last) network indices of each job over networks 0..count-1,
    ``per_job`` at a time (the last block may be shorter)."""
    if count < 1 or per_job < 1:
        raise ValueError(f"need count >= 1 and per_job >= 1, got {count}, {per_job}")
    return [
        (first, min(first + per_job, count) - 1) for first in range(0, count, per_job)
    ]


def name(first, last):
    """The file stem of the block of networks first..last."""
    return f"networks{first}-{last}"


def names(count, per_job):
    """The stems of the blocks of networks 0..count-1."""
    return [name(first, last) for first, last in blocks(count, per_job)]


def networks(stem):
    """The network indices of a block from its stem ``networks<first>-<last>``."""
    match = _NAME.match(stem)
    if not match or int(match[1]) > int(match[2]):
        raise ValueError(f"not a block of networks: {stem!r}")
    return list(range(int(match[1]), int(match[2]) + 1))


def first_networks(experiment, key):
    """How many networks a rule that runs on the first networks only handles:
    experiment[key] capped at the experiment's ``networks``."""
    return min(experiment[key], experiment["networks"])


def experiment_constraint(block_names, inits):
    """Regex of the experiment wildcard of results/{experiment}/networks/
    {init}/{block}_<kind>.csv: each experiment name followed only by one of
    its own inits (``inits[name]``) and blocks (``block_names[name]``), so
    that a block the config does not ask for matches no rule (a lookahead,
    since a wildcard constraint cannot see the other wildcards)."""

    def alternatives(values):
        return "|".join(re.escape(str(v)) for v in values)

    return "|".join(
        f"{re.escape(exp)}(?=/networks/(?:{alternatives(inits[exp])})"
        f"/(?:{alternatives(names)})_)"
        for exp, names in block_names.items()
    )
