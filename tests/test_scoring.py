"""The one scoring path: scores, decisions, exact SHAP explanations and their wording."""

from __future__ import annotations

from pathlib import Path

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest
from training_data import FEATURES, make_features

from service import scoring
from training.bundle import FeatureMismatchError, load_model, save_model
from training.calibration import PlattCalibration

THRESHOLD = 0.15


@pytest.fixture(scope="module")
def population() -> pd.DataFrame:
    frame, pd_true, _ = make_features(3000, seed=21)
    y = (np.random.default_rng(21).random(3000) < pd_true).astype(int)
    frame.insert(0, "SK_ID_CURR", np.arange(500_000, 503_000))
    frame["TARGET"] = y
    return frame


@pytest.fixture(scope="module")
def model(population: pd.DataFrame):
    X = population.drop(columns=["SK_ID_CURR", "TARGET"])
    params = {"objective": "binary", "verbose": -1, "num_threads": 1, "seed": 0,
              "learning_rate": 0.1, "num_leaves": 15}  # fmt: skip
    booster = lgb.train(params, lgb.Dataset(X, population["TARGET"]), num_boost_round=60)
    manifest = {"version": 1, "features": FEATURES, "id_column": "SK_ID_CURR",
                "target_column": "TARGET"}  # fmt: skip
    tag = save_model(
        booster, threshold=THRESHOLD, cost_fn=10, cost_fp=1,
        calibration=PlattCalibration(slope=0.8, intercept=-0.2), strategy="none",
        manifest=manifest, metrics={"auc": 0.8, "business_cost": 0.6},
        reference=X.head(100).assign(prediction=0.1), fingerprint="f" * 64,
        feature_table=Path("."),
    )  # fmt: skip
    return load_model(tag)


def test_shap_contributions_add_up_to_raw_score(model, population) -> None:
    """Base value plus all contributions equals the booster's log-odds, for every client."""
    X = population.drop(columns=["SK_ID_CURR", "TARGET"]).head(1000)
    base, contributions = scoring.shap_values(model, X)
    np.testing.assert_allclose(base + contributions.sum(axis=1), model.raw_score(X), atol=1e-6)


def test_explain_parts_add_up_and_match_score(model, population) -> None:
    """Shown contributions plus the rest plus the base value give the raw score."""
    scores = scoring.score(model, population.head(60))
    for i, result in enumerate(scores):
        row = population.iloc[[i]]
        explanation = scoring.explain(model, row, top_k=3)
        shown = sum(c.contribution for c in explanation.contributions)
        total = explanation.base_value + shown + explanation.other_contribution
        raw = model.raw_score(row.drop(columns=["SK_ID_CURR", "TARGET"]))[0]
        assert total == pytest.approx(raw, abs=1e-6)
        assert explanation.raw_score == pytest.approx(raw, abs=1e-6)
        assert explanation.probability == pytest.approx(result.probability, abs=1e-12)
        assert explanation.decision == result.decision
        assert explanation.client_id == result.client_id == 500_000 + i
        assert len(explanation.contributions) == 3


def test_score_decides_by_stored_threshold(model, population) -> None:
    results = scoring.score(model, population.head(500))
    p = model.predict_proba(population.head(500).drop(columns=["SK_ID_CURR", "TARGET"]))
    assert [r.probability for r in results] == pytest.approx(list(p))
    for r in results:
        assert r.decision == ("refused" if r.probability >= THRESHOLD else "granted")
        assert r.threshold == THRESHOLD and r.model_version == model.version
    assert {r.decision for r in results} == {"granted", "refused"}


def test_score_without_id_column_gives_no_client_id(model, population) -> None:
    results = scoring.score(model, population.drop(columns=["SK_ID_CURR"]).head(2))
    assert [r.client_id for r in results] == [None, None]
    assert set(results[0].to_dict()) == {
        "client_id", "probability", "decision", "threshold", "model_version",
    }  # fmt: skip


