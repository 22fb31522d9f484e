"""The API token on a real server: every route but the probes and metrics needs it."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.slow

TOKEN = "s3cret-test-token"


@pytest.fixture(scope="module")
def secured_url(
    model_tag: str, features_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A second server, with a token and with /score batching off (the unbatched path)."""
    from service.process import running_service

    folder = tmp_path_factory.mktemp("secured")
    with running_service(
        model=model_tag,
        features=features_dir,
        request_log=folder / "requests",
        log_path=folder / "service.log",
        batching=False,
        token=TOKEN,
    ) as url:
        yield url


def send(url: str, body: object | None = None, token: str | None = None) -> tuple[int, str]:
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture(scope="module")
def client_id(features_dir: Path) -> int:
    return int(pd.read_parquet(features_dir / "test.parquet", columns=["SK_ID_CURR"]).iloc[0, 0])


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/score", {"client_id": 1}),
        ("/score_batch", {"clients": [{"client_id": 1}]}),
        ("/score_application", {"application": {}}),
        ("/explain", {"client_id": 1}),
        ("/client", {"client_id": 1}),
        ("/docs.json", None),
        ("/ui/", None),
    ],
)
def test_routes_refuse_requests_without_the_token(secured_url: str, path: str, body) -> None:
    """No token or a wrong one: 401 JSON saying how to authenticate."""
    for token in (None, "wrong-token"):
        status, text = send(f"{secured_url}{path}", body, token)
        assert status == 401, (path, token, text)
        assert "Bearer" in json.loads(text)["error"]


def test_probes_and_metrics_need_no_token(secured_url: str) -> None:
    """Load balancers and Prometheus call health, readiness and metrics without secrets."""
    for path in ("/healthz", "/readyz", "/metrics"):
        assert send(f"{secured_url}{path}")[0] == 200, path


def test_the_token_opens_the_routes(secured_url: str, client_id: int) -> None:
    """With the right token the routes answer (here /score without batching)."""
    status, text = send(f"{secured_url}/score", {"client_id": client_id}, TOKEN)
    assert status == 200, text
    assert json.loads(text)["client_id"] == client_id
    status, text = send(f"{secured_url}/explain", {"client_id": client_id, "top_k": 3}, TOKEN)
    assert status == 200 and len(json.loads(text)["contributions"]) == 3
