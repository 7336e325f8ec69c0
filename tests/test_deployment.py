"""How the workflow is deployed: the profiles Snakemake finds by itself, a
clean lint, and (marker ``deployment``, run by .ci/run) the conda
environment's packages and the workflow used as a module from elsewhere."""

import os
import re
import shutil
import subprocess
import sys

import pytest

from glorot.config import read_yaml

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


def env_requirements(pinned_only=True):
    """The packages of workflow/envs/glorot.yaml as pip requirements, at the
    same versions (python, the interpreter, is left out; so are the unpinned
    installers pip and setuptools unless ``pinned_only`` is false)."""
    env = read_yaml(ROOT / "workflow" / "envs" / "glorot.yaml")
    requirements = []
    for dependency in env["dependencies"]:
        spec = dependency.replace(" ", "")
        pin = re.fullmatch(r"([A-Za-z0-9_.-]+)=([0-9][A-Za-z0-9_.]*)", spec)
        if spec.startswith("python"):
            continue
        if pin is None:
            if not pinned_only:
                requirements.append(spec)
            continue
        name, version = pin.groups()
        requirements.append(f"{ENV_PIP_NAMES.get(name, name)}=={version}")
    return requirements


@pytest.fixture(scope="module")
def conda_like_env(tmp_path_factory):
    """An empty virtualenv with the environment file's packages and the
    Snakemake that runs the workflow (outside the environment under conda),
    all constrained to requirements.txt; without this project."""
    env = tmp_path_factory.mktemp("env") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(env)], check=True)
    python = str(env / "bin" / "python")
    pip = [python, "-m", "pip", "install", "--quiet"]
    subprocess.run(
        [
            *pip,
            "-c",
            str(ROOT / "requirements.txt"),
            *env_requirements(pinned_only=False),
            # Snakemake and its report's Pygments run outside the conda
            # environment; here they share the virtualenv.
            "snakemake",
            "Pygments",
        ],
        check=True,
        timeout=1200,
    )
    probe = subprocess.run([python, "-c", "import glorot"], capture_output=True)
    assert probe.returncode != 0, "glorot must come from the post-deploy script"
    # What Snakemake does after creating the environment: the post-deploy
    # script beside the environment file, run inside it, with the repository
    # that workflow/rules/common.smk names.
    subprocess.run(
        ["bash", str(ROOT / "workflow" / "envs" / "glorot.post-deploy.sh")],
        check=True,
        timeout=600,
        env={
            **os.environ,
            "PATH": f"{env / 'bin'}:{os.environ['PATH']}",
            "GLOROT_ROOT": str(ROOT),
        },
    )
    probe = subprocess.run(
        [python, "-c", "import glorot, sys; print(glorot.__file__)"],
        capture_output=True,
        text=True,
    )
    assert probe.stdout.startswith(str(ROOT / "src")), probe
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
    the environment of workflow/envs/glorot.yaml alone (and its post-deploy
    script, which installs the glorot library of this repository): every rule
    finds its packages there; the tables are those of the tested virtualenv;
    the report command works on the finished run."""
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

    # The report of that finished run, in the same environment.
    report = subprocess.run(
        [str(conda_like_env / "bin" / "snakemake"), "--report", "results/report.html"],
        cwd=user,
        capture_output=True,
        text=True,
        timeout=600,
        env=local_environment(),
    )
    assert report.returncode == 0, report.stdout[-3000:] + report.stderr[-3000:]
    assert (user / "results" / "report.html").stat().st_size > 0


def git_files():
    """The repository's files as a fresh clone has them (tracked, as on disk)."""
    out = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    return [f for f in out.split("\0") if f and (ROOT / f).is_file()]


@pytest.mark.deployment
def test_readme_run_it_and_report_commands(tmp_path):
    """README's commands as written, in a copy of the repository: the venv of
    "Run it" (requirements.txt only, not the development tools, so nothing
    the tests pull in hides a missing runtime package), the tiny config of
    "Test it", and the report command on that finished run."""
    clone = tmp_path / "clone"
    for name in git_files():
        (clone / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, clone / name)
    env = {k: v for k, v in local_environment().items() if k != "PYTHONPATH"}

    def run(command, timeout):
        result = subprocess.run(
            ["bash", "-c", command],
            cwd=clone,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
        )
        assert (
            result.returncode == 0
        ), f"{command}\n{result.stdout[-3000:]}\n{result.stderr[-5000:]}"
        return result

    run("python3 -m venv .venv && .venv/bin/pip install -r requirements.txt -e .", 1200)
    tiny = "--configfile .test/config/config.yaml"
    run(f".venv/bin/snakemake {tiny} --cores 2", 1800)
    run(f".venv/bin/snakemake {tiny} --report results/report.html", 600)
    assert (clone / "results" / "report.html").stat().st_size > 0
    probe = run(".venv/bin/python -c 'import glorot; print(glorot.__file__)'", 60)
    assert probe.stdout.strip().startswith(str(clone / "src")), probe.stdout