def test_score_unknown_feature_is_named(model, population) -> None:
    with pytest.raises(FeatureMismatchError, match="'INCOME_GUESS'"):
        scoring.score(model, population.head(2).assign(INCOME_GUESS=1.0))


def _client(**values) -> dict:
    base = {"SK_ID_CURR": 1, "DAYS_BIRTH": -40 * 365.25, "AMT_CREDIT": 400_000.0,
            "EXT_SOURCE_2": 0.6, "FLAG_OWN_CAR": 0.0, "INSTAL_LATE_COUNT_12M": 0.0,
            "BURO_DEBT_RATIO": 0.2, "NOISE_1": 0.0, "NOISE_2": 0.0}  # fmt: skip
    return {**base, **values}


def test_explain_gives_refusal_reasons_in_plain_words(model) -> None:
    """A risky client is refused with reasons like "Late ... payments ...: 8 (raises the risk)"."""
    explanation = scoring.explain(
        model, _client(INSTAL_LATE_COUNT_12M=8.0, EXT_SOURCE_2=0.05, DAYS_BIRTH=-22 * 365.25)
    )
    assert explanation.decision == "refused"
    assert 1 <= len(explanation.reasons) <= scoring.MAX_REASONS
    assert "Late instalment payments in the last 12 months: 8 (raises the risk)" in (
        explanation.reasons
    )
    assert all(r.endswith("(raises the risk)") for r in explanation.reasons)
    raising = [c for c in explanation.contributions if c.direction == scoring.RAISES]
    assert all(c.contribution > 0 for c in raising)


def test_explain_reasons_do_not_depend_on_top_k(model) -> None:
    client = _client(INSTAL_LATE_COUNT_12M=8.0, EXT_SOURCE_2=0.05, DAYS_BIRTH=-22 * 365.25)
    assert scoring.explain(model, client, top_k=1).reasons == (
        scoring.explain(model, client, top_k=8).reasons
    )


def test_explain_gives_granted_client_reasons_lowering_risk(model) -> None:
    explanation = scoring.explain(model, pd.Series(_client(EXT_SOURCE_2=0.9)))
    assert explanation.decision == "granted"
    assert explanation.reasons and all(r.endswith("(lowers the risk)") for r in explanation.reasons)


def test_explain_labels_and_units_come_from_manifest(model) -> None:
    explanation = scoring.explain(model, _client(DAYS_BIRTH=-30 * 365.25), top_k=8)
    by_name = {c.feature: c for c in explanation.contributions}
    assert by_name["DAYS_BIRTH"].label == "Age"
    assert by_name["DAYS_BIRTH"].display_value == "30 years"
    assert by_name["DAYS_BIRTH"].value == pytest.approx(-30 * 365.25)


def test_explain_refuses_several_rows_and_bad_top_k(model, population) -> None:
    with pytest.raises(ValueError, match="one client, got 2 rows"):
        scoring.explain(model, population.head(2))
    with pytest.raises(ValueError, match="top_k"):
        scoring.explain(model, _client(), top_k=0)


@pytest.mark.parametrize(
    ("value", "spec", "expected"),
    [
        (-15000.0, {"unit": "years", "display_scale": -1 / 365.25}, "41.1 years"),
        (252000.0, {"unit": "currency"}, "252,000"),
        (1.0, {"type": "binary"}, "yes"),
        (0.0, {"type": "binary"}, "no"),
        (0.163, {"type": "share", "unit": ""}, "16%"),
        (3.0, {"unit": "count"}, "3"),
        (2.5, {"unit": "count"}, "2.5"),
        (-730.0, {"unit": "months", "display_scale": -12 / 365.25}, "24 months"),
        (-45.0, {"unit": "days", "display_scale": -1}, "45 days"),
        (0.2345, {"unit": "ratio"}, "0.23"),
        (None, {"unit": "years"}, "not provided"),
        (float("nan"), {}, "not provided"),
    ],
)
def test_display_value_in_human_units(value, spec, expected) -> None:
    assert scoring.display_value(value, spec) == expected
