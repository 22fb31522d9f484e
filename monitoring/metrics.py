"""The latest drift report as Prometheus gauges, for the service's ``/metrics`` and a text file.

Operations watch one number turn red, so the drift job's ``summary.json`` becomes:

- ``credit_drift_share``: share of the checked features that drifted (0 to 1);
- ``credit_drift_alert``: 1 when that share reached the alert level, else 0;
- ``credit_drift_alert_share``: the alert level the job used;
- ``credit_drift_features_checked``: how many features the job compared;
- ``credit_drift_feature_score{feature}``: each checked feature's drift score;
- ``credit_drift_feature_drifted{feature}``: 1 when that feature drifted;
- ``credit_drift_prediction_score``: drift score of the score distribution;
- ``credit_drift_last_report_timestamp_seconds``: when the report was made.

Feature names are the only labels: a bounded set of model inputs, no client data.
The collector reads ``summary.json`` when scraped (re-parsing only when the file changed),
so every worker of the service shows the latest report without a background thread and
without prometheus_client's multiprocess files.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from credit_scoring.logs import get_logger
from credit_scoring.settings import DEFAULT_DRIFT_DIR, ENV_DRIFT_DIR

log = get_logger(__name__)


def drift_families(summary: Mapping[str, Any]) -> list[Any]:
    """The gauge families of one drift summary (the one definition of the drift metrics)."""
    from prometheus_client.core import GaugeMetricFamily

    def gauge(name: str, text: str, value: float) -> GaugeMetricFamily:
        return GaugeMetricFamily(name, text, value=value)

    stamp = datetime.fromisoformat(summary["time"]).timestamp()
    families = [
        gauge(
            "credit_drift_share", "Share of checked features that drifted", summary["drifted_share"]
        ),
        gauge(
            "credit_drift_alert",
            "1 when the drifted share reached the alert level",
            summary["alert"],
        ),
        gauge(
            "credit_drift_alert_share",
            "Drifted share at which the job alerts",
            summary["alert_share"],
        ),
        gauge("credit_drift_features_checked", "Features compared", summary["columns_checked"]),
        gauge(
            "credit_drift_last_report_timestamp_seconds", "When the drift report was made", stamp
        ),
    ]
    scores = GaugeMetricFamily(
        "credit_drift_feature_score", "Drift score of a checked feature", labels=["feature"]
    )
    drifted = GaugeMetricFamily(
        "credit_drift_feature_drifted", "1 when the feature drifted", labels=["feature"]
    )
    for feature in summary["features"]:
        scores.add_metric([feature["name"]], feature["score"])
        drifted.add_metric([feature["name"]], float(feature["drifted"]))
    families += [scores, drifted]
    if summary.get("prediction"):
        families.append(
            gauge(
                "credit_drift_prediction_score",
                "Drift score of the predicted probability of default",
                summary["prediction"]["score"],
            )
        )
    return families


class DriftGauges:
    """A prometheus-client collector serving the latest ``summary.json`` in ``folder``.

    Parameters
    ----------
    folder
        The drift job's output folder; default ``$CREDIT_DRIFT_DIR`` or ``reports/drift``.
        Until a report exists there, the collector yields nothing.
    registry
        Where to register; default a private registry (see ``exposition``). Pass
        ``prometheus_client.REGISTRY`` to add the gauges to a process's default exposition.
    """

    def __init__(self, folder: Path | str | None = None, registry: Any = None) -> None:
        from prometheus_client import CollectorRegistry

        if folder is None:
            value = os.environ.get(ENV_DRIFT_DIR, "").strip()
            folder = Path(value) if value else DEFAULT_DRIFT_DIR
        self.path = Path(folder) / "summary.json"
        self._seen: tuple[int, int] | None = None
        self._summary: dict[str, Any] | None = None
        self.registry = registry if registry is not None else CollectorRegistry()
        self.registry.register(self)

    def summary(self) -> dict[str, Any] | None:
        """The latest summary, re-read only when the file changed; None when there is none."""
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            self._seen, self._summary = None, None
            return None
        key = (stat.st_mtime_ns, stat.st_size)
        if key != self._seen:
            try:
                self._summary = json.loads(self.path.read_text())
                self._seen = key
            except (OSError, ValueError) as error:  # keep the last good one; say why once
                log.warning("event=drift_summary_unreadable path=%s error=%s", self.path, error)
        return self._summary

    def collect(self) -> Iterator[Any]:
        summary = self.summary()
        if summary is not None:
            yield from drift_families(summary)

    def exposition(self) -> str:
        """The gauges in Prometheus text format, to append to another exposition."""
        from prometheus_client import generate_latest

        return generate_latest(self.registry).decode("utf-8")


def write_textfile(summary: Mapping[str, Any], path: Path) -> None:
    """Write ``summary`` as a node-exporter text-collector file (atomically)."""
    from prometheus_client import CollectorRegistry, write_to_textfile

    registry = CollectorRegistry()
    registry.register(_Fixed(summary))
    write_to_textfile(str(path), registry)


class _Fixed:
    """A collector of one given summary."""

    def __init__(self, summary: Mapping[str, Any]) -> None:
        self._summary = summary

    def collect(self) -> Iterator[Any]:
        yield from drift_families(self._summary)
