"""How the workflow is deployed: the profiles Snakemake finds by itself."""

import os

import pytest

from workflow_helpers import copy_workflow, snakemake, tiny_config

pytestmark = pytest.mark.workflow

SMALL = {
    "seed": 1,
    "experiments": {
        "tiny": {
            "widths": [10, 8, 3],
            "activations": ["tanh"],
            "inits": ["standard"],
            "input": "gaussian",
            "examples": 20,
            "networks": 2,
        }
    },
}


def test_plain_snakemake_loads_the_default_profile(tmp_path):
    """No flags: the workflow profile profiles/default is found next to the
    Snakefile and runs on every core; without it Snakemake would refuse to
    run (no --cores), so the job's success depends on the profile."""
    workdir = copy_workflow(tmp_path / "clone", SMALL)
    target = "results/tiny/predictions.csv"
    result = snakemake(workdir, target)
    output = result.stdout + result.stderr
    assert "Using workflow specific profile profiles/default" in output, output
    assert f"Provided cores: {os.cpu_count()}" in output, output
    assert (workdir / target).exists()

    without = snakemake(
        workdir, "--workflow-profile", "none", "-F", target, check=False
    )
    assert without.returncode != 0
    assert "cores have to be specified" in without.stdout + without.stderr


def test_slurm_profile_replaces_the_default_one(tmp_path):
    workdir = copy_workflow(tmp_path / "clone", SMALL)
    result = snakemake(workdir, "--workflow-profile", "profiles/slurm", "-n")
    output = result.stdout + result.stderr
    assert "Using workflow specific profile profiles/slurm" in output, output
    assert "profiles/default" not in output, output


def test_lint_is_clean(tmp_path):
    workdir = copy_workflow(tmp_path / "clone", tiny_config())
    result = snakemake(workdir, "--lint", check=False)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Congratulations, your workflow is in a good condition!" in output, output
