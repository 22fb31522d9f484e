"""Imbalance strategies: what each does to a training fold, and only to a training fold."""

from __future__ import annotations

import numpy as np
import pytest
from training_data import make_features

import training.cv as cv
from training.calibration import PlattCalibration, expected_calibration_error, fit_platt
from training.cv import BoosterConfig, binned_dataset, cross_validate, stratified_splits
from training.imbalance import (
    STRATEGIES,
    _median_imputed,
    check_strategies,
    choose_strategy,
    rebalance,
)

FAST = BoosterConfig(learning_rate=0.2, max_rounds=60, early_stopping_rounds=10, num_threads=1)


@pytest.fixture(scope="module")
def fold_data():
    frame, pd_true, _ = make_features(1500, seed=4)
    y = (np.random.default_rng(4).random(1500) < pd_true).astype(np.int8)
    X = frame.to_numpy(dtype=np.float64)
    return X, y, binned_dataset(X, y, list(frame.columns), FAST)


def test_rebalance_undersample_keeps_every_defaulter_and_balances(fold_data) -> None:
    X, y, _ = fold_data
    plan = rebalance("undersample", X, y, seed=0)
    kept = y[plan.rows]
    assert kept.sum() == y.sum() and (kept == 0).sum() == y.sum()
    assert len(np.unique(plan.rows)) == len(plan.rows)


def test_rebalance_smote_adds_complete_defaulters_and_keeps_real_rows(fold_data) -> None:
    """Synthetic rows balance the classes; real rows keep their missing values."""
    X, y, _ = fold_data
    plan = rebalance("smote", X, y, seed=0)
    assert plan.n_synthetic == (y == 0).sum() - y.sum()
    assert not np.isnan(plan.synthetic).any()
    assert np.array_equal(plan.rows, np.arange(len(y)))
    lo, hi = np.nanmin(X, axis=0), np.nanmax(X, axis=0)
    assert np.all((plan.synthetic >= lo - 1e-9) & (plan.synthetic <= hi + 1e-9))


def test_median_imputed_matches_scikit_learn(fold_data) -> None:
    """SMOTE's imputer gives scikit-learn's median imputation, empty columns as 0."""
    from sklearn.impute import SimpleImputer

    X = fold_data[0].copy()
    X[:, 1] = np.nan
    expected = SimpleImputer(strategy="median", keep_empty_features=True).fit_transform(X)
    np.testing.assert_array_equal(_median_imputed(X), expected)


def test_rebalance_class_weight_sets_scale_pos_weight(fold_data) -> None:
    X, y, _ = fold_data
    plan = rebalance("class_weight", X, y, seed=0)
    assert plan.params["scale_pos_weight"] == pytest.approx((y == 0).sum() / y.sum())
    assert rebalance("none", X, y, seed=0).params == {}


def test_choose_strategy_keeps_simplest_within_one_standard_error() -> None:
    """A more intrusive strategy must beat a simpler one by more than the noise."""
    rng = np.random.default_rng(0)
    base = rng.choice([0.0, 1.0, 10.0], size=5000, p=[0.8, 0.15, 0.05])
    # Cheaper on 50 applications, dearer on 45: a mean gain well inside the noise.
    noisy = base.copy()
    rows = rng.choice(5000, size=95, replace=False)
    noisy[rows[:50]] -= 1
    noisy[rows[50:]] += 1
    chosen, gaps = choose_strategy({"none": base, "smote": noisy})
    assert noisy.mean() < base.mean()
    assert chosen == "none" and 0 < gaps["none"] <= 1.0 and gaps["smote"] == 0.0
    # Most of the expensive errors avoided: a real gain.
    better = np.where(base == 10.0, 1.0, base)
    chosen, gaps = choose_strategy({"none": base, "undersample": better})
    assert chosen == "undersample" and gaps["none"] > 1.0


def test_check_strategies_names_unknown_strategy() -> None:
    with pytest.raises(ValueError, match="oversample"):
        check_strategies(("none", "oversample"))


@pytest.mark.parametrize("strategy", list(STRATEGIES))
def test_cross_validate_resamples_training_folds_only(fold_data, monkeypatch, strategy) -> None:
    """The rebalancing never sees a validation row, and every row is scored exactly once."""
    X, y, data = fold_data
    seen: list[np.ndarray] = []
    real_rebalance = cv.rebalance

    def spy(name, X_fold, y_fold, *, seed):
        seen.append(X_fold.copy())
        return real_rebalance(name, X_fold, y_fold, seed=seed)

    monkeypatch.setattr(cv, "rebalance", spy)
    splits = stratified_splits(y, np.arange(len(y)), 3, seed=1)
    result = cross_validate(data, X, y, splits, strategy=strategy, config=FAST, seed=1,
                            show_progress=False)  # fmt: skip
    assert not np.isnan(result.oof_raw).any()
    for (train_rows, valid_rows), fold, given in zip(splits, result.folds, seen, strict=True):
        np.testing.assert_array_equal(given, X[train_rows])  # only training rows resampled
        assert not set(fold.train_rows) & set(valid_rows)
        np.testing.assert_array_equal(fold.valid_rows, valid_rows)
        assert (fold.n_synthetic > 0) == (strategy == "smote")


def test_calibration_repairs_undersampled_probabilities(fold_data) -> None:
    """Under-sampling inflates the booster's probabilities; Platt scaling brings them back."""
    X, y, data = fold_data
    splits = stratified_splits(y, np.arange(len(y)), 3, seed=2)
    result = cross_validate(data, X, y, splits, strategy="undersample", config=FAST, seed=2,
                            show_progress=False)  # fmt: skip
    raw_p = PlattCalibration().probability(result.oof_raw)
    calibrated = fit_platt(result.oof_raw, y).probability(result.oof_raw)
    assert raw_p.mean() > y.mean() + 0.1
    assert abs(calibrated.mean() - y.mean()) < 0.01
    assert expected_calibration_error(calibrated, y) < expected_calibration_error(raw_p, y) / 2
