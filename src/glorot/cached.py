"""Reading the cached intermediates (one file per block of networks or training run)
with a check that each is whole before anything is computed from it.

Snakemake reruns a job when its output is missing or older than its inputs;
it never looks inside. A file cut short by a full disk, edited by hand, or
copied from another config would be used as it is, and a table averaged over
fewer networks than the config asks for would come out with exit code 0. So
every rule that reads these files reads them through this module, which
checks the content against the config:

- every expected row (activation, init, network, quantity, layer) is there
  exactly once, and no other;
- the numbers that must be finite are (counts, moments, singular values),
  and the counts are the ones the config implies (examples x units);
- the histogram bins are the configured ones and hold every value once.

The content check sees what a file of this config must look like, not
whether its numbers are the ones this config gives: a file of the right
shape from a run with another seed, network1's file copied as network2's, a
variance x1.1 or counts moved between bins pass it. So every reader also
checks the file's provenance record (``glorot.provenance``): the digest of
its bytes when its rule wrote it, the path it was written to, the config
values it was made from (compared with the config the reading job runs
under) and the digests of its inputs. The two checks see different faults;
together they refuse a stale, copied, edited or damaged file. The final
tables that figures, Table 1 and the documents read are checked the same way
(``final_table``, ``final_tables``).

A damaged file raises ``DamagedFile``: its message names the file, what is
wrong, and how to redo it.
"""

import re
import zipfile
from collections import Counter

import numpy as np
import pandas as pd

from glorot import blocks, provenance
from glorot.quantities import (
    CURVE_COLUMNS,
    TRAINING_HISTOGRAM_COLUMNS,
    VARIANCE_QUANTITIES,
)


class DamagedFile(RuntimeError):
    def __init__(self, path, rule, problem):
        super().__init__(
            f"{path}: {problem}. This cached file of rule {rule} is damaged or "
            f"was made by another config: delete it and rerun snakemake, which "
            f"remakes it (or rerun with --forcerun {rule} to redo every {rule} job)."
        )
        self.path = path


def verify(path, rule):
    """DamagedFile unless the provenance record of ``path`` matches its bytes,
    its name, the current job's config and its inputs (glorot.provenance)."""
    problem, made_by = provenance.problem(path, rule=rule)
    if problem:
        raise DamagedFile(path, made_by or rule, problem)


def _maker(path):
    """The rule that made ``path`` by its provenance record, for messages."""
    try:
        record = provenance.read_sidecar(path)
    except (OSError, ValueError):
        record = None
    return record.get("rule", "unknown") if isinstance(record, dict) else "unknown"


def final_table(path, rule=None, columns=None, dtype=None):
    """A table the workflow made (``rule``: the one that makes it; by default
    the one its record names), read as CSV (``dtype`` as pandas.read_csv's)
    and verified: readable, some rows, exactly ``columns`` if given, and its
    provenance."""
    return read_table(path, rule or _maker(path), columns, dtype=dtype)


def final_tables(paths, rule=None):
    """``final_table`` of each of ``paths``, as one table."""
    return pd.concat([final_table(p, rule) for p in paths], ignore_index=True)


# Per-layer quantities of a moments file and the units each is counted over
# (the layer index i of the paper, widths n_0 .. n_{d+1}): moment counts are
# examples x units, a weight gradient has n_i x n_{i+1} entries per example.
def _moment_units(widths):
    d = len(widths) - 2
    units = {}
    for i in range(d + 1):
        units["activation", i] = widths[i]  # z^i
        units["preactivation", i] = widths[i + 1]  # s^i
        units["backprop_gradient", i] = widths[i + 1]  # dC/ds^i
        units["weight_gradient", i] = widths[i] * widths[i + 1]  # dC/dW^i
        if i < d:
            units["activation_derivative", i] = widths[i + 1]  # f'(s^i)
            units["backward_example_ratio", i] = 1  # one per example
    return units


def _histogram_units(widths):
    d = len(widths) - 2
    units = {}
    for i in range(d + 1):
        units["activation", i] = widths[i]
        units["backprop_gradient", i] = widths[i + 1]
        units["weight_gradient", i] = widths[i] * widths[i + 1]
    return units


