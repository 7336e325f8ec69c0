"""docs/training.md's generated Table 1: the Markdown and the ranking sentence,
on a hand-built table whose answer is known."""

import math

import pandas as pd

from glorot.training.selection import ranking_sentence, table1_markdown


def table(errors):
    rows = []
    for (model, paper), error in zip(
        [("Tanh N", 15.60), ("Softsign", 16.27), ("Tanh", 27.15)], errors
    ):
        rows.append(
            {
                "model": model,
                "learning_rate": "0.1",
                "updates": 50000,
                "seeds": 1,
                "test_error_percent": error,
                "seed_std_percent": math.nan,
                "binomial_se_percent": 0.7,
                "paper_test_error_percent": paper,
            }
        )
    return pd.DataFrame(rows)


def test_markdown_has_one_row_per_model_with_both_errors():
    text = table1_markdown(table([60.0, 70.0, 80.0]))
    lines = text.strip().splitlines()
    assert len(lines) == 2 + 3
    assert lines[2] == "| Tanh N | 0.1 | 50,000 | 60.0% ± 0.7 | 15.60% |"


def test_ranking_says_whether_the_order_is_the_papers():
    assert "the same order" in ranking_sentence(table([60.0, 70.0, 80.0]))
    swapped = ranking_sentence(table([70.0, 60.0, 80.0]))
    assert "a different order" in swapped
    assert swapped.startswith("Best to worst, this run: Softsign, Tanh N, Tanh;")
