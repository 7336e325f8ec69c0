"""The workflow through a real single-node SLURM gives the same bytes as locally.

Starts munged, slurmctld and slurmd with scripts/slurm/start.sh (installing
them with apt if needed), runs a tiny copy of the workflow once locally and
once with ``--workflow-profile profiles/slurm``, and compares every
CSV under results/. Skipped when not root or when SLURM cannot be installed.
It changes the machine (packages, /etc/slurm), so it runs only when asked
for: ``pytest -m slurm`` (.ci/run), never in plain ``pytest``.
About a minute from a bare machine, half of it the apt install.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from workflow_helpers import ROOT, SNAKEMAKE, copy_workflow, csv_files

pytestmark = pytest.mark.slurm

START = ROOT / "scripts" / "slurm" / "start.sh"
STOP = ROOT / "scripts" / "slurm" / "stop.sh"
PIDFILES = {
    "munged": Path("/run/munge/munged.pid"),
    "slurmctld": Path("/run/slurmctld.pid"),
    "slurmd": Path("/run/slurmd.pid"),
}
# Seconds before a hung run (e.g. a status query that never succeeds) fails
# the test instead of eating CI's time; the SLURM run takes about 30 s.
RUN_TIMEOUT = 300

TINY = {
    "seed": 2010,
    "experiments": {
        "tiny": {
            "widths": [16, 12, 8, 3],
            "activations": ["tanh", "linear"],
            "inits": ["standard", "normalized"],
            "input": "gaussian",
            "examples": 200,
            "networks": 3,
            # one network per job, so that the groups have several
            "networks_per_job": 1,
        }
    },
}


def daemon_running(name):
    """The pid in the daemon's pid file is a live process of that name."""
    try:
        pid = PIDFILES[name].read_text().strip()
        return Path(f"/proc/{pid}/comm").read_text().strip() == name
    except (OSError, ValueError):
        return False


@pytest.fixture(scope="session")
def slurm():
    """A running single-node SLURM; stops, by pid, the daemons it started."""
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        pytest.skip("needs root on Linux to install and start SLURM")
    have_slurm = all(
        shutil.which(b, path=os.environ.get("PATH", "") + ":/usr/sbin")
        for b in ("slurmctld", "slurmd", "munged", "sbatch")
    )
    if not have_slurm and shutil.which("apt-get") is None:
        pytest.skip("SLURM is not installed and there is no apt-get to install it")
    before = {name for name in PIDFILES if daemon_running(name)}
    try:
        start = subprocess.run(
            ["bash", str(START)], capture_output=True, text=True, timeout=900
        )
    except subprocess.TimeoutExpired:
        pytest.skip("scripts/slurm/start.sh took over 15 min (apt unreachable?)")
    started = [name for name in PIDFILES if name not in before and daemon_running(name)]

    def stop_started():
        if started:
            subprocess.run(["bash", str(STOP), *started], timeout=120, check=False)

    if start.returncode in (2, 3, 4):
        stop_started()
        reason = start.stderr.strip().splitlines()[-1:] or ["(no message)"]
        pytest.skip(f"no SLURM to test on: {reason[0]}")
    if start.returncode != 0:
        stop_started()
        pytest.fail(f"scripts/slurm/start.sh failed:\n{start.stderr}")
    yield
    stop_started()


def tail_of_logs(workdir):
    """Job logs and SLURM logs of a run, for a failure message."""
    parts = []
    for folder in ("results/logs", ".snakemake/slurm_logs"):
        for log in sorted((workdir / folder).rglob("*.log")):
            text = log.read_text(errors="replace")[-2000:]
            parts.append(f"--- {log.relative_to(workdir)}\n{text}")
    return "\n".join(parts)


def run_snakemake(workdir, *args):
    """Run snakemake in ``workdir`` under `timeout`; fail with its output."""
    command = ["timeout", "-k", "20", str(RUN_TIMEOUT), str(SNAKEMAKE), *args]
    result = subprocess.run(
        command, cwd=workdir, capture_output=True, text=True, timeout=RUN_TIMEOUT + 60
    )
    output = result.stdout + result.stderr
    hint = " (timed out)" if result.returncode == 124 else ""
    assert result.returncode == 0, (
        f"{' '.join(command)} exited {result.returncode}{hint}\n"
        f"{output[-6000:]}\n{tail_of_logs(workdir)}"
    )
    return output


def node_cpus():
    """CPUs of the (single) SLURM node: the most one submission may ask for."""
    out = subprocess.run(
        ["sinfo", "-h", "-N", "-o", "%c"], capture_output=True, text=True, check=True
    ).stdout.split()
    return int(out[0])


def test_slurm_run_matches_local_run(slurm, tmp_path):
    local = copy_workflow(tmp_path / "local", TINY)
    run_snakemake(local, "--cores", "2")

    cluster = copy_workflow(tmp_path / "slurm", TINY)
    output = run_snakemake(
        cluster,
        "--workflow-profile",
        "profiles/slurm",
        # The profile's groups may take 8 CPUs; this node may have fewer.
        "--cores",
        str(min(node_cpus(), 8)),
        # No accounting database here: ask squeue, not sacct (the cluster
        # keeps finished jobs in squeue for MinJobAge), and start asking soon.
        "--slurm-status-command",
        "squeue",
        "--slurm-init-seconds-before-status-checks",
        "2",
    )
    # It really went through SLURM, with the per-network jobs grouped.
    assert "submitted with SLURM jobid" in output, output[-3000:]
    assert "Group job" in output, output[-3000:]

    local_csv, cluster_csv = csv_files(local), csv_files(cluster)
    exp = TINY["experiments"]["tiny"]
    expected = {"tiny/variance_by_layer.csv"} | {
        f"tiny/networks/{init}/networks{k}-{k}_moments.csv"
        for init in exp["inits"]
        for k in range(exp["networks"])
    }
    assert expected <= set(local_csv), sorted(local_csv)
    assert sorted(cluster_csv) == sorted(local_csv)
    differing = [name for name in local_csv if local_csv[name] != cluster_csv[name]]
    assert (
        not differing
    ), f"CSVs differ between the local and the SLURM run: {differing}"
