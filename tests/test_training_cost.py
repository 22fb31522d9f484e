"""Business cost and the cost-minimising threshold."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import fbeta_score

from training.cost import CostMatrix, best_threshold, business_cost, cost_curve, decision_metrics


def _brute_force(p: np.ndarray, y: np.ndarray, costs: CostMatrix) -> float:
    """Lowest cost over every possible refusal set of the form ``p >= t``."""
    candidates = np.r_[np.unique(p), np.inf]
    return min(business_cost(y, p >= t, costs) for t in candidates)


@pytest.mark.parametrize(
    ("n", "rate", "ratio", "rounding"),
    [(500, 0.08, 10, None), (400, 0.3, 3, 2), (300, 0.02, 50, None), (200, 0.5, 1, 1),
     (50, 0.1, 0.5, None)],
)  # fmt: skip
def test_best_threshold_equals_brute_force(n, rate, ratio, rounding) -> None:
    """The O(n log n) sweep finds the cost of an exhaustive search, ties included."""
    rng = np.random.default_rng(n)
    y = (rng.random(n) < rate).astype(int)
    p = np.clip(rng.beta(1, 8, n) + 0.15 * y, 0, 1)
    if rounding is not None:
        p = p.round(rounding)  # many ties
    costs = CostMatrix(c_fn=ratio, c_fp=1)
    choice = best_threshold(p, y, costs)
    assert choice.cost == pytest.approx(_brute_force(p, y, costs), abs=1e-12)
    assert business_cost(y, p >= choice.threshold, costs) == pytest.approx(choice.cost)


def test_best_threshold_refuses_nobody_when_refusing_never_pays() -> None:
    y = np.array([0, 0, 0, 1])
    p = np.array([0.9, 0.8, 0.7, 0.1])
    choice = best_threshold(p, y, CostMatrix(c_fn=1, c_fp=1))
    assert choice.threshold > 0.9 and choice.cost == pytest.approx(0.25)


def test_cost_curve_is_exact_at_every_distinct_score() -> None:
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 60)
    p = rng.random(60).round(1)
    costs = CostMatrix()
    curve = cost_curve(p, y, costs)
    assert np.all(np.diff(curve.scores) < 0)
    for score, cost in zip(curve.scores, curve.cost, strict=True):
        assert cost == pytest.approx(business_cost(y, p >= score, costs))


def test_business_cost_counts_errors_by_the_matrix() -> None:
    y = np.array([1, 1, 0, 0, 0])
    refused = np.array([1, 0, 1, 0, 0])
    # one defaulter accepted (10) + one good client refused (1), over 5 applications
    assert business_cost(y, refused, CostMatrix(c_fn=10, c_fp=1)) == pytest.approx(11 / 5)


@pytest.mark.parametrize("bad", [0, -1, float("nan"), float("inf")])
def test_cost_matrix_refuses_non_positive_costs(bad) -> None:
    with pytest.raises(ValueError, match="c_fn must be a positive number"):
        CostMatrix(c_fn=bad)


def test_decision_metrics_match_sklearn_and_confusion() -> None:
    rng = np.random.default_rng(5)
    y = (rng.random(1000) < 0.1).astype(int)
    p = np.clip(rng.beta(1, 6, 1000) + 0.2 * y, 0, 1)
    costs = CostMatrix(c_fn=10, c_fp=1)
    metrics = decision_metrics(p, y, 0.2, costs)
    refused = p >= 0.2
    assert metrics["f_beta"] == pytest.approx(fbeta_score(y, refused, beta=np.sqrt(10)))
    c = metrics["confusion"]
    assert c["tp"] + c["fn"] == y.sum() and sum(c.values()) == 1000
    assert metrics["business_cost"] == pytest.approx((10 * c["fn"] + c["fp"]) / 1000)
    assert metrics["business_cost_at_0_5"] == pytest.approx(business_cost(y, p >= 0.5, costs))


def test_beta_weighs_errors_like_the_cost_matrix() -> None:
    assert CostMatrix(c_fn=10, c_fp=1).beta == pytest.approx(np.sqrt(10))
    assert CostMatrix(c_fn=10, c_fp=1).bayes_threshold == pytest.approx(1 / 11)
