"""SGD training: gradients, resuming from checkpoints, divergence, learning-rate
selection and Table 1 (the library; the workflow's training part is in
test_workflow.py, its config checks in test_config.py)."""

import signal
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest

from glorot import activations, initializers, network, shapeset, training
from training_helpers import TINY_RUN, run_bytes, tiny_sets


@pytest.fixture(scope="module")
def sets():
    return tiny_sets()


@pytest.mark.parametrize("activation", ["tanh", "softsign", "sigmoid"])
def test_gradients_with_biases_match_finite_differences(activation):
    rng = np.random.default_rng(0)
    widths = [7, 5, 4, 3]
    weights = initializers.sample_network(rng, "normalized", widths, np.float64)
    biases = [0.3 * rng.standard_normal(n) for n in widths[1:]]
    x = rng.standard_normal((4, widths[0]))
    y = rng.integers(0, widths[-1], size=4)
    cost, dw, db = training.gradients(x, y, weights, biases, activation)
    eps = 1e-6
    for params, grads in ((weights, dw), (biases, db)):
        for p, g in zip(params, grads):
            numeric = np.zeros_like(p)
            for index in np.ndindex(p.shape):
                p[index] += eps
                up = training.gradients(x, y, weights, biases, activation)[0]
                p[index] -= 2 * eps
                down = training.gradients(x, y, weights, biases, activation)[0]
                p[index] += eps
                numeric[index] = (up - down) / (2 * eps)
            np.testing.assert_allclose(g, numeric, rtol=1e-6, atol=1e-9)
    # The cost is the mean over the minibatch.
    s, _ = network.forward(x, weights, activations.get(activation)[0], biases)
    p = np.exp(s[-1]) / np.exp(s[-1]).sum(axis=1, keepdims=True)
    assert cost == pytest.approx(-np.mean(np.log(p[np.arange(4), y])))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sgd_step_is_minus_learning_rate_times_gradient(dtype):
    rng = np.random.default_rng(1)
    widths = [12, 6, 5, 3]
    weights = initializers.sample_network(rng, "standard", widths, dtype)
    biases = [(0.1 * rng.standard_normal(n)).astype(dtype) for n in widths[1:]]
    x = rng.standard_normal((10, widths[0])).astype(dtype)
    y = rng.integers(0, 3, size=10)
    cost, dw, db = training.gradients(x, y, weights, biases, "softsign")
    expected_w = [w - 0.2 * g for w, g in zip(weights, dw)]
    expected_b = [b - 0.2 * g for b, g in zip(biases, db)]
    step_cost = training.sgd_step(x, y, weights, biases, "softsign", 0.2)
    assert step_cost == pytest.approx(cost, rel=1e-6)
    tol = 1e-12 if dtype == np.float64 else 1e-5
    for got, want in zip(weights + biases, expected_w + expected_b):
        assert got.dtype == dtype
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


@pytest.mark.parametrize(
    "activation", ["tanh", "sigmoid", "softsign", "relu", "linear"]
)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_buffered_step_gives_the_bits_of_sgd_step(activation, dtype):
    rng = np.random.default_rng(2)
    widths = [1024, 40, 30, 9]
    start = initializers.sample_network(rng, "normalized", widths, dtype)
    x, y = shapeset.generate(rng, 60, neg=True, dtype=dtype)
    plain = ([w.copy() for w in start], [np.zeros(n, dtype) for n in widths[1:]])
    buffered = ([w.copy() for w in start], [np.zeros(n, dtype) for n in widths[1:]])
    step = training.SGDStep(widths, 10, activation, dtype)
    # Minibatches of 10 (buffered) and one of 7 (the fall-back).
    for lo, hi in [(0, 10), (10, 20), (20, 27), (27, 37), (37, 47), (50, 60)]:
        want = training.sgd_step(x[lo:hi], y[lo:hi], *plain, activation, 0.1)
        got = step(x[lo:hi], y[lo:hi], *buffered, 0.1)
        assert np.isfinite(want) and got == want
    for a, b in zip(plain[0] + plain[1], buffered[0] + buffered[1]):
        assert a.dtype == b.dtype and a.tobytes() == b.tobytes()
    assert not np.array_equal(plain[0][1], start[1])


def test_stream_blocks_are_regenerated_identically():
    stream = training.TrainingStream(3, 1, 70, "neg")
    x, y = stream.examples(65, 10)  # straddles blocks 0 and 1
    fresh = training.TrainingStream(3, 1, 70, "neg")
    x1, y1 = fresh.examples(70, 5)  # block 1 first, alone
    np.testing.assert_array_equal(x[5:], x1)
    np.testing.assert_array_equal(y[5:], y1)
    other = training.TrainingStream(3, 2, 70, "neg")  # another run seed
    assert not np.array_equal(other.examples(65, 10)[0], x)


