import numpy as np
import pytest

from glorot import initializers, seeding


@pytest.mark.parametrize("init", initializers.INITS)
def test_sampled_variance_matches_formula(init):
    n_in, n_out = 300, 200
    w = initializers.sample_weights(
        np.random.default_rng(1), init, n_in, n_out, np.float64
    )
    expected = initializers.weight_variance(init, n_in, n_out)
    # Var of the sample variance of m iid draws: (mu4 - sigma^4) / m, with
    # mu4 = 9/5 sigma^4 for a uniform and 3 sigma^4 for a Gaussian.
    kurtosis = 3.0 if init in ("he", "orthogonal") else 9 / 5
    se = expected * np.sqrt((kurtosis - 1) / w.size)
    assert abs(w.var() - expected) < 4 * se
    assert abs(w.mean()) < 4 * np.sqrt(expected / w.size)


def test_paper_formulas():
    # eq. (15): n Var[W] = 1/3 for the standard init
    assert initializers.weight_variance("standard", 1000, 7) * 1000 == pytest.approx(
        1 / 3
    )
    # eq. (12)/(16): 2 / (n_in + n_out)
    assert initializers.weight_variance("normalized", 1000, 500) == pytest.approx(
        2 / 1500
    )
    assert initializers.weight_variance("he", 50, 7) == pytest.approx(2 / 50)


def test_uniform_bounds():
    w = initializers.sample_weights(np.random.default_rng(0), "normalized", 100, 60)
    bound = np.sqrt(6) / np.sqrt(160)  # eq. (16)
    assert w.dtype == np.float32
    assert np.abs(w).max() <= bound * (1 + 1e-6)
    assert np.abs(w).max() > 0.99 * bound


def test_unknown_init():
    with pytest.raises(ValueError, match="xavier"):
        initializers.weight_variance("xavier", 3, 3)


def test_streams_depend_on_identity_not_order():
    a = seeding.weights_generator(2010, "paper", "standard", 3).random(4)
    seeding.weights_generator(2010, "paper", "standard", 2).random(4)
    b = seeding.weights_generator(2010, "paper", "standard", 3).random(4)
    c = seeding.weights_generator(2010, "paper", "normalized", 3).random(4)
    d = seeding.weights_generator(2011, "paper", "standard", 3).random(4)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert not np.array_equal(a, d)
