"""Speed of the measure stage (issue 8), side by side in one run.

    .venv/bin/python benchmarks/measure_speed.py            # everything (~10 min)
    .venv/bin/python benchmarks/measure_speed.py --quick    # fewer repeats, no workflow runs

Run it with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset in that command alone
(``env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE ...``, see the machine notes):
they pin OpenBLAS to an older kernel. The script prints which kernel numpy's
BLAS runs, and every rate below is against that same kernel.

(a) float32 matmul rate of numpy's BLAS on the products of one chunk of the
    measure stage (forward s^i = z^i W^i, backward dC/ds^{i+1} W^{i+1}^T),
    1 and 2 threads (threadpoolctl);
(b) ``glorot.measure.measure_network`` on the 5x1000 tanh network, 1000 and
    10,000 examples, default histograms and none, 1 BLAS thread, as GFLOP/s
    (forward + backward matmul flops) and as a fraction of (a);
(c) the same measurement written as a practitioner would in PyTorch
    (nn.Linear, autograd, retain_grad), when torch is importable
    (requirements-bench.txt), and the ratio ours / torch;
(d) peak RSS of a fresh process measuring 1000 and 100,000 examples;
(e) workflow overhead: ``snakemake -n`` and a second ``snakemake --cores 2``
    with nothing to do, on the default config, in a temporary copy; as the
    machine is, and with SLURM's client hidden from PATH (where it is
    installed, snakemake's SLURM plugin runs ``scontrol show config`` at every
    start, which waits ~10 s when no controller answers);
(f) ``--cores 2`` against ``--cores 1`` on a sweep of 8 measure jobs (with
    no SLURM client on PATH, see (e)).

Times are medians of several repeats (wall clock; the machine is shared, so
each line also says the spread). Prints a markdown table and, with --json,
writes every number to a file.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

from glorot import initializers, inputs, measure, seeding  # noqa: E402
import workflow_helpers  # noqa: E402

WIDTHS = [1024, 1000, 1000, 1000, 1000, 1000, 9]
CHUNK = 1000
RANGES = {
    "activation": (-1.0, 1.0),
    "backprop_gradient": (-0.05, 0.05),
    "weight_gradient": (-0.05, 0.05),
}
BINS = 100
WG_EXAMPLES = 10


def flops_per_example(widths=WIDTHS):
    """Matmul flops of one example: forward z^i W^i for every layer, backward
    dC/ds^{i+1} W^{i+1}^T for every layer but the first (dC/dx is not needed)."""
    pairs = [a * b for a, b in zip(widths[:-1], widths[1:])]
    return 2 * sum(pairs) + 2 * sum(pairs[1:])


def timed(fn, repeats, warmup=1):
    """Median and spread (min, max) of the wall time of ``fn()``, in seconds."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return {
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
        "repeats": repeats,
    }