def read_table(path, rule, columns=None, verified=True, dtype=None):
    """The CSV at ``path`` with some rows and exactly ``columns`` (any
    columns if None), and (if ``verified``) its provenance checked
    (``verify``), or DamagedFile. A reader that checks the content first
    passes ``verified=False`` and calls ``verify`` after. ``dtype``: as
    pandas.read_csv's (a column read as text, e.g.)."""
    try:
        table = pd.read_csv(path, dtype=dtype)
    except (
        pd.errors.EmptyDataError,
        pd.errors.ParserError,
        UnicodeDecodeError,
    ) as error:
        raise DamagedFile(path, rule, f"cannot be read as CSV ({error})") from None
    except OSError as error:
        # A directory, or a file this user may not read, where a file belongs.
        raise DamagedFile(
            path, rule, f"cannot be read ({type(error).__name__}: {error.strerror})"
        ) from None
    if columns is not None and list(table.columns) != list(columns):
        raise DamagedFile(
            path, rule, f"has columns {list(table.columns)}, expected {list(columns)}"
        )
    if table.empty:
        raise DamagedFile(path, rule, "has no rows")
    if verified:
        verify(path, rule)
    return table


def _numbers(table, path, rule, columns, integer=False, finite=True, minimum=None):
    """Convert ``columns`` to numbers in place; DamagedFile at the first blank,
    non-number, non-finite (if ``finite``), fractional (if ``integer``) or
    below-``minimum`` value, naming its line."""
    for column in columns:
        values = pd.to_numeric(table[column], errors="coerce").to_numpy(dtype=float)
        bad = np.isnan(values)
        what = "a number"
        if finite:
            bad |= ~np.isfinite(values)
            what = "a finite number"
        if integer:
            with np.errstate(invalid="ignore"):
                bad |= values != np.round(values)
            what = "a whole number"
        if minimum is not None:
            with np.errstate(invalid="ignore"):
                bad |= values < minimum
            what += f" >= {minimum}"
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise DamagedFile(
                path,
                rule,
                f"line {row + 2} has {column} = {table[column].iloc[row]!r}, "
                f"not {what}",
            )
        table[column] = _whole_numbers(table[column], values) if integer else values


_INT64 = np.iinfo(np.int64)


def _whole_numbers(raw, values):
    """The whole numbers of a column (``raw`` as read, ``values`` as floats):
    int64 where they fit, else Python integers read from the text exactly (a
    training seed may be any whole number; as float or int64 one of 2^63 or
    more would be another number)."""
    if raw.dtype.kind in "iu":
        return raw.to_numpy()
    if len(values) == 0 or (
        values.min() >= _INT64.min and values.max() < float(_INT64.max)
    ):
        return values.astype(np.int64)
    exact = [
        int(v) if isinstance(v, str) and _WHOLE.fullmatch(v.strip()) else int(float(v))
        for v in raw
    ]
    return np.array(exact, dtype=object)


_WHOLE = re.compile(r"[+-]?\d+")


def _rows_exactly_once(keys, expected, path, rule, what):
    """``keys`` (tuples, one per row) must be ``expected`` (a set), each once."""
    seen = Counter(keys)
    twice = sorted((k for k, n in seen.items() if n > 1), key=str)
    if twice:
        raise DamagedFile(
            path, rule, f"the {what} {twice[0]} appears {seen[twice[0]]} times"
        )
    missing = sorted(expected - set(seen), key=str)
    if missing:
        raise DamagedFile(
            path,
            rule,
            f"{len(missing)} of {len(expected)} expected rows are missing, "
            f"the first {what} {missing[0]}",
        )
    extra = sorted(set(seen) - expected, key=str)
    if extra:
        raise DamagedFile(
            path, rule, f"has a row the config does not ask for: {what} {extra[0]}"
        )


def _identity(path):
    """(init, networks) of results/<experiment>/networks/<init>/
    networks<first>-<last>_<kind>.csv (a block of glorot.blocks)."""
    parts = str(path).replace("\\", "/").split("/")
    init, name = parts[-2], parts[-1]
    return init, blocks.networks(name.split("_")[0])


def _check_file_count(paths, exp, rule, networks):
    """The files must hold, per configured init, networks 0..networks-1,
    each in one block."""
    found = Counter(
        (init, network) for init, block in map(_identity, paths) for network in block
    )
    expected = {(init, k) for init in exp["inits"] for k in range(networks)}
    if set(found) != expected or max(found.values()) > 1:
        raise ValueError(
            f"rule {rule}: the {len(paths)} files given hold {sum(found.values())} "
            f"networks, the config asks for {len(expected)} ({len(exp['inits'])} "
            f"inits x {networks} networks, each once)"
        )


MOMENT_COLUMNS = [
    "activation",
    "init",
    "network",
    "quantity",
    "layer",
    "count",
    "mean",
    "variance",
    "mean_square",
]