def test_run_records_every_quantity(sets, tmp_path):
    run = training.Run(**TINY_RUN)
    result = training.train(run, *sets)
    assert result.status == "completed" and result.updates == run.updates
    c = result.curves
    assert list(c.columns) == training.CURVE_COLUMNS
    assert (c["status"] == "ok").all()
    records = sorted(c["update"].unique())
    assert records == [0, 40, 80, 120, 160, 200, 240]
    per_update = (
        c[c["update"] == 240].groupby("quantity")["layer"].apply(list).to_dict()
    )
    assert per_update["activation_std"] == [1, 2]
    assert per_update["weight_gradient_std"] == [0, 1, 2]
    assert set(per_update) == set(training.CURVE_QUANTITIES)
    assert "train_cost" not in set(c.loc[c["update"] == 0, "quantity"])
    errors = c[c["quantity"].isin(["validation_error", "test_error"])]["value"]
    assert ((errors >= 0) & (errors <= 1)).all()
    h = result.histograms
    assert list(h.columns) == training.HISTOGRAM_COLUMNS
    # Every record, every hidden layer: all test examples x units counted once.
    counts = h.groupby(["update", "layer"])["count"].sum()
    assert len(counts) == len(records) * 2
    assert (counts == run.test_examples * 8).all()


def test_killed_run_resumes_to_identical_bytes(sets, tmp_path):
    run = training.Run(**TINY_RUN)
    whole = training.train(run, *sets, checkpoint=tmp_path / "whole.npz")
    assert not (tmp_path / "whole.npz").exists()  # removed at the end
    expected = run_bytes(whole, tmp_path, "whole")

    checkpoint = tmp_path / "killed.npz"
    # Killed after 100 updates: the last checkpoint is at 70, updates 71-100 are lost.
    assert training.train(run, *sets, checkpoint=checkpoint, stop_after=100) is None
    with np.load(checkpoint) as saved:
        assert int(saved["update"]) == 70
        assert int(saved["block"]) == 10 and int(saved["block_offset"]) == 0
    # Killed again, after the checkpoint at 210, then run to the end.
    assert training.train(run, *sets, checkpoint=checkpoint, stop_after=230) is None
    with np.load(checkpoint) as saved:
        assert int(saved["update"]) == 210
    resumed = training.train(run, *sets, checkpoint=checkpoint)
    assert run_bytes(resumed, tmp_path, "resumed") == expected
    assert not checkpoint.exists()


def test_stored_stream_gives_the_bytes_of_a_generated_one(sets, tmp_path):
    run = training.Run(**TINY_RUN)
    expected = run_bytes(training.train(run, *sets), tmp_path, "generated")
    stored = tmp_path / "stream.npy"
    blocks = training.stream_blocks(run.updates, run.batch_size, run.block_size)
    assert (
        blocks * run.block_size
        >= run.updates * run.batch_size
        > (blocks - 1) * run.block_size
    )
    training.write_stream(
        stored, run.seed, run.run_seed, blocks, run.block_size, run.pixels
    )
    whole = training.train(run, *sets, stored_stream=stored)
    assert run_bytes(whole, tmp_path, "stored") == expected
    # Killed after its checkpoint at 70 and resumed, from the stored stream.
    checkpoint = tmp_path / "killed.npz"
    assert (
        training.train(run, *sets, checkpoint, stop_after=100, stored_stream=stored)
        is None
    )
    resumed = training.train(run, *sets, checkpoint, stored_stream=stored)
    assert run_bytes(resumed, tmp_path, "resumed") == expected


def test_stored_stream_too_short_or_of_another_dtype_is_refused(tmp_path):
    stored = tmp_path / "stream.npy"
    training.write_stream(stored, 3, 1, 2, 70, "neg")
    stream = training.TrainingStream(3, 1, 70, "neg", stored=stored)
    assert stream.examples(135, 5)[0].shape == (5, 1024)
    with pytest.raises(ValueError, match="fewer than the 145 needed"):
        stream.examples(135, 10)
    with pytest.raises(ValueError, match="fewer than the 210 needed"):
        stream.block(2)
    with pytest.raises(ValueError, match="not of a float64 stream"):
        training.TrainingStream(3, 1, 70, "neg", np.float64, stored=stored)


