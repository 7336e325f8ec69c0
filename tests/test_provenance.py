"""glorot.provenance: what a file's record holds and what a reader finds
wrong with it (the fault cases end to end are in tests/test_faults.py)."""

import pytest

from glorot import provenance

CONFIG = {
    "seed": 7,
    "experiments": {
        "a": {"widths": [4, 3, 2], "networks": 3, "inits": ["standard"]},
        "b": {"widths": [5, 2], "networks": 2, "inits": ["standard"]},
    },
    "training": {"batch_size": 10, "seeds": [0, 1], "pixels": "unit"},
}


def test_the_config_part_is_exactly_the_params_config_values():
    # As the per-network rules' params (workflow/rules/common.smk): a subset
    # of the experiment's keys, not `networks` nor `inits`.
    one_network = {"widths": [4, 3, 2]}
    part = provenance.job_config(
        CONFIG,
        {"seed": 7, "experiment": one_network, "checkpoint": "x.npz"},
        {"experiment": "a", "network": "1"},
    )
    assert part == {
        "seed": 7,
        "experiments.a.widths": [4, 3, 2],
        "params.checkpoint": "x.npz",
    }


def test_a_nested_subset_of_a_section_is_matched_leaf_by_leaf():
    """histogram_params holds the histograms sub-section less its networks:
    its leaves are config values, compared with the config."""
    config = {
        "seed": 7,
        "experiments": {
            "a": {"widths": [4, 2], "histograms": {"bins": 5, "networks": 2}}
        },
    }
    part = provenance.job_config(
        config,
        {"experiment": {"widths": [4, 2], "histograms": {"bins": 5}}},
        {"experiment": "a"},
    )
    assert part == {
        "experiments.a.widths": [4, 2],
        "experiments.a.histograms.bins": 5,
    }


def test_a_wildcard_param_is_not_taken_for_a_config_value():
    # A split's pixels wildcard "unit" equals training.pixels by chance.
    part = provenance.job_config(
        CONFIG, {"pixels": "unit", "batch_size": 10}, {"pixels": "unit"}
    )
    assert part == {"params.pixels": "unit", "training.batch_size": 10}


def write(path, text, config, inputs=()):
    path.write_text(text)
    provenance.seal(path, rule="r", config=config, inputs=[str(p) for p in inputs])


def test_a_sealed_file_passes_and_each_fault_is_named(tmp_path):
    config = provenance.job_config(CONFIG, {"seed": 7})
    source = tmp_path / "source.csv"
    write(source, "x\n1\n", config)
    table = tmp_path / "table.csv"
    write(table, "y\n2\n", config, [source])
    assert provenance.problem(table, config=CONFIG) == (None, "r")
    assert provenance.check_tree([table], CONFIG) == []
    # Another seed: stale.
    what, rule = provenance.problem(table, config={**CONFIG, "seed": 8})
    assert rule == "r" and "seed = 7, the config now says 8" in what
    # Its input remade since.
    write(source, "x\n3\n", config)
    what, _ = provenance.problem(table, config=CONFIG)
    assert "another version of its input" in what
    # Remade with it, then the input edited: found down the chain.
    write(table, "y\n2\n", config, [source])
    source.write_text("x\n4\n")
    found = provenance.check_tree([table], CONFIG)
    assert [path for path, _, _ in found] == [str(source)]
    assert "bytes are not those" in found[0][2]


def test_a_key_the_config_no_longer_has_is_named(tmp_path):
    config = provenance.job_config(
        CONFIG, {"experiment": CONFIG["experiments"]["b"]}, {"experiment": "b"}
    )
    table = tmp_path / "table.csv"
    write(table, "y\n2\n", config)
    gone = {**CONFIG, "experiments": {"a": CONFIG["experiments"]["a"]}}
    what, _ = provenance.problem(table, config=gone)
    assert "experiments.b" in what and "no longer has" in what


@pytest.mark.parametrize("damage", ["missing", "garbage", "directory"])
def test_a_missing_or_unreadable_record_is_named(damage, tmp_path):
    table = tmp_path / "table.csv"
    write(table, "y\n2\n", {})
    record = tmp_path / "table.csv.prov"
    record.unlink()
    if damage == "garbage":
        record.write_text("{not json")
    elif damage == "directory":
        record.mkdir()
    what, _ = provenance.problem(table)
    assert what and str(record) in what
