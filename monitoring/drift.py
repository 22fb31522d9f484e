"""Data and prediction drift between two sources, as an Evidently report and a compact summary.

The report is Evidently's data drift table (``DataDriftPreset`` without its redundant parts;
see ``monitoring.feature_drift``) on the chosen features, by default the model's most important
ones (drift in a feature the model barely uses does not move scores), plus a ``ValueDrift``
of the score distribution. Evidently chooses each column's test by its size
and kind (above 1,000 rows: normed Wasserstein distance for numbers, Jensen-Shannon for
features with at most five values); a feature drifts when its score passes the test's
threshold, and the report alerts when the share of drifted features reaches ``alert_share``
(the rule of Evidently's dataset drift).
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from credit_scoring.logs import get_logger
from monitoring.sources import PREDICTION, DriftInputError, Source

log = get_logger(__name__)

HTML_FILE = "drift_report.html"
JSON_FILE = "drift_report.json"
SUMMARY_FILE = "summary.json"
PROM_FILE = "drift.prom"


@dataclass
class DriftRun:
    """A finished drift report: Evidently's snapshot and the summary written beside it."""

    snapshot: Any  # evidently.core.report.Snapshot
    summary: dict[str, Any]

    @property
    def alert(self) -> bool:
        return bool(self.summary["alert"])

    def line(self) -> str:
        """The one-line summary the command prints."""
        s = self.summary
        drifted = [f["name"] for f in s["features"] if f["drifted"]]
        names = ", ".join(drifted[:5]) + (
            f" and {len(drifted) - 5} more" if len(drifted) > 5 else ""
        )
        verdict = "ALERT" if s["alert"] else "ok"
        text = (
            f"{verdict}: {s['drifted_count']}/{s['columns_checked']} features drifted "
            f"(share {s['drifted_share']:.2f}, alert at {s['alert_share']:.2f})"
        )
        if drifted:
            text += f": {names}"
        prediction = s["prediction"]
        if prediction is None:
            return text + "; prediction drift not measured"
        state = "drifted" if prediction["drifted"] else "stable"
        return text + f"; prediction drift {prediction['score']:.3f} ({state})"


def choose_columns(
    reference: Source,
    current: Source,
    *,
    model: Any = None,
    top: int = 20,
    columns: Sequence[str] | None = None,
) -> list[str]:
    """The features to compare: ``columns`` if given, else the model's ``top`` most important.

    Without a model, or with ``top`` <= 0, every feature both sources share is compared.
    """
    offered = set(current.features)
    common = [c for c in reference.features if c in offered]
    if not common:
        raise DriftInputError(
            f"no common feature columns between {reference.label} and {current.label}"
        )
    if columns:
        missing = {
            name: sorted(set(columns) - set(source.columns), key=list(columns).index)
            for name, source in (("reference", reference), ("current", current))
        }
        for side, absent in missing.items():
            if absent:
                raise DriftInputError(f"column(s) not in the {side} data: {', '.join(absent)}")
        return list(dict.fromkeys(columns))
    if model is None or top <= 0:
        return common
    shared = set(common)
    chosen = [c for c in importance_order(model) if c in shared][:top]
    if not chosen:
        raise DriftInputError(
            f"none of the features of {model.tag} is in both {reference.label} and {current.label}"
        )
    return chosen


def importance_order(model: Any) -> list[str]:
    """The model's features, most important (total gain) first."""
    booster = model.booster
    gains = booster.feature_importance(importance_type="gain")
    names = booster.feature_name()
    order = np.argsort(-np.asarray(gains), kind="stable")
    return [names[i] for i in order]


def with_scores(frame: pd.DataFrame, source: Source, model: Any) -> pd.DataFrame:
    """``frame`` with a ``prediction`` column: kept from the source, else scored by ``model``."""
    if PREDICTION in frame.columns or model is None:
        return frame
    missing = [c for c in model.feature_names if c not in frame.columns]
    if missing:
        log.warning(
            "event=prediction_drift_skipped source=%s missing_features=%d",
            source.label,
            len(missing),
        )
        return frame
    return frame.assign(**{PREDICTION: model.predict_proba(frame[model.feature_names])})