def blas_description():
    import numpy  # noqa: F401  (loads the BLAS so threadpoolctl sees it)

    infos = [i for i in threadpool_info() if i["user_api"] == "blas"]
    info = infos[0] if infos else {}
    env = {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    return {
        "numpy": np.__version__,
        "blas": f"{info.get('internal_api')} {info.get('version')}",
        "kernel": info.get("architecture"),
        "env": env,
    }


def network_weights(dtype=np.float32):
    return initializers.sample_network(
        seeding.weights_generator(2010, "bench", "normalized", 0),
        "normalized",
        WIDTHS,
        dtype,
    )


def gaussian_source(examples, dtype=np.float32):
    return inputs.GaussianInputs(
        seeding.inputs_seed_sequence(2010, "bench", 0),
        examples,
        WIDTHS[0],
        WIDTHS[-1],
        dtype,
    )


# (a) -------------------------------------------------------------------------


def matmul_sequence(threads=1):
    """A function running the matmuls of one chunk into preallocated outputs:
    forward z^i W^i, then backward h W^{i+1}^T, as the measure stage does."""
    weights = network_weights()
    rng = np.random.default_rng(0)
    x = rng.standard_normal((CHUNK, WIDTHS[0])).astype(np.float32)
    s = [np.empty((CHUNK, w.shape[1]), np.float32) for w in weights]
    g = [np.empty((CHUNK, w.shape[0]), np.float32) for w in weights]

    def run(chunks=1):
        for _ in range(chunks):
            z = x
            for i, w in enumerate(weights):
                np.matmul(z, w, out=s[i])
                z = s[i]
            h = s[-1]
            for i in range(len(weights) - 1, 0, -1):
                np.matmul(h, weights[i].T, out=g[i])
                h = g[i]

    return run


def matmul_rate(threads, repeats):
    """GFLOP/s of the matmuls of one chunk."""
    run = matmul_sequence()
    with threadpool_limits(threads):
        t = timed(run, repeats, warmup=3)
    flops = flops_per_example() * CHUNK
    return {**t, "gflops": flops / t["median"] / 1e9, "threads": threads}


# (b) -------------------------------------------------------------------------


def measure_case(examples, histograms, repeats):
    """measure_network's time, and its rate as a fraction of the matmul rate.
    The machine is shared and its load drifts, so every repeat times the bare
    matmuls of the same examples right before the measure, and the fraction
    is the median of these paired ratios."""
    weights = network_weights()
    source = gaussian_source(examples)
    ranges = RANGES if histograms else None
    wg = WG_EXAMPLES if histograms else 0
    matmuls = matmul_sequence()
    chunks = -(-examples // CHUNK)
    times, fractions, cpu = [], [], []
    with threadpool_limits(1):
        measure.measure_network(weights, source, "tanh", CHUNK, ranges, BINS, wg)
        matmuls(1)
        for _ in range(repeats):
            start = time.perf_counter()
            matmuls(chunks)
            bare = time.perf_counter() - start
            start, start_cpu = time.perf_counter(), time.process_time()
            measure.measure_network(weights, source, "tanh", CHUNK, ranges, BINS, wg)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
            fractions.append(bare / chunks * examples / CHUNK / times[-1])
        inputs_only = timed(lambda: [None for _ in source.chunks(CHUNK)], repeats)
    flops = flops_per_example() * examples
    median = statistics.median(times)
    return {
        "median": median,
        "min": min(times),
        "max": max(times),
        "repeats": repeats,
        "cpu_median": statistics.median(cpu),
        "gflops": flops / median / 1e9,
        "fraction": statistics.median(fractions),
        "fractions": fractions,
        "examples": examples,
        "histograms": histograms,
        "inputs_seconds": inputs_only["median"],
    }


# (c) -------------------------------------------------------------------------


def torch_available():
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def torch_measure(
    weights_np, source, chunk, per_example_weight_gradients, frozen=False
):
    """The measurement as a practitioner writes it in PyTorch: an nn.Sequential
    of bias-free Linear layers and Tanh, per-layer gradients by retain_grad,
    statistics as float64 sums of the tensors (sum, sum of squares), and the
    per-example weight-gradient variance from the per-example gradients
    themselves (einsum 'bi,bj->bij', a few examples at a time so that they fit
    in memory) when ``per_example_weight_gradients``; otherwise from the same
    sum identity as glorot.moments.weight_gradient_moments. ``frozen``: the
    weights do not require gradients (no dC/dW products; the input does
    instead, so that the graph exists), the leanest a practitioner gets."""
    import torch
    import torch.nn.functional as F

    d = len(weights_np) - 1
    layers = []
    for w in weights_np:
        linear = torch.nn.Linear(w.shape[0], w.shape[1], bias=False)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(np.ascontiguousarray(w.T)))
        linear.weight.requires_grad_(not frozen)
        layers.append(linear)
    model = torch.nn.ModuleList(layers)
    sums = {}

    def accumulate(key, tensor):
        t = tensor.detach().double()
        entry = sums.setdefault(key, [0, 0.0, 0.0])
        entry[0] += t.numel()
        entry[1] += t.sum().item()
        entry[2] += t.square().sum().item()

    for x_np, y_np in source.chunks(chunk):
        x = torch.from_numpy(x_np).requires_grad_(frozen)
        y = torch.from_numpy(y_np)
        zs, ss = [x], []
        h = x
        for i, layer in enumerate(model):
            s = layer(h)
            s.retain_grad()
            ss.append(s)
            if i < d:
                h = torch.tanh(s)
                zs.append(h)
        loss = F.cross_entropy(ss[-1], y, reduction="sum")
        model.zero_grad(set_to_none=True)
        loss.backward()
        with torch.no_grad():
            for i in range(d + 1):
                g = ss[i].grad
                accumulate(("activation", i), zs[i].detach())
                accumulate(("preactivation", i), ss[i])
                accumulate(("backprop_gradient", i), g)
                if i < d:
                    accumulate(("activation_derivative", i), 1 - zs[i + 1] ** 2)
                if per_example_weight_gradients:
                    step = max(1, (16 << 20) // (zs[i].shape[1] * g.shape[1]))
                    for start in range(0, len(g), step):
                        wg = torch.einsum(
                            "bi,bj->bij",
                            zs[i][start : start + step],
                            g[start : start + step],
                        )
                        accumulate(("weight_gradient", i), wg)
                else:
                    z64, g64 = zs[i].double(), g.double()
                    entry = sums.setdefault(("weight_gradient", i), [0, 0.0, 0.0])
                    entry[0] += z64.shape[0] * z64.shape[1] * g64.shape[1]
                    entry[1] += (z64.sum(1) @ g64.sum(1)).item()
                    entry[2] += (z64.square().sum(1) @ g64.square().sum(1)).item()
    return {k: (n, s1 / n, s2 / n - (s1 / n) ** 2) for k, (n, s1, s2) in sums.items()}


def torch_case(examples, per_example, repeats, frozen=False, threads=1):
    import torch

    torch.set_num_threads(threads)
    weights = network_weights()
    source = gaussian_source(examples)
    t = timed(
        lambda: torch_measure(weights, source, CHUNK, per_example, frozen),
        repeats,
        warmup=0 if per_example else 1,
    )
    flops = flops_per_example() * examples
    return {
        **t,
        "gflops": flops / t["median"] / 1e9,
        "examples": examples,
        "per_example_weight_gradients": per_example,
        "frozen": frozen,
    }


def torch_matmul_rate(threads, repeats):
    import torch

    torch.set_num_threads(threads)
    weights = [torch.from_numpy(w) for w in network_weights()]
    x = torch.randn(CHUNK, WIDTHS[0])

    def run():
        z = x
        outs = []
        for w in weights:
            z = z @ w
            outs.append(z)
        h = outs[-1]
        for i in range(len(weights) - 1, 0, -1):
            h = h @ weights[i].T

    t = timed(run, repeats, warmup=3)
    return {**t, "gflops": flops_per_example() * CHUNK / t["median"] / 1e9}


def torch_agrees_with_ours():
    """Largest relative difference of the variances, ours against torch's."""
    weights = network_weights()
    source = gaussian_source(2000)
    with threadpool_limits(1):
        ours, _ = measure.measure_network(weights, source, "tanh", CHUNK)
    theirs = torch_measure(weights, source, CHUNK, per_example_weight_gradients=False)
    return max(abs(theirs[k][2] / ours[k].variance - 1) for k in ours)


# (d) -------------------------------------------------------------------------

CHILD = textwrap.dedent("""
    import sys
    sys.path.insert(0, {src!r})
    import numpy as np
    from threadpoolctl import threadpool_limits
    from glorot import initializers, inputs, measure, seeding
    widths = {widths!r}
    examples = int(sys.argv[1])
    threadpool_limits(1)
    if examples:
        w = initializers.sample_network(
            seeding.weights_generator(2010, "bench", "normalized", 0), "normalized", widths)
        source = inputs.GaussianInputs(
            seeding.inputs_seed_sequence(2010, "bench", 0), examples, widths[0], widths[-1])
        measure.measure_network(w, source, "tanh", {chunk}, {ranges!r}, {bins}, {wg})
    """)


# A fresh, small intermediate process runs the measuring process and reports
# its children's RSS high-water mark: a child's ru_maxrss also counts the
# memory of the process it was forked from, so this script (with numpy, torch)
# must not be that parent.
PARENT = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def peak_rss_mb(examples):
    """RSS high-water mark of a fresh process measuring ``examples`` (0: the
    process that only imports numpy and glorot)."""
    code = CHILD.format(
        src=str(ROOT / "src"),
        widths=WIDTHS,
        chunk=CHUNK,
        ranges=RANGES,
        bins=BINS,
        wg=WG_EXAMPLES,
    )
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", PARENT, sys.executable, "-c", code, str(examples)],
        check=True,
        capture_output=True,
        text=True,
    )
    return {
        "examples": examples,
        "peak_rss_mb": int(out.stdout.split()[-1]) / 1024,
        "seconds": time.perf_counter() - start,
    }


# (e), (f) --------------------------------------------------------------------


def workflow_copy():
    """A temporary copy of what the workflow reads (Snakefile, workflow/,
    config/), so that its results/ never touch the repository's."""
    tmp = Path(tempfile.mkdtemp(prefix="glorot-bench-"))
    shutil.copy2(ROOT / "Snakefile", tmp / "Snakefile")
    for folder in ("workflow", "config"):
        shutil.copytree(ROOT / folder, tmp / folder)
    return tmp


def path_without_slurm(folder):
    """The current PATH without SLURM's client (``workflow_helpers``): a
    machine without SLURM, where the SLURM executor plugin does not call
    scontrol when snakemake starts."""
    return workflow_helpers.path_without_slurm(os.environ.get("PATH", ""), folder)


def snakemake(cwd, *args, path=None):
    """Wall and CPU seconds (user + system, snakemake and its jobs) of a run;
    ``path``: the PATH to run it with (default: this one)."""
    exe = Path(sys.executable).with_name("snakemake")
    env = None if path is None else {**os.environ, "PATH": path}
    before = os.times()
    start = time.perf_counter()
    subprocess.run(
        [str(exe), *args],
        cwd=cwd,
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - start
    after = os.times()
    cpu = (
        after.children_user
        - before.children_user
        + after.children_system
        - before.children_system
    )
    return wall, cpu


def summary(runs):
    walls = [w for w, _ in runs]
    return {
        "median": statistics.median(walls),
        "min": min(walls),
        "max": max(walls),
        "cpu_median": statistics.median(c for _, c in runs),
    }


def scontrol_seconds():
    """Wall time of ``scontrol show config``, which the SLURM executor plugin
    runs when snakemake loads it (every run, local ones too), or None if
    there is no SLURM client. With a client but no reachable controller it
    retries for about 10 s."""
    if shutil.which("scontrol") is None:
        return None
    start = time.perf_counter()
    subprocess.run(
        ["scontrol", "show", "config"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=60,
    )
    return time.perf_counter() - start


def workflow_overhead(repeats):
    tmp = workflow_copy()
    try:
        no_slurm = path_without_slurm(tmp / ".bench-path")
        first = snakemake(tmp, "--cores", "2")
        dry = [snakemake(tmp, "-n") for _ in range(repeats)]
        noop = [snakemake(tmp, "--cores", "2") for _ in range(repeats)]
        dry_bare = [snakemake(tmp, "-n", path=no_slurm) for _ in range(repeats)]
        noop_bare = [
            snakemake(tmp, "--cores", "2", path=no_slurm) for _ in range(repeats)
        ]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return {
        "first_run_seconds": first[0],
        "dry_run": summary(dry),
        "noop_run": summary(noop),
        "dry_run_no_slurm": summary(dry_bare),
        "noop_run_no_slurm": summary(noop_bare),
        "repeats": repeats,
        "scontrol_seconds": scontrol_seconds(),
    }


SWEEP_CONFIG = """\
seed: 2010
experiments:
  sweep:
    widths: {widths}
    activations: [tanh, relu]
    inits: [normalized]
    input: gaussian
    examples: {examples}
    networks: {networks}
    networks_per_job: 1
"""


def sweep_scaling(networks=8, examples=10_000, repeats=1):
    """Wall time of the 8 one-network measure and histograms jobs of a small
    sweep with --cores 1 and 2 (fresh results each time; only the
    per-network outputs are asked for)."""
    tmp = workflow_copy()
    try:
        (tmp / "config" / "config.yaml").write_text(
            SWEEP_CONFIG.format(widths=WIDTHS, examples=examples, networks=networks)
        )
        targets = [
            f"results/sweep/networks/normalized/networks{k}-{k}_{kind}.csv"
            for k in range(networks)
            for kind in ("moments", "histograms")
        ]
        # Without SLURM's client on PATH, so that its ~10 s wait (see (e))
        # does not dilute the jobs' own speedup.
        no_slurm = path_without_slurm(tmp / ".bench-path")
        times = {1: [], 2: []}
        for _ in range(repeats):
            for cores in (1, 2):
                shutil.rmtree(tmp / "results", ignore_errors=True)
                shutil.rmtree(tmp / ".snakemake", ignore_errors=True)
                times[cores].append(
                    snakemake(tmp, "--cores", str(cores), *targets, path=no_slurm)
                )
        # What snakemake costs before and after the jobs: the same targets
        # again, with nothing to do.
        startup = summary(
            [
                snakemake(tmp, "--cores", "2", *targets, path=no_slurm)
                for _ in range(max(1, repeats))
            ]
        )["median"]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    one = statistics.median(w for w, _ in times[1])
    two = statistics.median(w for w, _ in times[2])
    return {
        "jobs": networks,
        "examples": examples,
        "activations": 2,
        "cores1_seconds": one,
        "cores2_seconds": two,
        "speedup": one / two,
        "startup_seconds": startup,
        "speedup_jobs_only": (one - startup) / (two - startup),
        "cpu_seconds": {
            c: statistics.median(cp for _, cp in t) for c, t in times.items()
        },
        "times": times,
    }


# -----------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="fewer repeats; skip the workflow runs (e, f)",
    )
    parser.add_argument("--skip-workflow", action="store_true")
    parser.add_argument("--skip-torch", action="store_true")
    parser.add_argument("--json", type=Path, help="write every number here")
    args = parser.parse_args()
    reps = 3 if args.quick else 7
    big_reps = 2 if args.quick else 5
    results = {"blas": blas_description(), "load_before": os.getloadavg()}
    b = results["blas"]
    print(f"numpy {b['numpy']}, BLAS {b['blas']}, kernel {b['kernel']}, env {b['env']}")
    print(f"load average before: {results['load_before']}")

    results["matmul"] = [matmul_rate(t, reps * 3) for t in (1, 2)]
    rate1 = results["matmul"][0]["gflops"]
    results["measure"] = [
        measure_case(n, h, reps if n <= 1000 else big_reps)
        for n in (1000, 10_000)
        for h in (True, False)
    ]
    if args.skip_torch or not torch_available():
        results["torch"] = None
        print("torch: skipped (pip install -r requirements-bench.txt to compare)")
    else:
        import torch

        results["torch_version"] = torch.__version__
        results["torch_matmul"] = torch_matmul_rate(1, reps * 3)
        results["torch"] = [
            torch_case(1000, False, reps),
            torch_case(10_000, False, big_reps),
            torch_case(10_000, False, big_reps, frozen=True),
            # The obvious per-example weight gradients take about a minute.
            torch_case(1000, True, 1),
        ]
        results["torch_max_relative_difference"] = torch_agrees_with_ours()
    results["memory"] = [peak_rss_mb(n) for n in (0, 1000, 100_000)]
    if not (args.quick or args.skip_workflow):
        results["workflow"] = workflow_overhead(repeats=3)
        results["sweep"] = sweep_scaling()
    results["load_after"] = os.getloadavg()

    print()
    print_table(results, rate1)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str) + "\n")


