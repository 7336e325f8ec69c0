"""How the workflow is deployed: the profiles Snakemake finds by itself, a
clean lint, and (marker ``deployment``, run by .ci/run) the conda
environment's packages and the workflow used as a module from elsewhere."""

import os
import shutil
import subprocess
import sys

import pytest
import yaml

from workflow_helpers import (
    ROOT,
    TEST_CONFIG_PATH,
    TINY_EXPERIMENT,
    copy_workflow,
    csv_files,
    local_environment,
    snakemake,
    tiny_config,
)

pytestmark = pytest.mark.workflow

SMALL = {
    "seed": 1,
    "experiments": {"tiny": TINY_EXPERIMENT},
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


# Conda package names of workflow/envs/glorot.yaml that pip spells otherwise.
ENV_PIP_NAMES = {
    "matplotlib-base": "matplotlib",
    "pyyaml": "PyYAML",
    "jinja2": "Jinja2",
}


def env_requirements():
    """The packages of workflow/envs/glorot.yaml as pip requirements, at the
    same versions (python, the interpreter, is left out)."""
    with open(ROOT / "workflow" / "envs" / "glorot.yaml") as handle:
        env = yaml.safe_load(handle)
    requirements = []
    for dependency in env["dependencies"]:
        name, version = dependency.replace(" ", "").split("=")
        if name != "python":
            requirements.append(f"{ENV_PIP_NAMES.get(name, name)}=={version}")
    return requirements


@pytest.fixture(scope="module")
def conda_like_env(tmp_path_factory):
    """An empty virtualenv with the environment file's packages and the
    Snakemake that runs the workflow (outside the environment under conda),
    all constrained to requirements.txt; without this project."""
    env = tmp_path_factory.mktemp("env") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(env)], check=True)
    pip = [str(env / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    subprocess.run(
        [*pip, "-c", str(ROOT / "requirements.txt"), *env_requirements(), "snakemake"],
        check=True,
        timeout=1200,
    )
    probe = subprocess.run(
        [str(env / "bin" / "python"), "-c", "import glorot"], capture_output=True
    )
    assert probe.returncode != 0, "the environment must not have glorot installed"
    return env


def test_env_file_pins_the_lock():
    with open(ROOT / "requirements.txt") as handle:
        lock = {
            line.split("==")[0].lower(): line.strip() for line in handle if "==" in line
        }
    for requirement in env_requirements():
        assert lock[requirement.split("==")[0].lower()] == requirement


@pytest.mark.deployment
def test_module_in_the_conda_environment(conda_like_env, tmp_path):
    """The tiny config, end to end, through a workflow in another directory
    that imports this one as a module (`module` + `use rule * from`), run by
    the environment of workflow/envs/glorot.yaml alone: every rule finds its
    packages there and the glorot library in this repository; the tables are
    those of the tested virtualenv."""
    user = tmp_path / "user"
    (user / "config").mkdir(parents=True)
    shutil.copy(TEST_CONFIG_PATH, user / "config" / "config.yaml")
    (user / "Snakefile").write_text(
        'configfile: "config/config.yaml"\n\n\n'
        "module glorot:\n"
        f'    snakefile: "{ROOT / "Snakefile"}"\n'
        "    config: config\n\n\n"
        "use rule * from glorot\n"
    )
    result = subprocess.run(
        [str(conda_like_env / "bin" / "snakemake"), "--cores", "2"],
        cwd=user,
        capture_output=True,
        text=True,
        timeout=1800,
        env={k: v for k, v in local_environment().items() if k != "PYTHONPATH"},
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]

    reference = copy_workflow(tmp_path / "reference", tiny_config())
    snakemake(reference, "--cores", "2")
    tables = csv_files(user)
    assert "training/table1.csv" in tables and "small/variance_by_layer.csv" in tables
    assert tables == csv_files(reference)
