"""The request log behind the real service: one row per answered request, even after SIGKILL."""

from __future__ import annotations

import json
import subprocess
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from monitoring.request_log import read_request_log

#: Marker values far outside any real feature's range: each request is recognisable in the log.
MARKER = 1e12


def _post(url: str, payload: object) -> int:
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        answer.read()
        return answer.status


@pytest.fixture(scope="module")
def marker_feature(model_tag: str) -> str:
    """A model feature whose value tags each request."""
    from training.bundle import load_model

    return load_model(model_tag).feature_names[0]


def test_service_concurrent_requests_give_exactly_n_log_rows(
    api_url: str, request_log_dir: Path, marker_feature: str
) -> None:
    """64 requests from 16 concurrent clients leave exactly 64 rows, one per request."""
    markers = [MARKER + i for i in range(64)]
    with ThreadPoolExecutor(16) as pool:
        statuses = list(
            pool.map(
                lambda m: _post(f"{api_url}/score", {"features": {marker_feature: m}}), markers
            )
        )
    assert statuses == [200] * 64
    logged = read_request_log(request_log_dir)
    ours = logged[logged[marker_feature].between(MARKER, MARKER + 63)]
    assert sorted(ours[marker_feature]) == markers
    assert ours["request_id"].is_unique


def test_service_sigkill_loses_no_acknowledged_request(
    model_tag: str, features_dir: Path, marker_feature: str, tmp_path: Path
) -> None:
    """Killing every server process mid-traffic keeps every answered request, log readable."""
    from service.process import free_port, kill_tree, server_command, wait_ready

    folder = tmp_path / "requests"
    port = free_port()
    command, env = server_command(
        port=port,
        model=model_tag,
        features=features_dir,
        request_log=folder,
        home=tmp_path / "bentoml-home",
    )
    log_path = tmp_path / "service.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    url = f"http://127.0.0.1:{port}"
    acked: list[float] = []
    lock, stop = threading.Lock(), threading.Event()

    def client(offset: int) -> None:
        number = 0
        while not stop.is_set():
            marker = MARKER + offset * 1_000_000 + number
            number += 1
            try:
                if _post(f"{url}/score", {"features": {marker_feature: marker}}) == 200:
                    with lock:
                        acked.append(marker)
            except (urllib.error.URLError, OSError):
                if server.poll() is not None:
                    return

    threads = [threading.Thread(target=client, args=(i,)) for i in range(8)]
    try:
        wait_ready(url, server, 240, log_path)
        for thread in threads:
            thread.start()
        while len(acked) < 150 and server.poll() is None:
            stop.wait(0.05)
        kill_tree(server)  # the workers too: each runs in a session of its own
        server.wait(timeout=30)
    finally:
        stop.set()
        kill_tree(server)
        server.wait(timeout=30)
    for thread in threads:
        if thread.is_alive() or thread.ident is not None:
            thread.join(timeout=60)
    logged = read_request_log(folder)
    assert len(acked) >= 150
    assert set(acked) <= set(logged[marker_feature])