def test_checkpoint_of_another_run_is_ignored(sets, tmp_path):
    checkpoint = tmp_path / "run.npz"
    training.train(
        training.Run(**TINY_RUN), *sets, checkpoint=checkpoint, stop_after=80
    )
    assert checkpoint.exists()  # so the second run really meets a foreign checkpoint
    other = training.Run(**{**TINY_RUN, "learning_rate": 0.01})
    fresh = training.train(other, *sets)
    reused = training.train(other, *sets, checkpoint=checkpoint)
    assert run_bytes(reused, tmp_path, "a") == run_bytes(fresh, tmp_path, "b")


KILL_SCRIPT = """
import sys, numpy as np
from glorot import shapeset, training
run = training.Run(**{tiny!r})
rng = np.random.default_rng(11)
sets = shapeset.generate(rng, 60, neg=True), shapeset.generate(rng, 50, neg=True)
training.train(run, *sets, checkpoint=sys.argv[1])
"""


def test_run_killed_by_sigkill_resumes_to_identical_bytes(sets, tmp_path):
    """A real kill -9 while a run is writing checkpoints; the rerun resumes."""
    tiny = {
        **TINY_RUN,
        "updates": 6000,
        "eval_every": 2000,
        "checkpoint_every": 50,
        "block_size": 1000,
    }
    checkpoint = tmp_path / "run.npz"
    process = subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT.format(tiny=tiny), str(checkpoint)]
    )
    deadline = time.monotonic() + 60
    while (
        not checkpoint.exists()
        and process.poll() is None
        and time.monotonic() < deadline
    ):
        time.sleep(0.01)
    time.sleep(0.1)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert checkpoint.exists(), "the run ended before it could be killed"
    run = training.Run(**tiny)
    with np.load(checkpoint) as saved:
        assert 0 < int(saved["update"]) < run.updates
    resumed = training.train(run, *sets, checkpoint=checkpoint)
    whole = training.train(run, *sets)
    assert run_bytes(resumed, tmp_path, "resumed") == run_bytes(
        whole, tmp_path, "whole"
    )


# linear: the cost overflows to inf/NaN; tanh: it stays finite but huge.
@pytest.mark.parametrize("activation", ["linear", "tanh"])
def test_diverging_run_ends_with_a_diverged_row(activation, sets, tmp_path, caplog):
    run = training.Run(**{**TINY_RUN, "activation": activation, "learning_rate": 1e6})
    result = training.train(run, *sets, checkpoint=tmp_path / "run.npz")
    assert result.status == "diverged"
    assert result.updates < run.updates
    last = result.curves.iloc[-1]
    assert last["status"] == "diverged" and last["quantity"] == "train_cost"
    assert (result.curves["status"] == "diverged").sum() == 1
    assert "DIVERGED" in caplog.text
    result.write(tmp_path / "c.csv", tmp_path / "h.csv")  # writes like any run
    finals = training.final_values(pd.read_csv(tmp_path / "c.csv"))
    assert finals["status"].tolist() == ["diverged"]
    assert np.isnan(finals["validation_error"].iloc[0])


def finals_table(rows):
    keys = [
        "activation",
        "init",
        "learning_rate",
        "seed",
        "status",
        "updates",
        "validation_error",
        "validation_cost",
        "test_error",
    ]
    return pd.DataFrame([dict(zip(keys, r)) for r in rows])