def _network_files(paths, exp, rule, columns, cells, check, networks=None):
    """The per-network files ``paths`` of an experiment (config ``exp``) as
    one table, each verified: exactly ``columns``; whole network and layer
    numbers; one row per (activation, init, network, *cell) for each
    configured activation and each cell of ``cells``, the key columns being
    the first 3 + len(cell) of ``columns``; then ``check(table, path)``, which
    verifies (and converts) the other columns of a file whose rows are right.
    ``networks``: how many networks the files hold (default: all of them)."""
    _check_file_count(paths, exp, rule, networks or exp["networks"])
    n_keys = 3 + len(cells[0])
    what = f"({', '.join(columns[:n_keys])})"
    tables = []
    for path in paths:
        init, block = _identity(path)
        table = read_table(path, rule, columns, verified=False)
        _numbers(table, path, rule, ["network", "layer"], integer=True, minimum=0)
        expected = {
            (activation, init, network, *cell)
            for network in block
            for activation in exp["activations"]
            for cell in cells
        }
        keys = list(zip(*(table[c] for c in columns[:n_keys])))
        _rows_exactly_once(keys, expected, path, rule, what)
        check(table, path)
        verify(path, rule)
        tables.append(table)
    return pd.concat(tables, ignore_index=True)


def network_moments(paths, exp, rule="measure"):
    """The per-network moments files of an experiment (config ``exp``), each
    verified, as one table.

    Every moment must be finite: an underflow to zero is a finite number, and
    a float32 overflow gives NaN (inf - inf), which the measure job refuses
    (its histograms raise on NaN), so a non-finite moment is never legitimate.
    """
    units = _moment_units(exp["widths"])

    def check(table, path):
        _numbers(table, path, rule, ["count"], integer=True, minimum=0)
        _numbers(table, path, rule, ["mean"])
        # A variance or mean square below 0 is no rounding: nothing legitimate
        # writes one.
        _numbers(table, path, rule, ["variance", "mean_square"], minimum=0)
        keys = zip(*(table[c] for c in MOMENT_COLUMNS[:5]))
        for key, count in zip(keys, table["count"]):
            want = exp["examples"] * units[key[3], key[4]]
            if key[3] == "backward_example_ratio" and 0 <= count <= want:
                continue  # the examples with a ratio (glorot.measure)
            if count != want:
                raise DamagedFile(
                    path,
                    rule,
                    f"the row {key} counts {count} values, the config implies "
                    f"{want} (examples x units)",
                )

    return _network_files(paths, exp, rule, MOMENT_COLUMNS, list(units), check)


HISTOGRAM_COLUMNS = [
    "activation",
    "init",
    "network",
    "quantity",
    "layer",
    "bin_low",
    "bin_high",
    "count",
]


def network_histograms(paths, exp, rule="histograms"):
    """The per-network histogram files of an experiment, each verified: the
    configured bins (plus the below- and above-range rows) of every
    (activation, quantity, layer), holding every value exactly once."""
    hist = exp["histograms"]
    _check_file_count(paths, exp, rule, min(hist["networks"], exp["networks"]))
    units = _histogram_units(exp["widths"])
    weight_examples = min(hist["weight_gradient_examples"], exp["examples"])
    tables = []
    for path in paths:
        init, block = _identity(path)
        table = read_table(path, rule, HISTOGRAM_COLUMNS, verified=False)
        _numbers(
            table, path, rule, ["network", "layer", "count"], integer=True, minimum=0
        )
        # The outermost edges are -inf and inf by design; the others are
        # compared with the configured ones below.
        _numbers(table, path, rule, ["bin_low", "bin_high"], finite=False)
        keys = list(zip(*(table[c] for c in HISTOGRAM_COLUMNS[:5])))
        expected = {
            (activation, init, network, quantity, layer)
            for network in block
            for activation in exp["activations"]
            for quantity, layer in units
        }
        per_key = Counter(keys)
        _rows_exactly_once(
            list(per_key),
            expected,
            path,
            rule,
            "(activation, init, network, quantity, layer)",
        )
        for key, group in table.groupby(HISTOGRAM_COLUMNS[:5], sort=False):
            quantity, layer = key[3], key[4]
            low, high = hist[quantity]
            edges = np.linspace(low, high, hist["bins"] + 1)
            lows = np.append(-np.inf, edges)
            highs = np.append(edges, np.inf)
            if len(group) != len(lows) or not (
                np.array_equal(group["bin_low"].to_numpy(), lows)
                and np.array_equal(group["bin_high"].to_numpy(), highs)
            ):
                raise DamagedFile(
                    path,
                    rule,
                    f"the bins of {key} are not the configured {hist['bins']} "
                    f"bins over {[low, high]} (plus below and above)",
                )
            examples = (
                weight_examples if quantity == "weight_gradient" else exp["examples"]
            )
            want = examples * units[quantity, layer]
            total = int(group["count"].sum())
            if total != want:
                raise DamagedFile(
                    path,
                    rule,
                    f"the histogram of {key} holds {total} values, the config "
                    f"implies {want}",
                )
        verify(path, rule)
        tables.append(table)
    return pd.concat(tables, ignore_index=True)


