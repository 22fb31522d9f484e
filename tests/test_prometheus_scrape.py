"""A real Prometheus scrapes the metrics with the shipped configuration and answers queries."""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml

from monitoring.metrics import DriftGauges

MONITORING = Path(__file__).resolve().parents[1] / "monitoring"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


class Prometheus:
    """A Prometheus server on loopback and its HTTP query API."""

    def __init__(self, url: str) -> None:
        self.url = url

    def query(self, expression: str) -> dict:
        quoted = urllib.parse.quote(expression)
        return _get_json(f"{self.url}/api/v1/query?query={quoted}")

    def wait_for(self, expression: str, timeout: float = 60) -> list[dict]:
        """The first non-empty result of ``expression``, polling while scrapes come in."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = self.query(expression)["data"]["result"]
            if result:
                return result
            time.sleep(0.5)
        targets = _get_json(f"{self.url}/api/v1/targets")["data"]["activeTargets"]
        health = [(t["scrapeUrl"], t["health"], t.get("lastError")) for t in targets]
        raise AssertionError(f"no result for {expression!r} after {timeout}s; targets: {health}")


@pytest.fixture
def prometheus(tmp_path: Path) -> Iterator[Callable[[str], Prometheus]]:
    """Start Debian's ``prometheus`` with the shipped scrape config aimed at a target."""
    binary = shutil.which("prometheus")
    if binary is None:
        pytest.skip("prometheus binary not found (Debian package `prometheus`)")
    processes: list[subprocess.Popen] = []

    def start(target: str) -> Prometheus:
        config = yaml.safe_load((MONITORING / "prometheus.yml").read_text())
        config["global"]["scrape_interval"] = "1s"
        (job,) = config["scrape_configs"]
        job["static_configs"][0]["targets"] = [target]
        (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(config))
        port = _free_port()
        log = (tmp_path / "prometheus.log").open("w")
        processes.append(
            subprocess.Popen(
                [
                    binary,
                    f"--config.file={tmp_path / 'prometheus.yml'}",
                    f"--storage.tsdb.path={tmp_path / 'tsdb'}",
                    f"--web.listen-address=127.0.0.1:{port}",
                    "--log.level=warn",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{url}/-/ready", timeout=2).close()
                return Prometheus(url)
            except OSError:
                time.sleep(0.2)
        raise AssertionError(
            f"prometheus did not start: {(tmp_path / 'prometheus.log').read_text()}"
        )

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=20)


def _dashboard_expressions() -> list[str]:
    dashboard = json.loads((MONITORING / "grafana_dashboard.json").read_text())
    return [
        target["expr"].replace("$__rate_interval", "1m")
        for panel in dashboard["panels"]
        for target in panel.get("targets", [])
    ]


def test_prometheus_scrapes_drift_gauges(
    prometheus: Callable[[str], Prometheus], tmp_path: Path
) -> None:
    """Drift gauges served over HTTP reach Prometheus; every dashboard query is valid PromQL."""
    from prometheus_client import start_http_server

    folder = tmp_path / "drift"
    folder.mkdir()
    summary = {
        "time": "2026-11-22T10:00:00+00:00",
        "drifted_share": 0.25,
        "drifted_count": 1,
        "columns_checked": 4,
        "alert_share": 0.3,
        "alert": False,
        "features": [
            {"name": "DAYS_BIRTH", "score": 0.42, "method": "m", "threshold": 0.1, "drifted": True}
        ],
        "prediction": None,
    }
    (folder / "summary.json").write_text(json.dumps(summary))
    port = _free_port()
    server, thread = start_http_server(port, "127.0.0.1", registry=DriftGauges(folder).registry)
    try:
        server_url = prometheus(f"127.0.0.1:{port}")
        (share,) = server_url.wait_for("credit_drift_share")
        assert float(share["value"][1]) == 0.25
        (score,) = server_url.wait_for('credit_drift_feature_score{feature="DAYS_BIRTH"}')
        assert float(score["value"][1]) == 0.42
        for expression in _dashboard_expressions():
            answer = server_url.query(expression)
            assert answer["status"] == "success", (expression, answer)
    finally:
        server.shutdown()
        thread.join()


def test_dashboard_metric_names_are_known() -> None:
    """Every metric a panel reads is one the service or the drift job exposes."""
    from monitoring.metrics import drift_families

    summary = {
        "time": "2026-11-22T10:00:00+00:00",
        "drifted_share": 0.0,
        "drifted_count": 0,
        "columns_checked": 1,
        "alert_share": 0.3,
        "alert": False,
        "features": [],
        "prediction": {"score": 0.0},
    }
    drift = {family.name for family in drift_families(summary)}
    service = {
        "credit_decisions_total",
        "credit_score_probability_bucket",
        "credit_explain_duration_seconds_bucket",
        "bentoml_service_request_total",
        "bentoml_service_request_duration_seconds_bucket",
    }
    used = {
        name
        for expression in _dashboard_expressions()
        for name in re.findall(r"\b(?:credit|bentoml)_[a-z_]+", expression)
    }
    assert used <= drift | service, used - drift - service