def test_selection_picks_the_lowest_validation_error():
    nan = float("nan")
    finals = finals_table(
        [
            # tanh/standard: 0.03 is best on validation (not on test).
            ("tanh", "standard", 0.01, 0, "completed", 100, 0.50, 1.2, 0.40),
            ("tanh", "standard", 0.03, 0, "completed", 100, 0.30, 1.1, 0.45),
            ("tanh", "standard", 0.1, 0, "diverged", 60, nan, nan, nan),
            # softsign: mean over two seeds decides (0.1: 0.25, 0.01: 0.3); a rate
            # with one diverged seed is never chosen.
            ("softsign", "normalized", 0.01, 0, "completed", 100, 0.20, 1.0, 0.2),
            ("softsign", "normalized", 0.01, 1, "completed", 100, 0.40, 1.0, 0.2),
            ("softsign", "normalized", 0.1, 0, "completed", 100, 0.30, 1.0, 0.2),
            ("softsign", "normalized", 0.1, 1, "completed", 100, 0.20, 1.0, 0.2),
            ("softsign", "normalized", 0.3, 0, "completed", 100, 0.10, 1.0, 0.2),
            ("softsign", "normalized", 0.3, 1, "diverged", 10, nan, nan, nan),
            # sigmoid: tied errors, the lower validation cost wins.
            ("sigmoid", "standard", 0.01, 0, "completed", 100, 0.83, 2.10, 0.83),
            ("sigmoid", "standard", 0.1, 0, "completed", 100, 0.83, 2.05, 0.83),
            # relu: every rate diverged, nothing selected.
            ("relu", "he", 0.1, 0, "diverged", 5, nan, nan, nan),
        ]
    )
    sel = training.select_learning_rates(finals)
    chosen = {
        (r.activation, r.init): r.learning_rate
        for r in sel[sel["selected"]].itertuples()
    }
    assert chosen == {
        ("tanh", "standard"): "0.03",
        ("softsign", "normalized"): "0.1",
        ("sigmoid", "standard"): "0.1",
    }
    assert (
        sel.loc[
            (sel["activation"] == "softsign") & (sel["learning_rate"] == "0.3"),
            "diverged",
        ].item()
        == 1
    )

    table = training.table1(sel, finals, test_size=1000)
    assert table["model"].tolist() == [
        "Softsign N",
        "Tanh",
        "Sigmoid",
    ]  # the paper's order
    tanh = table[table["model"] == "Tanh"].iloc[0]
    assert tanh["test_error_percent"] == pytest.approx(45.0)
    assert tanh["paper_test_error_percent"] == 27.15
    assert tanh["binomial_se_percent"] == pytest.approx(
        100 * np.sqrt(0.45 * 0.55 / 1000)
    )
    assert table.loc[table["model"] == "Softsign N", "seeds"].item() == 2


def test_resources_grow_with_the_config():
    small = {
        "hidden_widths": [20] * 2,
        "updates": 1000,
        "batch_size": 10,
        "eval_every": 100,
        "validation_size": 100,
        "test_size": 100,
        "test_examples": 30,
        "block_size": 100,
        "dtype": "float32",
        "histograms": {"bins": 10, "range": [-1, 1]},
    }
    paper = {
        **small,
        "hidden_widths": [1000] * 5,
        "updates": 5_000_000,
        "validation_size": 10000,
        "test_size": 10000,
        "test_examples": 300,
        "block_size": 10000,
        "eval_every": 20000,
    }
    assert training.train_mem_mb(small) < training.train_mem_mb(paper) < 2000
    assert 5 <= training.train_runtime_min(small) < training.train_runtime_min(paper)


def test_recorded_statistics_match_numpy(monkeypatch):
    """layer_statistics and error_and_cost against a direct numpy computation,
    on a small network with non-zero biases and an evaluation split into chunks."""
    rng = np.random.default_rng(11)
    widths = [12, 9, 7, 4]
    weights = [
        rng.standard_normal((a, b)) / np.sqrt(a)
        for a, b in zip(widths[:-1], widths[1:])
    ]
    biases = [0.1 * rng.standard_normal(b) for b in widths[1:]]
    x = rng.standard_normal((25, 12))
    y = rng.integers(0, 4, size=25)
    monkeypatch.setattr(training.evaluation, "EVAL_CHUNK", 7)  # 25 examples in 4 chunks
    stats, counts, finite = training.layer_statistics(
        x, y, weights, biases, "tanh", (-1, 1), 10
    )
    assert finite
    z, s = [x], []
    for i, (w, b) in enumerate(zip(weights, biases)):
        s.append(z[i] @ w + b)
        if i < len(weights) - 1:
            z.append(np.tanh(s[i]))
    p = np.exp(s[-1] - s[-1].max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    g = [None] * len(weights)
    g[-1] = p - np.eye(4)[y]
    for i in range(len(weights) - 2, -1, -1):
        g[i] = (1 - np.tanh(s[i]) ** 2) * (g[i + 1] @ weights[i + 1].T)
    for i in range(1, len(weights)):
        assert stats["activation_mean", i] == pytest.approx(
            z[i].mean(), rel=1e-9, abs=1e-12
        )
        assert stats["activation_std", i] == pytest.approx(z[i].std(), rel=1e-9)
        assert stats["activation_p98", i] == pytest.approx(
            np.percentile(z[i], 98), rel=1e-12
        )
        hist, _ = np.histogram(z[i], 10, (-1, 1))
        np.testing.assert_array_equal(counts[i - 1][1:-1], hist)
    for i in range(len(weights)):
        per_example = z[i][:, :, None] * g[i][:, None, :]
        assert stats["weight_gradient_std", i] == pytest.approx(
            per_example.std(), rel=1e-9
        )
    error, cost = training.error_and_cost(x, y, weights, biases, "tanh")
    assert error == np.mean(s[-1].argmax(axis=1) != y)
    assert cost == pytest.approx(-np.log(p[np.arange(25), y]).mean(), rel=1e-12)
