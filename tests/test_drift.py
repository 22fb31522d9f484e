"""Drift detection: silent on a second draw of the same population, loud on a shifted one."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from credit_scoring.cli import app
from monitoring.request_log import RequestLog

#: Large enough for Evidently's distance tests (over 1,000 rows a side), small enough to be quick.
APPLICANTS = 3_000


def _population(tmp_path_factory: pytest.TempPathFactory, seed: int, scenario: str) -> Path:
    from features.build import build_features
    from features.synthetic import generate

    raw = tmp_path_factory.mktemp(f"raw-{scenario}")
    generate(raw, applicants=APPLICANTS, seed=seed, scenario=scenario, progress=False)
    out = tmp_path_factory.mktemp(f"features-{scenario}")
    build_features(raw, out, progress=False)
    return out


@pytest.fixture(scope="module")
def baseline_again(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Features of a second, independent draw of the baseline population."""
    return _population(tmp_path_factory, seed=101, scenario="baseline")


@pytest.fixture(scope="module")
def younger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Features of the ``younger`` scenario: applicants about seven years younger."""
    return _population(tmp_path_factory, seed=102, scenario="younger")


def _drift(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["drift", "--no-progress", *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def _summary(out: Path) -> dict:
    return json.loads((out / "summary.json").read_text())


def test_drift_same_population_reports_no_drift(
    model_tag: str, baseline_again: Path, tmp_path: Path
) -> None:
    """Model reference vs another draw of the baseline: no feature and no score drift, exit 0."""
    code, stdout, _ = _drift(
        "--reference", model_tag, "--current", str(baseline_again), "--out", str(tmp_path)
    )
    summary = _summary(tmp_path)
    assert code == 0, stdout
    assert stdout.startswith("ok: 0/20 features drifted")
    assert summary["drifted_share"] == 0
    assert not [f["name"] for f in summary["features"] if f["drifted"]]
    assert summary["prediction"]["drifted"] is False
    assert summary["model"] == model_tag
    for name in ("drift_report.html", "drift_report.json", "drift.prom"):
        assert (tmp_path / name).stat().st_size > 0


def test_drift_younger_population_names_shifted_features(
    model_tag: str, younger: Path, tmp_path: Path
) -> None:
    """The ``younger`` scenario drifts on the model's top features, named, exit status 1."""
    code, stdout, _ = _drift(
        "--reference", model_tag, "--current", str(younger), "--out", str(tmp_path),
        "--alert-share", "0.1",
    )  # fmt: skip
    summary = _summary(tmp_path)
    drifted = sorted((f for f in summary["features"] if f["drifted"]), key=lambda f: -f["score"])
    assert code == 1, stdout
    assert stdout.startswith("ALERT")
    assert summary["drifted_share"] >= 0.1
    assert all(f["score"] >= f["threshold"] for f in drifted)
    named = set(re.findall(r"[A-Za-z0-9_]+", stdout))
    for feature in summary["features"][:5]:  # the line names the first five drifted features
        assert (feature["name"] in named) == feature["drifted"]


def test_drift_explicit_columns_between_tables(
    features_dir: Path, baseline_again: Path, younger: Path, tmp_path: Path
) -> None:
    """Table against table on named columns: age drifts, credit amounts do not."""
    columns = "DAYS_BIRTH,AMT_CREDIT,AMT_GOODS_PRICE"
    _drift(
        "--reference",
        str(features_dir / "train.parquet"),
        "--current",
        str(younger),
        "--columns",
        columns,
        "--out",
        str(tmp_path),
    )
    summary = _summary(tmp_path)
    assert [f["name"] for f in summary["features"]] == columns.split(",")
    assert {f["name"] for f in summary["features"] if f["drifted"]} == {"DAYS_BIRTH"}
    assert summary["prediction"] is None  # no model given: scores are not compared


def test_drift_request_log_as_current(model_tag: str, baseline_again: Path, tmp_path: Path) -> None:
    """Scored requests of the same population, read back from the log: no drift."""
    from training.bundle import load_model

    model = load_model(model_tag)
    table = pd.read_parquet(baseline_again / "train.parquet", columns=model.feature_names)
    probability = model.predict_proba(table)
    RequestLog(tmp_path / "requests").append(
        [
            {"features": row, "probability": p, "decision": "granted", "model_version": "v"}
            for row, p in zip(table.to_dict("records"), probability, strict=True)
        ]
    )
    code, stdout, _ = _drift(
        "--reference",
        model_tag,
        "--current",
        str(tmp_path / "requests"),
        "--out",
        str(tmp_path / "out"),
    )
    summary = _summary(tmp_path / "out")
    assert code == 0, stdout
    assert summary["current"]["rows"] == len(table)
    assert summary["prediction"]["drifted"] is False


@pytest.mark.parametrize(
    ("reference", "current", "message"),
    [
        ("credit_model:doesnotexist", "{tables}/a.parquet", "no model with this tag"),
        ("{tables}/a.parquet", "{tables}/missing.parquet", "file or folder not found"),
        ("{tables}/a.parquet", "{tables}/b.parquet", "no common feature columns"),
        ("{tables}/a.parquet", "{tables}/notes.txt", "not a Parquet feature table"),
        ("{tables}/a.parquet", "{tables}/empty", "neither a feature table"),
    ],
)
def test_drift_command_bad_input_is_one_clear_line(
    tmp_path: Path, bentoml_home: Path, reference: str, current: str, message: str
) -> None:
    """Bad sources give exit status 2 and one line on stderr naming the problem."""
    pd.DataFrame({"SK_ID_CURR": [1, 2], "AGE": [30.0, 40.0]}).to_parquet(tmp_path / "a.parquet")
    pd.DataFrame({"SK_ID_CURR": [1, 2], "INCOME": [1.0, 2.0]}).to_parquet(tmp_path / "b.parquet")
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "empty").mkdir()
    code, _, stderr = _drift(
        "--reference",
        reference.format(tables=tmp_path),
        "--current",
        current.format(tables=tmp_path),
        "--out",
        str(tmp_path / "out"),
    )
    assert code == 2
    assert message in stderr
    assert len(stderr.strip().splitlines()) == 1
    assert "Traceback" not in stderr


def test_drift_command_rejects_unknown_column(features_dir: Path, tmp_path: Path) -> None:
    """A named column absent from the data is refused by name."""
    table = str(features_dir / "train.parquet")
    code, _, stderr = _drift(
        "--reference",
        table,
        "--current",
        table,
        "--columns",
        "DAYS_BIRTH,NOT_A_FEATURE",
        "--out",
        str(tmp_path),
    )
    assert code == 2
    assert "NOT_A_FEATURE" in stderr
