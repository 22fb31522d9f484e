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
SAMPLE_SUMMARY = {
    "time": "2026-11-22T10:00:00+00:00",
    "drifted_share": 0.25,
    "drifted_count": 1,
    "columns_checked": 4,
    "alert_share": 0.3,
    "alert": False,
    "features": [
        {"name": "DAYS_BIRTH", "score": 0.42, "method": "m", "threshold": 0.1, "drifted": True}
    ],
    "prediction": {"name": "prediction", "score": 0.05, "method": "m", "threshold": 0.1,
                   "drifted": False},
}  # fmt: skip


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
    """Drift gauges served over HTTP reach Prometheus with their values."""
    from prometheus_client import start_http_server

    folder = tmp_path / "drift"
    folder.mkdir()
    (folder / "summary.json").write_text(json.dumps(SAMPLE_SUMMARY))
    port = _free_port()
    http, thread = start_http_server(port, "127.0.0.1", registry=DriftGauges(folder).registry)
    try:
        server = prometheus(f"127.0.0.1:{port}")
        (share,) = server.wait_for("credit_drift_share")
        assert float(share["value"][1]) == 0.25
        (score,) = server.wait_for('credit_drift_feature_score{feature="DAYS_BIRTH"}')
        assert float(score["value"][1]) == 0.42
    finally:
        http.shutdown()
        thread.join()


def _post(url: str, payload: object) -> dict:
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        return json.load(answer)


def test_prometheus_scrapes_the_service(
    prometheus: Callable[[str], Prometheus], api_url: str, features_dir: Path
) -> None:
    """Prometheus scrapes the running service and answers for its decision counter.

    Every metric the Grafana panels read is one the service exposes (or a drift gauge), and
    every panel query is valid PromQL against the real server.
    """
    import pandas as pd

    from monitoring.metrics import drift_families

    client = int(pd.read_parquet(features_dir / "train.parquet", columns=["SK_ID_CURR"]).iloc[0, 0])
    decision = _post(f"{api_url}/score", {"client_id": client})["decision"]
    _post(f"{api_url}/explain", {"client_id": client, "top_k": 3})
    server = prometheus(urllib.parse.urlsplit(api_url).netloc)
    (counter,) = server.wait_for(f'sum(credit_decisions_total{{decision="{decision}"}})')
    assert float(counter["value"][1]) >= 1
    with urllib.request.urlopen(f"{api_url}/metrics", timeout=30) as answer:
        exposed = set(re.findall(r"^([a-z_]+)", answer.read().decode(), flags=re.MULTILINE))
    exposed |= {family.name for family in drift_families(SAMPLE_SUMMARY)}
    used = {
        name
        for expression in _dashboard_expressions()
        for name in re.findall(r"\b(?:credit|bentoml)_[a-z_]+", expression)
    }
    assert used <= exposed, used - exposed
    for expression in _dashboard_expressions():
        answer = server.query(expression)
        assert answer["status"] == "success", (expression, answer)
