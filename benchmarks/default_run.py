"""The default run end to end, this revision against another, side by side.

    .venv/bin/python benchmarks/default_run.py --against main
    .venv/bin/python benchmarks/default_run.py --against main --repeats 3
    .venv/bin/python benchmarks/default_run.py --against main --repeats 1 \\
        results/paper/jacobian.csv results/bounds/jacobian.csv     # a subset

What a new user does: ``snakemake --cores 2`` (or the given targets) from an
empty ``results/`` on a fresh clone. Each revision (``--revision``, default
HEAD, and ``--against``) is cloned once into a temporary directory; every
repeat deletes the clone's ``results/`` and ``.snakemake/`` and runs
snakemake there, the two revisions alternating (A B, B A, A B, ...) so that
a drifting load on a shared machine hits both alike. Both run with this
interpreter's packages (this virtualenv's snakemake, numpy, ...) and each
with its own library: PYTHONPATH puts the clone's ``src/`` before the
editable install of this worktree.

Per run: wall time, CPU time of snakemake and every job (getrusage of the
waited-for children), the CPU time the rest of the machine used meanwhile
(from /proc/stat: how loaded it was, in cores), and per rule the jobs and
job-seconds (start to finish, from snakemake's own log; its timestamps have
1 s resolution). Reports medians per revision and the ratio of medians, and
whether the two revisions' results/ are byte-identical file by file (logs
excluded). ``--json FILE`` keeps every number.

A SLURM client on PATH makes snakemake's SLURM plugin wait at every start
(benchmarks/README.md, Measure stage (e)); directories holding ``sbatch``
are left out of PATH for these runs.
"""

import argparse
import collections
import datetime
import hashlib
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from workflow_helpers import path_without_slurm  # noqa: E402


def git(*args, cwd=ROOT):
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


def clone(revision, into):
    """A fresh clone of ``revision`` (a commit, branch or tag of this repository)."""
    commit = git("rev-parse", "--verify", f"{revision}^{{commit}}")
    subprocess.run(
        ["git", "clone", "--quiet", "--no-checkout", str(ROOT), str(into)], check=True
    )
    git("checkout", "--quiet", "--detach", commit, cwd=into)
    return commit


def run_environment(src):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), env.get("PYTHONPATH")]))
    env["PATH"] = path_without_slurm(
        env.get("PATH", ""), Path(src).parent / "path_without_slurm"
    )
    return env


def busy_cpu_seconds():
    """CPU seconds the whole machine has been busy (all cores), from /proc/stat."""
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def children_cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


STAMP = re.compile(r"^\[(\w{3} \w{3} +\d+ \d\d:\d\d:\d\d \d{4})\]$")
START = re.compile(r"^(?:local)?rule (\w+):$")
JOBID = re.compile(r"^\s+jobid: (\d+)$")
FINISHED = re.compile(r"^Finished jobid: (\d+) \(Rule: (\w+)\)$")


def job_seconds_by_rule(log_text):
    """{rule: [jobs, job-seconds]} from a snakemake log (start to finish of each job)."""
    started, stamp, rule = {}, None, None
    per_rule = collections.defaultdict(lambda: [0, 0.0])
    for line in log_text.splitlines():
        if m := STAMP.match(line):
            stamp = datetime.datetime.strptime(m[1], "%a %b %d %H:%M:%S %Y")
        elif m := START.match(line):
            rule = m[1]
        elif (m := JOBID.match(line)) and rule is not None:
            started[m[1]] = stamp
            rule = None
        elif m := FINISHED.match(line):
            per_rule[m[2]][0] += 1
            per_rule[m[2]][1] += (stamp - started.pop(m[1])).total_seconds()
    return {k: v for k, v in sorted(per_rule.items())}