def spread(t):
    return f"{t['min']:.3g}-{t['max']:.3g}"


def print_table(r, rate1):
    rows = [("measurement", "median", "spread", "rate", "vs target")]
    for m in r["matmul"]:
        rows.append(
            (
                f"(a) matmul of one chunk, {m['threads']} thread(s)",
                f"{m['median'] * 1e3:.1f} ms",
                spread(m),
                f"{m['gflops']:.0f} GFLOP/s",
                "",
            )
        )
    measure_by_key = {}
    for m in r["measure"]:
        label = "default histograms" if m["histograms"] else "no histograms"
        measure_by_key[m["examples"], m["histograms"]] = m
        frac = m["fraction"]
        rows.append(
            (
                f"(b) measure_network, {m['examples']} ex., {label}",
                f"{m['median']:.3f} s",
                spread(m),
                f"{m['gflops']:.0f} GFLOP/s",
                f"{frac:.0%} of (a) (target >= 70%)",
            )
        )
    if r.get("torch"):
        rows.append(
            (
                "(c) torch matmuls of one chunk, 1 thread",
                f"{r['torch_matmul']['median'] * 1e3:.1f} ms",
                spread(r["torch_matmul"]),
                f"{r['torch_matmul']['gflops']:.0f} GFLOP/s",
                "",
            )
        )
        for t in r["torch"]:
            ours = measure_by_key[t["examples"], False]
            label = (
                "per-example weight gradients (einsum)"
                if t["per_example_weight_gradients"]
                else "frozen weights" if t["frozen"] else "nn.Linear"
            )
            rows.append(
                (
                    f"(c) torch, {t['examples']} ex., {label}",
                    f"{t['median']:.3f} s",
                    spread(t),
                    f"{t['gflops']:.0f} GFLOP/s",
                    f"ours/torch {ours['median'] / t['median']:.2f} (target <= 1.0)",
                )
            )
    base = r["memory"][0]["peak_rss_mb"]
    for m in r["memory"]:
        what = (
            "import only" if m["examples"] == 0 else f"{m['examples']} ex., histograms"
        )
        rows.append(
            (
                f"(d) peak RSS, {what}",
                f"{m['peak_rss_mb']:.0f} MB",
                f"{m['seconds']:.1f} s run",
                "",
                (
                    ""
                    if m["examples"] == 0
                    else f"+{m['peak_rss_mb'] - base:.0f} MB over import"
                ),
            )
        )
    if "workflow" in r:
        w = r["workflow"]
        rows.append(
            (
                "(e) snakemake -n, default config",
                f"{w['dry_run']['median']:.2f} s",
                spread(w["dry_run"]),
                f"{w['dry_run']['cpu_median']:.2f} s CPU",
                "",
            )
        )
        rows.append(
            (
                "(e) snakemake --cores 2, nothing to do",
                f"{w['noop_run']['median']:.2f} s",
                spread(w["noop_run"]),
                f"{w['noop_run']['cpu_median']:.2f} s CPU",
                "target < 5 s",
            )
        )
        rows.append(
            (
                "(e) snakemake -n, no SLURM client on PATH",
                f"{w['dry_run_no_slurm']['median']:.2f} s",
                spread(w["dry_run_no_slurm"]),
                f"{w['dry_run_no_slurm']['cpu_median']:.2f} s CPU",
                "",
            )
        )
        rows.append(
            (
                "(e) nothing to do, no SLURM client on PATH",
                f"{w['noop_run_no_slurm']['median']:.2f} s",
                spread(w["noop_run_no_slurm"]),
                f"{w['noop_run_no_slurm']['cpu_median']:.2f} s CPU",
                "target < 5 s",
            )
        )
        s = r["sweep"]
        cpu = s["cpu_seconds"]
        rows.append(
            (
                f"(f) {s['jobs']} measure jobs, --cores 1",
                f"{s['cores1_seconds']:.1f} s",
                "",
                f"{cpu[1]:.1f} s CPU",
                "",
            )
        )
        rows.append(
            (
                f"(f) {s['jobs']} measure jobs, --cores 2",
                f"{s['cores2_seconds']:.1f} s",
                "",
                f"{cpu[2]:.1f} s CPU",
                f"{s['speedup']:.2f}x (target >= 1.6x); jobs alone "
                f"{s['speedup_jobs_only']:.2f}x",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for k, row in enumerate(rows):
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |")
        if k == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    print(f"\nload average before {r['load_before']}, after {r['load_after']}")
    for m in r["measure"][::2]:
        print(
            f"inputs alone ({m['examples']} Gaussian examples): {m['inputs_seconds']:.3f} s"
        )
    print(
        "(b) fractions: median of paired ratios (bare matmuls of the same examples timed "
        "right before each repeat), not the ratio of the medians"
    )
    if "workflow" in r:
        w, s = r["workflow"], r["sweep"]
        if w["scontrol_seconds"] is not None:
            print(
                f"SLURM client present: 'scontrol show config' (run by the SLURM executor "
                f"plugin whenever snakemake starts) took {w['scontrol_seconds']:.1f} s"
            )
        print(
            f"(f) snakemake before and after the jobs (same targets, nothing to do): "
            f"{s['startup_seconds']:.1f} s; 'jobs alone' subtracts it from both runs"
        )
    if r.get("torch"):
        print(
            f"torch {r['torch_version']}; largest relative difference of a variance, "
            f"ours vs torch: {r['torch_max_relative_difference']:.1e}"
        )


if __name__ == "__main__":
    main()