JACOBIAN_COLUMNS = ["activation", "init", "network", "layer", "mean_singular_value"]


def network_jacobians(paths, exp, rule="jacobian"):
    """The per-network Jacobian files of an experiment, each verified: one
    finite, non-negative average singular value per (activation, layer
    0..d-1), the hidden layers' Jacobians J^i = dz^{i+1}/dz^i of eq. (17)."""
    d = len(exp["widths"]) - 2

    def check(table, path):
        _numbers(table, path, rule, ["mean_singular_value"], minimum=0)

    layers = [(layer,) for layer in range(d)]
    networks = blocks.first_networks(exp, "jacobian_networks")
    return _network_files(paths, exp, rule, JACOBIAN_COLUMNS, layers, check, networks)


MINIBATCH_COLUMNS = [
    "activation",
    "init",
    "network",
    "layer",
    "per_example",
    "minibatch",
    "ratio",
    "batch_size",
]


def network_minibatch(paths, exp, rule="minibatch"):
    """The per-network minibatch files of an experiment, each verified: one
    row per (activation, weight layer 0..d), finite variances, a ratio that
    is finite wherever the per-example variance is not 0 (underflow), and
    one minibatch size."""
    d = len(exp["widths"]) - 2

    def check(table, path):
        _numbers(table, path, rule, ["batch_size"], integer=True, minimum=1)
        _numbers(table, path, rule, ["per_example", "minibatch"], minimum=0)
        nonzero = table["per_example"] != 0
        _numbers(table.loc[nonzero].copy(), path, rule, ["ratio"])
        if table["batch_size"].nunique() != 1:
            raise DamagedFile(path, rule, "has more than one batch_size")

    layers = [(layer,) for layer in range(d + 1)]
    networks = blocks.first_networks(exp, "minibatch_networks")
    return _network_files(paths, exp, rule, MINIBATCH_COLUMNS, layers, check, networks)


# --- Training run tables -------------------------------------------------------
# One curves table and one histograms table per run (training.smk, rule train):
# a record of every quantity at update 0, every eval_every updates and at the
# last update; a diverged run ends early with one row of status "diverged".


def _run_identity(path):
    """(activation, init, learning rate, seed) of
    results/training/runs/<activation>_<init>/lr<rate>_seed<seed>[_histograms].csv."""
    parts = str(path).replace("\\", "/").split("/")
    activation, init = parts[-2].split("_", 1)
    name = parts[-1].removesuffix(".csv").removesuffix("_histograms")
    rate, seed = name.removeprefix("lr").rsplit("_seed", 1)
    return activation, init, float(rate), int(seed)


def _record_updates(training):
    """The updates a completed run records at: 0, every eval_every, the last."""
    updates, every = training["updates"], training["eval_every"]
    return sorted({0, updates, *range(every, updates + 1, every)})


def _record_rows(depth, update):
    """(quantity, layer) of one record: statistics of the hidden layers 1..d,
    weight-gradient spread of W^0..W^d, the errors and costs (no training
    cost before the first update)."""
    rows = {
        (q, k)
        for q in ("activation_mean", "activation_std", "activation_p98")
        for k in range(1, depth + 1)
    }
    rows |= {("weight_gradient_std", k) for k in range(depth + 1)}
    rows |= {(q, -1) for q in ("validation_error", "validation_cost", "test_error")}
    if update > 0:
        rows.add(("train_cost", -1))
    return rows


def _check_run_identity(table, path, rule, columns):
    activation, init, rate, seed = _run_identity(path)
    _numbers(table, path, rule, ["learning_rate"])
    _numbers(table, path, rule, ["seed", "update"], integer=True, minimum=0)
    for column, want in zip(columns, (activation, init, rate, seed)):
        wrong = table[column] != want
        if wrong.any():
            row = int(np.flatnonzero(wrong.to_numpy())[0])
            raise DamagedFile(
                path,
                rule,
                f"line {row + 2} has {column} = {table[column].iloc[row]!r}, "
                f"but the file is the run of {column} {want!r}",
            )


