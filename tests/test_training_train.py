"""A small model trained end to end into the temporary BentoML store, with its note."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from training_data import write_feature_table

import training.train as train_module
from training.bundle import load_model
from training.cost import CostMatrix, best_threshold
from training.cv import BoosterConfig
from training.data import load_feature_table
from training.imbalance import SIMPLEST_FIRST
from training.train import train

FAST = BoosterConfig(learning_rate=0.2, max_rounds=80, early_stopping_rounds=10, num_threads=1)
SECTIONS = [
    "## 1. Data and features",
    "## 2. Training and validation",
    "## 3. Business cost and decision threshold",
    "## 4. Ranking and calibration",
    "## 5. Class imbalance",
    "## 6. What drives the score",
    "## 7. Two decisions explained",
    "## 8. Fairness",
    "## 9. Limits and possible improvements",
]


@pytest.fixture(scope="module")
def features(tmp_path_factory) -> Path:
    return write_feature_table(tmp_path_factory.mktemp("features"), n=1500, seed=7)


@pytest.fixture(scope="module")
def run(features: Path, tmp_path_factory):
    reports = tmp_path_factory.mktemp("reports")
    return train(features, folds=3, seed=3, reports_dir=reports, progress=False, config=FAST)


def test_train_saves_loadable_model_with_metadata(run) -> None:
    import bentoml

    model = load_model(run.tag)
    assert model.tag == run.tag and model.strategy == run.strategy
    assert model.threshold == pytest.approx(run.threshold)
    metadata = bentoml.models.get(run.tag).info.metadata
    for key in ("threshold", "cost_fn", "cost_fp", "auc", "business_cost", "n_features",
                "imbalance_strategy", "feature_table_sha256", "feature_table"):  # fmt: skip
        assert key in metadata
    assert metadata["n_features"] == 8 and metadata["cost_fn"] == 10


def test_train_threshold_minimises_cost_on_oof(run, features: Path) -> None:
    """The stored threshold is the cost-minimising one on the calibrated OOF predictions."""
    y = load_feature_table(features).y
    choice = best_threshold(run.oof_probability, y, CostMatrix())
    assert run.threshold == pytest.approx(choice.threshold)
    assert run.metrics["business_cost"] == pytest.approx(choice.cost)
    assert run.metrics["business_cost"] <= run.metrics["business_cost_at_0_5"]
    assert run.metrics["auc"] > 0.7


def test_train_compares_every_strategy_and_keeps_simplest_near_cheapest(run) -> None:
    table = run.comparison
    assert [r["strategy"] for r in table] == ["none", "class_weight", "smote", "undersample"]
    chosen = [r for r in table if r["chosen"]]
    assert len(chosen) == 1 and chosen[0]["strategy"] == run.strategy
    assert chosen[0]["cost_gap_se"] <= 1.0
    simpler = SIMPLEST_FIRST[: SIMPLEST_FIRST.index(run.strategy)]
    assert all(r["cost_gap_se"] > 1.0 for r in table if r["strategy"] in simpler)


def test_train_calibrates_probabilities(run) -> None:
    after = run.metrics["calibration"]["after"]
    assert abs(after["mean_predicted"] - after["observed_rate"]) < 0.01
    assert after["ece"] <= run.metrics["calibration"]["before"]["ece"] + 1e-9


def test_train_stores_reference_sample_with_predictions(run, features: Path) -> None:
    model = load_model(run.tag)
    reference = model.reference()
    assert list(reference.columns) == [*model.feature_names, "prediction"]
    assert len(reference) == 1500
    X = reference.drop(columns="prediction")
    np.testing.assert_allclose(reference["prediction"], model.predict_proba(X))


def test_train_writes_note_with_every_section(run) -> None:
    assert run.note_dir.name == run.tag.split("/")[-1] and ":" in run.note_dir.name
    markdown = run.note_md.read_text()
    for section in SECTIONS:
        assert section in markdown
    assert f"{run.metrics['auc']:.3f}" in markdown
    assert "A refused applicant" in markdown and "A granted applicant" in markdown
    assert "**By gender**" in markdown and "**By age band**" in markdown
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", markdown)
    assert len(images) >= 6 and all((run.note_dir / i).is_file() for i in images)
    html = run.note_html.read_text()
    assert html.count('src="data:image/png;base64,') == len(images)
    assert not re.search(r'src="(?!data:)', html)  # self-contained


def test_train_again_is_new_version_and_subsamples_comparison(features, tmp_path, monkeypatch,
                                                              run) -> None:  # fmt: skip
    """A second run is a new version; a large table compares strategies on a subsample."""
    monkeypatch.setattr(train_module, "COMPARISON_MAX_ROWS", 600)
    again = train(features, folds=3, seed=4, reports_dir=tmp_path, progress=False, config=FAST,
                  strategies=("none", "undersample"))  # fmt: skip
    assert again.tag != run.tag
    assert load_model("credit_model:latest").tag == again.tag
    assert {r["rows"] for r in again.comparison} == {600}
    assert len(again.metrics["fold_auc"]) == 3 and again.metrics["n_rows"] == 1500
    assert again.comparison[0]["learning_rate"] == pytest.approx(2 * FAST.learning_rate)


def test_train_refuses_unknown_strategy(features, tmp_path) -> None:
    with pytest.raises(ValueError, match="unknown imbalance strategy"):
        train(features, reports_dir=tmp_path, strategies=("magic",), progress=False)


def test_train_refuses_more_folds_than_defaulters(tmp_path) -> None:
    folder = write_feature_table(tmp_path / "tiny", n=40, seed=1)
    with pytest.raises(ValueError, match="fewer than the 20 folds"):
        train(folder, folds=20, reports_dir=tmp_path, progress=False)


def test_session_model_on_generated_population(model_tag, features_dir, reports_dir) -> None:
    """The shared model (generated data, real feature SQL) has the manifest's features,
    real signal, its note, and exact explanations for unseen applicants."""
    import json

    import pandas as pd

    from service import scoring

    model = load_model(model_tag)
    manifest = json.loads((features_dir / "manifest.json").read_text())
    assert model.feature_names == [f["name"] for f in manifest["features"]]
    assert model.metrics["auc"] > 0.7
    assert (reports_dir / model_tag / "note.html").is_file()
    unseen = pd.read_parquet(features_dir / "test.parquet").head(300)
    base, contributions = scoring.shap_values(model, unseen.drop(columns="SK_ID_CURR"))
    raw = model.raw_score(unseen.drop(columns="SK_ID_CURR"))
    np.testing.assert_allclose(base + contributions.sum(axis=1), raw, atol=1e-6)


def test_train_single_strategy_runs_no_comparison(features, tmp_path) -> None:
    """With one strategy, its cross-validation is the main one, on every row."""
    single = train(features, folds=3, seed=5, reports_dir=tmp_path, progress=False,
                   config=FAST, strategies=("class_weight",))  # fmt: skip
    (row,) = single.comparison
    assert row["strategy"] == single.strategy == "class_weight" and row["chosen"]
    assert row["rows"] == 1500 and row["folds"] == 3
    assert row["learning_rate"] == FAST.learning_rate
    assert "This run trained a single way" in single.note_md.read_text()
