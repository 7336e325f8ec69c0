"""Training updates per CPU second of a whole run, this revision against another.

    .venv/bin/python benchmarks/train_run_speed.py --against main
    .venv/bin/python benchmarks/train_run_speed.py --against main --updates 10000 --hidden 1000

One run of the default config's training (tanh, normalized, learning rate
0.01, seed 0; 5 x ``--hidden`` units, minibatches of 10, evaluations every
``eval_every`` updates on the configured validation and test sets, no
checkpoint) of ``--updates`` updates, as ``glorot.training.train`` does it
in the rule ``train``, in a fresh process per run, with the library of a
fresh clone of each revision (PYTHONPATH) and one BLAS thread. The two
revisions alternate, ``--repeats`` runs each. A revision that can read a
stored training stream (``train(..., stored_stream=)``, config
``training.shared_stream``) gets one written by ``write_stream`` first, and
its CPU time, divided by the runs that share it in the config (models x
learning rates), is charged to the run.

Reports per revision the median CPU seconds of a run, updates per CPU second
(the rate per core, whatever the number of runs side by side), and the
ratio; and whether the two revisions' tables are byte-identical.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from default_run import clone  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]

CHILD = textwrap.dedent("""
    import hashlib, inspect, json, os, sys, time
    import numpy as np
    from glorot import shapeset, training
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
    cfg, updates, hidden, stream_path = json.loads(sys.argv[1])
    cfg = {**cfg, "updates": updates, "hidden_widths": [hidden] * 5}
    run = training.run_from_config(cfg, 2010, "tanh", "normalized", 0.01, 0)
    rng = np.random.default_rng(1)
    neg = cfg["pixels"] == "neg"
    validation = shapeset.generate(rng, cfg["validation_size"], neg)
    test = shapeset.generate(rng, cfg["test_size"], neg)
    stored = "stored_stream" in inspect.signature(training.train).parameters
    stream_cpu = 0.0
    kwargs = {}
    if stored and cfg.get("shared_stream", True):
        t = time.process_time()
        blocks = training.stream_blocks(updates, run.batch_size, run.block_size)
        training.write_stream(stream_path, run.seed, run.run_seed, blocks, run.block_size,
                              run.pixels, run.dtype)
        stream_cpu = time.process_time() - t
        kwargs["stored_stream"] = stream_path
    t = time.process_time()
    result = training.train(run, validation, test, **kwargs)
    train_cpu = time.process_time() - t
    digest = hashlib.sha256(result.curves.to_csv().encode()
                            + result.histograms.to_csv().encode()).hexdigest()
    print(json.dumps({"train_cpu": train_cpu, "stream_cpu": stream_cpu, "digest": digest}))
    """)


def one_run(src, cfg, updates, hidden, stream_path):
    import json

    env = {**os.environ, "PYTHONPATH": str(src)}
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            CHILD,
            json.dumps([cfg, updates, hidden, str(stream_path)]),
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    if os.path.exists(stream_path):
        os.remove(stream_path)
    return json.loads(out.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--revision", default="HEAD")
    parser.add_argument("--against", required=True)
    parser.add_argument("--updates", type=int, default=10_000)
    parser.add_argument("--hidden", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    cfg = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())["training"]
    runs_per_seed = len(cfg["models"]) * len(cfg["learning_rates"])
    names = (args.revision, args.against)
    with tempfile.TemporaryDirectory(prefix="train_run_speed_") as tmp:
        tmp = Path(tmp)
        commits = {n: clone(n, tmp / f"rev{i}") for i, n in enumerate(names)}
        # The base revision's config may lack newer keys: give each its defaults.
        base_cfg = {k: v for k, v in cfg.items() if k != "shared_stream"}
        results = {n: [] for n in names}
        for repeat in range(args.repeats):
            for i, name in enumerate(names if repeat % 2 == 0 else names[::-1]):
                src = tmp / f"rev{names.index(name)}" / "src"
                r = one_run(
                    src, base_cfg, args.updates, args.hidden, tmp / "stream.npy"
                )
                r["cpu"] = r["train_cpu"] + r["stream_cpu"] / runs_per_seed
                results[name].append(r)
                print(name, r, os.getloadavg()[0], file=sys.stderr)
    print(
        f"one run: 5 x {args.hidden} tanh, minibatch 10, {args.updates} updates, "
        f"evaluations every {cfg['eval_every']}; a stored stream is charged 1/{runs_per_seed} "
        f"of its CPU time; medians of {args.repeats}; load average (1 min) now "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print("| revision | CPU s per run | of which stream | updates per CPU second |")
    print("|---|---:|---:|---:|")
    rate = {}
    for name in names:
        cpu = statistics.median(r["cpu"] for r in results[name])
        stream = statistics.median(
            r["stream_cpu"] / runs_per_seed for r in results[name]
        )
        rate[name] = args.updates / cpu
        print(
            f"| `{name}` ({commits[name][:7]}) | {cpu:.2f} | {stream:.2f} | {rate[name]:.0f} |"
        )
    print(f"ratio {names[0]} / {names[1]}: {rate[names[0]] / rate[names[1]]:.2f}x")
    digests = {name: {r["digest"] for r in results[name]} for name in names}
    same = digests[names[0]] == digests[names[1]] and len(digests[names[0]]) == 1
    print(f"tables byte-identical between the revisions: {same}")


if __name__ == "__main__":
    main()