def run_once(workdir, targets, cores, extra=()):
    for stale in ("results", ".snakemake"):
        shutil.rmtree(workdir / stale, ignore_errors=True)
    # Targets first: options such as --configfile take several values.
    command = [
        sys.executable,
        "-m",
        "snakemake",
        *targets,
        "--cores",
        str(cores),
        *extra,
    ]
    cpu0, busy0, t0 = children_cpu_seconds(), busy_cpu_seconds(), time.perf_counter()
    done = subprocess.run(
        command,
        cwd=workdir,
        env=run_environment(workdir / "src"),
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - t0
    cpu, busy = children_cpu_seconds() - cpu0, busy_cpu_seconds() - busy0
    if done.returncode != 0:
        sys.exit(f"snakemake failed in {workdir}:\n{done.stderr[-3000:]}")
    (log,) = (workdir / ".snakemake" / "log").glob("*.snakemake.log")
    return {
        "wall_s": wall,
        "cpu_s": cpu,
        # Cores the rest of the machine kept busy during the run, on average.
        "others_cores": max(busy - cpu, 0.0) / wall,
        "load_average_1min_after": os.getloadavg()[0],
        "rules": job_seconds_by_rule(log.read_text()),
    }


def result_digests(workdir):
    results = workdir / "results"
    return {
        str(p.relative_to(results)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(results.rglob("*"))
        if p.is_file() and "logs" not in p.relative_to(results).parts
    }


def max_relative_difference(path_a, path_b):
    """Largest |a - b| / |b| over the float columns of two CSV tables of the
    same shape and columns, or None when they are not comparable that way."""
    import numpy as np
    import pandas as pd

    a, b = pd.read_csv(path_a), pd.read_csv(path_b)
    if a.shape != b.shape or list(a.columns) != list(b.columns):
        return None
    floats = [c for c in a.columns if a[c].dtype.kind == "f" and b[c].dtype.kind == "f"]
    other = [c for c in a.columns if c not in floats]
    if not a[other].equals(b[other]):
        return None
    x, y = a[floats].to_numpy(), b[floats].to_numpy()
    both_nan = np.isnan(x) & np.isnan(y)
    scale = np.where(y == 0, 1.0, np.abs(y))
    diff = np.where(both_nan, 0.0, np.abs(x - y) / scale)
    return float(np.nanmax(diff, initial=0.0)) if diff.size else 0.0


def compare_results(dir_a, dir_b):
    a, b = result_digests(dir_a), result_digests(dir_b)
    common = sorted(set(a) & set(b))
    different = [p for p in common if a[p] != b[p]]
    return {
        "identical": [p for p in common if a[p] == b[p]],
        "different": different,
        # For tables: how far apart the numbers are (None: not the same rows).
        "max_relative_difference": {
            p: max_relative_difference(dir_a / "results" / p, dir_b / "results" / p)
            for p in different
            if p.endswith(".csv")
        },
        "only_in_revision": sorted(set(a) - set(b)),
        "only_in_against": sorted(set(b) - set(a)),
    }


def summarise(runs):
    rules = collections.defaultdict(list)
    for run in runs:
        for rule, (jobs, seconds) in run["rules"].items():
            rules[rule].append((jobs, seconds))
    return {
        "wall_s": statistics.median(r["wall_s"] for r in runs),
        "cpu_s": statistics.median(r["cpu_s"] for r in runs),
        "others_cores": statistics.median(r["others_cores"] for r in runs),
        "rules": {
            rule: (v[0][0], statistics.median(s for _, s in v))
            for rule, v in sorted(rules.items())
        },
    }


def markdown(names, commits, summaries, runs, comparison):
    a, b = names
    sa, sb = summaries[a], summaries[b]
    lines = [
        f"| | `{a}` ({commits[a][:7]}) | `{b}` ({commits[b][:7]}) | ratio |",
        "|---|---:|---:|---:|",
    ]
    for key, label in [("wall_s", "wall time, s"), ("cpu_s", "CPU time, s")]:
        lines.append(
            f"| {label} (median) | {sa[key]:.1f} | {sb[key]:.1f} | {sa[key] / sb[key]:.2f} |"
        )
    lines.append(
        f"| other load, cores (median) | {sa['others_cores']:.2f} | {sb['others_cores']:.2f} | |"
    )
    for rule in sorted(set(sa["rules"]) | set(sb["rules"])):
        ja, secs_a = sa["rules"].get(rule, (0, 0.0))
        jb, secs_b = sb["rules"].get(rule, (0, 0.0))
        ratio = f"{secs_a / secs_b:.2f}" if secs_b else ""
        lines.append(
            f"| `{rule}`: jobs, job-seconds | {ja}, {secs_a:.0f} | {jb}, {secs_b:.0f} | {ratio} |"
        )
    lines.append("")
    lines.append("Every run, in order (wall s / CPU s / other load in cores):")
    for name, run in runs:
        lines.append(
            f"- `{name}`: {run['wall_s']:.1f} / {run['cpu_s']:.1f} / {run['others_cores']:.2f}"
        )
    lines.append("")
    lines.append(
        f"results/ files (logs excluded): {len(comparison['identical'])} byte-identical, "
        f"{len(comparison['different'])} different, "
        f"{len(comparison['only_in_revision'])} only in `{a}`, "
        f"{len(comparison['only_in_against'])} only in `{b}`."
    )
    relative = comparison["max_relative_difference"]
    for key in ("different", "only_in_revision", "only_in_against"):
        for path in comparison[key]:
            note = ""
            if relative.get(path) is not None:
                note = f" (numbers differ by at most {relative[path]:.1e}, relative)"
            elif path in relative:
                note = " (not the same rows or columns)"
            lines.append(f"- {key}: {path}{note}")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "targets", nargs="*", help="snakemake targets (default: the default run)"
    )
    parser.add_argument(
        "--revision", default="HEAD", help="the revision measured (default HEAD)"
    )
    parser.add_argument(
        "--against", required=True, help="the revision compared with, e.g. main"
    )
    parser.add_argument(
        "--repeats", type=int, default=3, help="runs of each revision (default 3)"
    )
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument(
        "--configfile",
        help="a config file (absolute path) instead of config/config.yaml",
    )
    parser.add_argument("--json", help="write every number to this file")
    parser.add_argument(
        "--keep", action="store_true", help="keep the clones (their path is printed)"
    )
    args = parser.parse_args()

    names = (args.revision, args.against)
    if names[0] == names[1]:
        parser.error("--revision and --against name the same revision")
    tmp = Path(tempfile.mkdtemp(prefix="default_run_"))
    dirs = {name: tmp / f"rev{i}" for i, name in enumerate(names)}
    commits = {name: clone(name, dirs[name]) for name in names}
    runs = []
    for repeat in range(args.repeats):
        for name in names if repeat % 2 == 0 else names[::-1]:
            extra = ["--configfile", args.configfile] if args.configfile else []
            run = run_once(dirs[name], args.targets, args.cores, extra)
            runs.append((name, run))
            print(
                f"{name}: {run['wall_s']:.1f} s wall, {run['cpu_s']:.1f} s CPU, "
                f"others {run['others_cores']:.2f} cores",
                file=sys.stderr,
            )
    # The last run of each revision left its results/ in place.
    comparison = compare_results(*(dirs[name] for name in names))
    summaries = {name: summarise([r for n, r in runs if n == name]) for name in names}
    print(markdown(names, commits, summaries, runs, comparison))
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "commits": commits,
                    "targets": args.targets,
                    "cores": args.cores,
                    "configfile": args.configfile,
                    "runs": [{"revision": n, **r} for n, r in runs],
                    "summaries": summaries,
                    "results": comparison,
                },
                indent=1,
            )
        )
    if args.keep:
        print(f"clones kept in {tmp}", file=sys.stderr)
    else:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
