"""Learning-rate selection on the validation set and Table 1 of the paper."""

import math

import numpy as np
import pandas as pd

from .. import paper
from .run import learning_rate_label


def final_values(curves):
    """Per run (activation, init, learning_rate, seed): its status, the last
    update, and the validation error and cost and the test error at the last
    record (NaN for a diverged run)."""
    keys = ["activation", "init", "learning_rate", "seed"]
    rows = []
    for key, run in curves.groupby(keys, sort=True):
        diverged = (run["status"] == "diverged").any()
        last = run["update"].max()
        at_last = run[run["update"] == last]

        def value(quantity):
            v = at_last.loc[at_last["quantity"] == quantity, "value"]
            return float(v.iloc[-1]) if len(v) and not diverged else math.nan

        rows.append(
            dict(
                zip(keys, key),
                status="diverged" if diverged else "completed",
                updates=int(last),
                validation_error=value("validation_error"),
                validation_cost=value("validation_cost"),
                test_error=value("test_error"),
            )
        )
    return pd.DataFrame(rows)


def select_learning_rates(finals):
    """The paper's choice: per model (activation, init), the learning rate of
    the grid with the lowest final validation error (mean over seeds; a grid
    point with a diverged seed is never chosen). Ties, as when every rate is
    stuck predicting the commonest class, go to the lower validation cost,
    then to the smaller rate.

    ``finals`` is ``final_values``' table. Returns one row per (activation,
    init, learning_rate) with the means over seeds, the number of seeds and of
    diverged seeds, and ``selected`` (True on one row per model)."""
    grid = (
        finals.assign(diverged=finals["status"] == "diverged")
        .groupby(["activation", "init", "learning_rate"], sort=True)
        .agg(
            seeds=("seed", "nunique"),
            diverged=("diverged", "sum"),
            updates=("updates", "max"),
            validation_error=("validation_error", "mean"),
            validation_cost=("validation_cost", "mean"),
            test_error=("test_error", "mean"),
        )
        .reset_index()
    )
    grid["diverged"] = grid["diverged"].astype(int)
    grid["selected"] = False
    for _, model in grid.groupby(["activation", "init"], sort=False):
        usable = model[(model["diverged"] == 0) & model["validation_error"].notna()]
        if len(usable):
            best = usable.sort_values(
                ["validation_error", "validation_cost", "learning_rate"], kind="stable"
            ).index[0]
            grid.loc[best, "selected"] = True
    grid["learning_rate"] = grid["learning_rate"].map(learning_rate_label)
    return grid


# Table 1 of the paper, Shapeset-3x2 column (glorot.paper).
PAPER_TABLE1_SHAPESET = paper.TABLE1_SHAPESET


def model_label(activation, init):
    """The paper's name of a model: "Tanh", "Tanh N" (normalized init)..."""
    if (activation, init) in PAPER_TABLE1_SHAPESET:
        return PAPER_TABLE1_SHAPESET[activation, init][0]
    suffix = {"standard": "", "normalized": " N", "he": " He", "orthogonal": " O"}.get(
        init, f" {init}"
    )
    return activation.capitalize() + suffix


def table1(selection, finals, test_size):
    """Table 1, Shapeset column: per model, the test error (%) at the end of
    training with the selected learning rate (mean over seeds), its spread
    over seeds, the binomial standard error of one run's error on
    ``test_size`` examples, the updates used and the paper's value."""
    rows = []
    for _, sel in selection[selection["selected"]].iterrows():
        runs = finals[
            (finals["activation"] == sel["activation"])
            & (finals["init"] == sel["init"])
            & (finals["learning_rate"].astype(float) == float(sel["learning_rate"]))
        ]
        errors = runs["test_error"].to_numpy(np.float64)
        p = float(errors.mean())
        paper = PAPER_TABLE1_SHAPESET.get(
            (sel["activation"], sel["init"]), (None, math.nan)
        )[1]
        seed_std = float(errors.std(ddof=1)) if len(errors) > 1 else math.nan
        rows.append(
            {
                "model": model_label(sel["activation"], sel["init"]),
                "activation": sel["activation"],
                "init": sel["init"],
                "learning_rate": learning_rate_label(sel["learning_rate"]),
                "updates": int(runs["updates"].max()),
                "seeds": len(errors),
                "test_error_percent": 100 * p,
                "seed_std_percent": 100 * seed_std,
                "binomial_se_percent": 100 * math.sqrt(p * (1 - p) / test_size),
                "paper_test_error_percent": paper,
            }
        )
    order = [label for label, _ in PAPER_TABLE1_SHAPESET.values()]
    table = pd.DataFrame(rows)
    if len(table):
        rank = {label: k for k, label in enumerate(order)}
        table = table.sort_values(
            "model",
            key=lambda c: c.map(lambda m: rank.get(m, len(rank))),
            kind="stable",
        ).reset_index(drop=True)
    return table


def table1_markdown(table):
    """Table 1 as the Markdown of docs/training.md: per model the selected
    learning rate, this run's test error with its binomial standard error
    (and spread over seeds where there are several), and the paper's."""
    lines = [
        "| model | rate | updates | test error, this run | paper |",
        "|---|---:|---:|---:|---:|",
    ]
    for row in table.itertuples(index=False):
        error = f"{row.test_error_percent:.1f}% ± {row.binomial_se_percent:.1f}"
        if row.seeds > 1:
            error += f" (seeds: {row.seeds}, sd {row.seed_std_percent:.1f})"
        paper_error = (
            ""
            if math.isnan(row.paper_test_error_percent)
            else f"{row.paper_test_error_percent:.2f}%"
        )
        lines.append(
            f"| {row.model} | {row.learning_rate} | {row.updates:,} | {error} | {paper_error} |"
        )
    return "\n".join(lines) + "\n"


def ranking_sentence(table):
    """The models ordered by this run's test error, and by the paper's."""
    ours = table.sort_values("test_error_percent", kind="stable")["model"]
    theirs = table.dropna(subset=["paper_test_error_percent"]).sort_values(
        "paper_test_error_percent", kind="stable"
    )["model"]
    same = list(ours[ours.isin(set(theirs))]) == list(theirs)
    return (
        f"Best to worst, this run: {', '.join(ours)}; the paper: {', '.join(theirs)}"
        f" ({'the same order' if same else 'a different order'})."
    )
