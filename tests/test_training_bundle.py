"""The model artifact: save to and load from the (temporary) BentoML store."""

from __future__ import annotations

from pathlib import Path

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest

from training.bundle import FeatureMismatchError, load_model, save_model
from training.calibration import PlattCalibration


def _booster(seed: int = 0) -> tuple[lgb.Booster, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.normal(size=(400, 3)), columns=["AMT_INCOME", "AGE_YEARS", "FLAG_X"])
    X.loc[::7, "AGE_YEARS"] = np.nan
    y = (X["AMT_INCOME"] + rng.normal(size=400) > 1).astype(int)
    params = {"objective": "binary", "verbose": -1, "num_threads": 1, "seed": seed}
    return lgb.train(params, lgb.Dataset(X, y), num_boost_round=10), X


def _save(booster: lgb.Booster, X: pd.DataFrame, threshold: float = 0.2) -> str:
    manifest = {
        "version": 1,
        "id_column": "SK_ID_CURR",
        "target_column": "TARGET",
        "features": [
            {"name": "AMT_INCOME", "label": "Income", "type": "numeric"},
            {"name": "AGE_YEARS", "label": "Age", "type": "numeric"},
            {"name": "FLAG_X", "label": "Flag", "type": "binary"},
        ],
    }
    reference = X.assign(prediction=0.1)
    return save_model(
        booster,
        threshold=threshold,
        cost_fn=10,
        cost_fp=1,
        calibration=PlattCalibration(slope=0.9, intercept=-0.3),
        strategy="class_weight",
        manifest=manifest,
        metrics={"auc": 0.75, "business_cost": 0.5, "n_rows": len(X)},
        reference=reference,
        fingerprint="abc123",
        feature_table=Path("."),
    )


def test_save_model_round_trips_through_store() -> None:
    """What is saved is what loads: booster output, threshold, costs, documents."""
    import bentoml

    booster, X = _booster()
    tag = _save(booster, X)
    model = load_model(tag)
    assert model.tag == tag and model.version == tag.split(":")[1]
    assert model.threshold == 0.2 and (model.cost_fn, model.cost_fp) == (10, 1)
    assert model.feature_names == ["AMT_INCOME", "AGE_YEARS", "FLAG_X"]
    assert model.feature_types["FLAG_X"] == "binary"
    assert model.strategy == "class_weight"
    assert model.metrics["auc"] == 0.75
    assert model.manifest["features"][0]["label"] == "Income"
    np.testing.assert_allclose(model.raw_score(X), booster.predict(X, raw_score=True))
    expected = 1 / (1 + np.exp(-(0.9 * booster.predict(X, raw_score=True) - 0.3)))
    np.testing.assert_allclose(model.predict_proba(X), expected)
    reference = model.reference()
    assert list(reference.columns) == [*model.feature_names, "prediction"]
    metadata = bentoml.models.get(tag).info.metadata
    assert metadata["threshold"] == 0.2 and metadata["feature_table_sha256"] == "abc123"
    assert metadata["n_features"] == 3 and metadata["imbalance_strategy"] == "class_weight"


def test_load_model_latest_is_newest_and_pinned_tag_still_loads() -> None:
    """Each save is a new version; ``latest`` follows it, a pinned tag stays put."""
    booster, X = _booster(1)
    first = _save(booster, X, threshold=0.1)
    second = _save(booster, X, threshold=0.3)
    assert first != second
    assert load_model("credit_model:latest").tag == second
    assert load_model(first).threshold == 0.1


def test_load_model_unknown_tag_names_it() -> None:
    with pytest.raises(LookupError, match="credit_model:doesnotexist"):
        load_model("credit_model:doesnotexist")


@pytest.fixture(scope="module")
def saved_model():
    booster, X = _booster(2)
    return load_model(_save(booster, X)), X


def test_raw_score_aligns_columns_by_name(saved_model) -> None:
    model, X = saved_model
    shuffled = X[["FLAG_X", "AMT_INCOME", "AGE_YEARS"]]
    np.testing.assert_allclose(model.raw_score(shuffled), model.raw_score(X))


def test_raw_score_missing_column_is_named(saved_model) -> None:
    model, X = saved_model
    with pytest.raises(FeatureMismatchError, match="'AGE_YEARS'"):
        model.raw_score(X.drop(columns="AGE_YEARS"))


def test_raw_score_unknown_column_is_named(saved_model) -> None:
    model, X = saved_model
    with pytest.raises(FeatureMismatchError, match="'SURPRISE'"):
        model.raw_score(X.assign(SURPRISE=1.0))


def test_raw_score_non_numeric_value_is_named(saved_model) -> None:
    model, X = saved_model
    bad = X.head(3).astype({"FLAG_X": object})
    bad.loc[bad.index[1], "FLAG_X"] = "yes"
    with pytest.raises(FeatureMismatchError, match=r"'FLAG_X'.*'yes'"):
        model.raw_score(bad)


def test_predict_proba_handles_missing_values(saved_model) -> None:
    """NaN and None are missing values, scored by the booster's learnt default branch."""
    model, X = saved_model
    row = X.head(1).astype(object)
    row.iloc[0, 0] = None
    row.iloc[0, 1] = np.nan
    p = model.predict_proba(row)
    assert p.shape == (1,) and 0 < p[0] < 1