def training_curves(paths, training, rule="train"):
    """The curves tables of training runs (config section ``training``, with
    defaults), each verified: every record of every quantity exactly once,
    finite values in every record, and a run that either reaches the
    configured updates or ends with its one "diverged" row."""
    depth = len(training["hidden_widths"])
    full = _record_updates(training)
    tables = []
    for path in paths:
        table = read_table(path, rule, CURVE_COLUMNS, verified=False)
        _check_run_identity(table, path, rule, CURVE_COLUMNS[:4])
        statuses = set(table["status"])
        if not statuses <= {"ok", "diverged"}:
            raise DamagedFile(path, rule, f"has statuses {sorted(map(str, statuses))}")
        diverged = table["status"] == "diverged"
        if diverged.sum() > 1 or (diverged.any() and not diverged.iloc[-1]):
            raise DamagedFile(
                path, rule, "a diverged run has one 'diverged' row, its last"
            )
        ok = table[~diverged].copy()
        layer = pd.to_numeric(ok["layer"], errors="coerce").fillna(-1)
        ok["layer"] = layer
        _numbers(ok, path, rule, ["layer"], integer=True, minimum=-1)
        _numbers(ok, path, rule, ["value"])
        recorded = sorted(set(ok["update"]))
        expected_updates = full
        if diverged.any():
            # A diverged run recorded every update of the config before the
            # one it diverged at (glorot.training.loop), not merely a prefix
            # of them: a prefix would let a run cut after its "diverged" row
            # was written lose its last records unseen.
            stop = int(table["update"].iloc[-1])
            expected_updates = [u for u in full if u < stop]
        if recorded != expected_updates:
            missing = sorted(set(expected_updates) - set(recorded)) or recorded
            raise DamagedFile(
                path,
                rule,
                f"records updates {recorded[:3]}...{recorded[-1:]} but a run of "
                f"this config records {expected_updates[:3]}...{expected_updates[-1:]} "
                f"(first difference near update {missing[0]})",
            )
        keys = list(zip(ok["update"], ok["quantity"], ok["layer"]))
        expected = {(u, q, k) for u in recorded for q, k in _record_rows(depth, u)}
        _rows_exactly_once(keys, expected, path, rule, "(update, quantity, layer)")
        if diverged.any() and int(table["update"].iloc[-1]) < (recorded or [0])[-1]:
            raise DamagedFile(
                path, rule, "the 'diverged' row comes before the last record"
            )
        verify(path, rule)
        tables.append(table)
    return pd.concat(tables, ignore_index=True)


def training_histograms(paths, training, rule="train", curves=None):
    """The histograms tables of training runs, each verified: at every
    record, every hidden layer's configured bins (plus below and above the
    range) holding every test example's unit once.

    ``curves`` (the runs' verified curves tables, ``training_curves``) gives
    each run's records: a run records its histograms at the same updates as
    its curves. Without it, the records can only be checked to be the
    config's first ones, which a table cut after a whole record passes."""
    depth = len(training["hidden_widths"])
    widths = training["hidden_widths"]
    hist = training["histograms"]
    low, high = hist["range"]
    edges = np.linspace(low, high, hist["bins"] + 1)
    lows = np.concatenate([[-np.inf], edges[:-1], [high]])
    highs = np.concatenate([[low], edges[1:], [np.inf]])
    full = _record_updates(training)
    tables = []
    for path in paths:
        table = read_table(path, rule, TRAINING_HISTOGRAM_COLUMNS, verified=False)
        _check_run_identity(table, path, rule, TRAINING_HISTOGRAM_COLUMNS[:4])
        _numbers(table, path, rule, ["layer", "count"], integer=True, minimum=0)
        _numbers(table, path, rule, ["bin_low", "bin_high"], finite=False)
        recorded = sorted(set(table["update"]))
        if curves is not None:
            run = curves[
                (curves[TRAINING_HISTOGRAM_COLUMNS[:4]] == table.iloc[0, :4]).all(
                    axis=1
                )
                & (curves["status"] == "ok")
            ]
            expected_updates = sorted(set(run["update"]))
        else:
            expected_updates = full[: len(recorded)]
        if recorded != expected_updates:
            raise DamagedFile(
                path,
                rule,
                f"records updates {recorded[:3]}..., not those of this config",
            )
        groups = table.groupby(["update", "layer"], sort=False)
        keys = [key for key, _ in groups]
        expected = {(u, k) for u in recorded for k in range(1, depth + 1)}
        _rows_exactly_once(keys, expected, path, rule, "(update, layer)")
        for (update, layer), group in groups:
            if not (
                np.array_equal(group["bin_low"].to_numpy(), lows)
                and np.array_equal(group["bin_high"].to_numpy(), highs)
            ):
                raise DamagedFile(
                    path,
                    rule,
                    f"the bins of update {update}, layer {layer} are not the "
                    f"configured {hist['bins']} bins over {[low, high]}",
                )
            want = training["test_examples"] * widths[layer - 1]
            if int(group["count"].sum()) != want:
                raise DamagedFile(
                    path,
                    rule,
                    f"the histogram of update {update}, layer {layer} holds "
                    f"{int(group['count'].sum())} values, the config implies {want}",
                )
        verify(path, rule)
        tables.append(table)
    return pd.concat(tables, ignore_index=True)


