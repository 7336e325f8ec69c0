"""Networks grouped into jobs (glorot.blocks): the blocks cover every network
once, their names round-trip, and the wildcard constraint admits only the
configured blocks."""

import re

import pytest

from glorot import blocks


@pytest.mark.parametrize("count, per_job", [(8, 4), (8, 3), (3, 50), (1, 1), (400, 50)])
def test_blocks_cover_every_network_once_in_order(count, per_job):
    networks = [
        k for name in blocks.names(count, per_job) for k in blocks.networks(name)
    ]
    assert networks == list(range(count))
    assert all(
        len(blocks.networks(name)) <= per_job for name in blocks.names(count, per_job)
    )


def test_block_names():
    assert blocks.names(8, 3) == ["networks0-2", "networks3-5", "networks6-7"]
    assert blocks.networks("networks6-7") == [6, 7]
    for bad in ["network6", "networks7-6", "networks6-7_moments"]:
        with pytest.raises(ValueError):
            blocks.networks(bad)
    with pytest.raises(ValueError):
        blocks.blocks(0, 5)


def test_first_networks_is_capped_at_networks():
    exp = {"networks": 3, "jacobian_networks": 8}
    assert blocks.first_networks(exp, "jacobian_networks") == 3
    assert blocks.first_networks({**exp, "networks": 400}, "jacobian_networks") == 8


def test_constraint_admits_only_configured_blocks():
    regex = re.compile(
        blocks.experiment_constraint(
            {"a": blocks.names(8, 4), "b": blocks.names(3, 50)},
            {"a": ["standard"], "b": ["he", "normalized"]},
        )
    )

    def matches(path):
        return bool(regex.match(path))

    assert matches("a/networks/standard/networks4-7_moments.csv")
    assert matches("b/networks/he/networks0-2_moments.csv")
    assert not matches("a/networks/standard/networks0-7_moments.csv")  # not a block
    assert not matches("a/networks/standard/networks8-11_moments.csv")  # beyond 8
    assert not matches("a/networks/he/networks0-3_moments.csv")  # init not in a
    assert not matches("b/networks/standard/networks0-2_moments.csv")
