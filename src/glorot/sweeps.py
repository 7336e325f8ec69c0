"""The runs of a spectrum sweep (docs/spectrum.md), in plain Python: the
Snakefile lists them while it is parsed, without numpy, pandas or scipy."""

NO_Q_STAR = "none"


def runs(sweep):
    """(activation, weights, q_star label) of every run of ``sweep``: tanh once
    per q* of the config (written as the config writes it), the others once."""
    out = []
    for activation in sweep["activations"]:
        labels = (
            [str(q) for q in sweep["q_star"]] if activation == "tanh" else [NO_Q_STAR]
        )
        out += [(activation, w, q) for w in sweep["weights"] for q in labels]
    return out


def q_value(label):
    """The q* of a run label; linear and relu run at q* = 1 (any scale would do)."""
    return 1.0 if label == NO_Q_STAR else float(label)