def predictions(path, exp, rule="predict"):
    """An experiment's predictions table, verified: one row per (activation,
    init, quantity, layer) of the config, every prediction finite, so that
    no measured cell is joined with a missing prediction."""
    table = read_table(path, rule, verified=False)
    keys = ["activation", "init", "quantity", "layer"]
    if list(table.columns[:4]) != keys:
        raise DamagedFile(
            path, rule, f"has columns {list(table.columns)}, expected {keys} first"
        )
    _numbers(table, path, rule, ["layer"], integer=True, minimum=0)
    columns = [c for c in table.columns if c.startswith("predicted_")]
    if not columns:
        raise DamagedFile(path, rule, "has no predicted_ column")
    _numbers(table, path, rule, columns)
    d = len(exp["widths"]) - 2
    expected = {
        (activation, init, quantity, layer)
        for activation in exp["activations"]
        for init in exp["inits"]
        for quantity in VARIANCE_QUANTITIES
        for layer in range(d + 1)
    }
    _rows_exactly_once(
        list(zip(*(table[c] for c in keys))),
        expected,
        path,
        rule,
        "(activation, init, quantity, layer)",
    )
    verify(path, rule)
    return table


# --- Shapeset-3x2 splits -------------------------------------------------------

# results/data/shapeset/<split>_seed<seed>_n<size>_<pixels>.npz (rule shapeset)
_SPLIT_NAME = re.compile(r"_n(\d+)_(unit|neg)\.npz$")
_PIXEL_RANGE = {"unit": (0.0, 1.0), "neg": (-1.0, 1.0)}
# 32 x 32 pixels, 9 classes (glorot.shapeset; not imported, to keep this
# module free of the data generator).
_N_PIXELS, _N_CLASSES = 1024, 9


def shapeset_split(path, rule="shapeset"):
    """(images, labels) of a Shapeset-3x2 split, verified: readable, one
    32 x 32 image per label, as many as its name says, pixels finite and in
    the range its name says, labels 0..8."""
    try:
        with np.load(path, allow_pickle=False) as data:
            images, labels = data["images"], data["labels"]
    except (zipfile.BadZipFile, EOFError, OSError, KeyError, ValueError) as error:
        raise DamagedFile(
            path, rule, f"cannot be read ({type(error).__name__}: {error})"
        ) from None
    if images.ndim != 2 or images.shape[1] != _N_PIXELS or len(labels) != len(images):
        raise DamagedFile(
            path,
            rule,
            f"holds images of shape {images.shape} and {len(labels)} labels, not "
            f"one {_N_PIXELS}-pixel image per label",
        )
    match = _SPLIT_NAME.search(str(path))
    if match:
        size, pixels = int(match[1]), match[2]
        if len(images) != size:
            raise DamagedFile(path, rule, f"holds {len(images)} images, not {size}")
        low, high = _PIXEL_RANGE[pixels]
        finite = np.isfinite(images).all()
        if not finite or images.min() < low or images.max() > high:
            raise DamagedFile(
                path, rule, f"has pixels outside [{low}, {high}] or not finite"
            )
    if not np.issubdtype(labels.dtype, np.integer) or (
        len(labels) and (labels.min() < 0 or labels.max() >= _N_CLASSES)
    ):
        raise DamagedFile(path, rule, f"has labels outside 0..{_N_CLASSES - 1}")
    verify(path, rule)
    return images, labels
