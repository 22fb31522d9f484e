"""Drift gauges: the latest summary as Prometheus metrics, in an exposition and a text file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from monitoring.metrics import DriftGauges, write_textfile

SUMMARY = {
    "time": "2026-11-22T10:00:00+00:00",
    "drifted_share": 0.4,
    "drifted_count": 2,
    "columns_checked": 5,
    "alert_share": 0.3,
    "alert": True,
    "features": [
        {"name": "DAYS_BIRTH", "score": 0.61, "method": "Wasserstein distance (normed)",
         "threshold": 0.1, "drifted": True},
        {"name": "AMT_CREDIT", "score": 0.02, "method": "Wasserstein distance (normed)",
         "threshold": 0.1, "drifted": False},
    ],
    "prediction": {"name": "prediction", "score": 0.17, "method": "Wasserstein distance (normed)",
                   "threshold": 0.1, "drifted": True},
}  # fmt: skip


def _samples(text: str) -> dict[tuple[str, tuple], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def _write_summary(folder: Path, summary: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "summary.json").write_text(json.dumps(summary))


def test_drift_gauges_expose_latest_summary(tmp_path: Path) -> None:
    """Share, alert, per-feature scores, prediction score and report time are exposed."""
    _write_summary(tmp_path, SUMMARY)
    samples = _samples(DriftGauges(tmp_path).exposition())
    assert samples[("credit_drift_share", ())] == 0.4
    assert samples[("credit_drift_alert", ())] == 1.0
    assert samples[("credit_drift_feature_score", (("feature", "DAYS_BIRTH"),))] == 0.61
    assert samples[("credit_drift_feature_drifted", (("feature", "AMT_CREDIT"),))] == 0.0
    assert samples[("credit_drift_prediction_score", ())] == 0.17
    assert samples[("credit_drift_last_report_timestamp_seconds", ())] == 1795341600.0


def test_drift_gauges_follow_a_new_report(tmp_path: Path) -> None:
    """A rewritten summary shows at the next scrape; features no longer checked disappear."""
    _write_summary(tmp_path, SUMMARY)
    gauges = DriftGauges(tmp_path)
    gauges.exposition()
    newer = {**SUMMARY, "drifted_share": 0.0, "alert": False, "features": SUMMARY["features"][1:]}
    _write_summary(tmp_path, newer)
    os.utime(tmp_path / "summary.json", ns=(1, 1))  # a different mtime even within one tick
    samples = _samples(gauges.exposition())
    assert samples[("credit_drift_share", ())] == 0.0
    assert ("credit_drift_feature_score", (("feature", "DAYS_BIRTH"),)) not in samples


def test_drift_gauges_empty_before_first_report(tmp_path: Path) -> None:
    """No report yet: nothing exposed, and no error."""
    assert DriftGauges(tmp_path / "none").exposition() == ""


def test_drift_gauges_folder_from_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a folder argument, ``CREDIT_DRIFT_DIR`` says where the job writes."""
    _write_summary(tmp_path, SUMMARY)
    monkeypatch.setenv("CREDIT_DRIFT_DIR", str(tmp_path))
    assert "credit_drift_share 0.4" in DriftGauges().exposition()


def test_drift_gauges_keep_last_good_summary_when_file_is_damaged(tmp_path: Path) -> None:
    """A half-written file does not blank the dashboard."""
    _write_summary(tmp_path, SUMMARY)
    gauges = DriftGauges(tmp_path)
    gauges.exposition()
    (tmp_path / "summary.json").write_text('{"time": ')
    assert "credit_drift_share 0.4" in gauges.exposition()


def test_write_textfile_matches_gauges(tmp_path: Path) -> None:
    """The text-collector file carries the same samples as the service's exposition."""
    _write_summary(tmp_path, SUMMARY)
    write_textfile(SUMMARY, tmp_path / "drift.prom")
    from_file = _samples((tmp_path / "drift.prom").read_text())
    assert from_file == _samples(DriftGauges(tmp_path).exposition())