def drift_report(
    reference: pd.DataFrame,
    current: pd.DataFrame,
    columns: Sequence[str],
    *,
    alert_share: float = 0.3,
) -> DriftRun:
    """Run Evidently on ``columns`` (and on ``prediction`` where both frames have it).

    Parameters
    ----------
    reference, current : DataFrame
        Numeric feature columns (NaN = missing), optionally a ``prediction`` column.
    columns : sequence of str
        Features to test; those empty on either side are skipped and listed in the summary.
    alert_share : float
        Share of drifted features (0 to 1) at which the report alerts.
    """
    from evidently import DataDefinition, Dataset, Report
    from evidently.metrics import ValueDrift

    from monitoring.feature_drift import FeatureDriftPreset, drift_table

    if not 0 < alert_share <= 1:
        raise DriftInputError(f"alert share must be in (0, 1], got {alert_share}")
    if reference.empty or current.empty:
        side = "reference" if reference.empty else "current"
        raise DriftInputError(f"the {side} data has no rows")
    empty = [c for c in columns if reference[c].notna().sum() == 0 or current[c].notna().sum() == 0]
    tested = [c for c in columns if c not in empty]
    if not tested:
        raise DriftInputError("every chosen feature is empty on one side; nothing to compare")
    scored = PREDICTION in reference.columns and PREDICTION in current.columns
    numeric = [*tested, PREDICTION] if scored else tested
    definition = DataDefinition(numerical_columns=numeric)
    metrics: list[Any] = [FeatureDriftPreset(columns=tested, drift_share=alert_share)]
    if scored:
        metrics.append(ValueDrift(column=PREDICTION))
    report = Report(metrics, include_tests=True)
    # Evidently's correlation widgets divide by zero on constant columns: noise, not news.
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        snapshot = report.run(
            Dataset.from_pandas(current[numeric].astype("float64"), data_definition=definition),
            Dataset.from_pandas(reference[numeric].astype("float64"), data_definition=definition),
        )
    summary = _summarise(
        snapshot.dict(), drift_table(snapshot, tested), tested, alert_share=alert_share
    )
    summary["skipped_empty"] = empty
    return DriftRun(snapshot=snapshot, summary=summary)


def _summarise(
    result: dict[str, Any], table: Any, columns: list[str], *, alert_share: float
) -> dict:
    """The figures operations need, read from Evidently's results (not recomputed)."""
    failed = {
        test["metric_config"]["metric_id"] for test in result["tests"] if test["status"] == "FAIL"
    }
    prediction = None
    for metric in result["metrics"]:
        config = metric.get("config", {})
        if config.get("type", "").endswith(":ValueDrift"):
            prediction = {
                "name": config["column"],
                "score": float(metric["value"]),
                "method": config.get("method"),
                "threshold": config.get("threshold"),
                "drifted": metric["id"] in failed,
            }
    by_column = table.drift_by_columns
    features = [
        {
            "name": column,
            "score": float(by_column[column].drift_score),
            "method": by_column[column].stattest_name,
            "threshold": by_column[column].stattest_threshold,
            "drifted": bool(by_column[column].drift_detected),
        }
        for column in columns
    ]
    share = float(table.share_of_drifted_columns)
    return {
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "drifted_share": share,
        "drifted_count": int(table.number_of_drifted_columns),
        "columns_checked": len(columns),
        "alert_share": alert_share,
        "alert": bool(share >= alert_share),
        "features": features,
        "prediction": prediction,
    }


def write_outputs(run: DriftRun, out: Path) -> dict[str, Path]:
    """Save the HTML and JSON report, ``summary.json`` and the Prometheus text file in ``out``."""
    from monitoring.metrics import write_textfile

    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "html": out / HTML_FILE,
        "json": out / JSON_FILE,
        "summary": out / SUMMARY_FILE,
        "prom": out / PROM_FILE,
    }
    run.snapshot.save_html(str(paths["html"]))
    # Evidently's metrics and tests (the score's drift), plus the drift table's figures.
    result = json.loads(run.snapshot.json())
    result["data_drift"] = {
        key: run.summary[key] for key in ("drifted_share", "drifted_count", "columns_checked")
    }
    result["data_drift"]["drift_by_column"] = run.summary["features"]
    paths["json"].write_text(json.dumps(result, indent=1) + "\n")
    # Written last and atomically: the service's gauges read it while the job may be running.
    _write_atomic(paths["summary"], json.dumps(run.summary, indent=2) + "\n")
    write_textfile(run.summary, paths["prom"])
    return paths


def _write_atomic(path: Path, text: str) -> None:
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text)
    partial.replace(path)
