"""The Bento service over real HTTP on loopback: every route, validation, errors, metrics, log."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

pytestmark = pytest.mark.slow


def call(url: str, body: Any = None, *, raw: bytes | None = None, headers: dict | None = None):
    """POST ``body`` as JSON (or ``raw`` bytes); return (status, parsed JSON or text)."""
    data = raw if raw is not None else json.dumps(body).encode()
    request = urllib.request.Request(
        url, data=data, headers={"Content-Type": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            status, text = answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read().decode()
    try:
        return status, json.loads(text)
    except ValueError:
        return status, text


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture(scope="module")
def known_ids(features_dir: Path) -> list[int]:
    ids = pd.read_parquet(features_dir / "test.parquet", columns=["SK_ID_CURR"])["SK_ID_CURR"]
    return [int(i) for i in ids.head(40)]


@pytest.fixture(scope="module")
def manifest(features_dir: Path) -> dict:
    return json.loads((features_dir / "manifest.json").read_text())


def test_score_by_client_id_answers_the_contract(api_url: str, known_ids: list[int]) -> None:
    """/score gives probability, decision by the threshold, threshold and model version."""
    status, body = call(f"{api_url}/score", {"client_id": known_ids[0]})
    assert status == 200, body
    assert set(body) == {"client_id", "probability", "decision", "threshold", "model_version"}
    assert body["client_id"] == known_ids[0]
    assert 0.0 <= body["probability"] <= 1.0
    expected = "refused" if body["probability"] >= body["threshold"] else "granted"
    assert body["decision"] == expected


def test_score_by_features_matches_score_by_id(
    api_url: str, known_ids: list[int], features_dir: Path
) -> None:
    """A client's feature record scores like its ID; nulls and absent features are allowed."""
    table = pd.read_parquet(features_dir / "test.parquet").set_index("SK_ID_CURR")
    row = table.loc[known_ids[1]]
    record = {name: (None if pd.isna(v) else float(v)) for name, v in row.items()}
    _, by_id = call(f"{api_url}/score", {"client_id": known_ids[1]})
    status, by_features = call(f"{api_url}/score", {"features": record})
    assert status == 200, by_features
    assert by_features["client_id"] is None
    assert by_features["probability"] == pytest.approx(by_id["probability"], abs=1e-12)
    status, sparse = call(f"{api_url}/score", {"features": {}})
    assert status == 200 and 0.0 <= sparse["probability"] <= 1.0


def test_score_batch_answers_in_request_order(api_url: str, known_ids: list[int]) -> None:
    """/score_batch answers one result per item, in order, equal to single /score answers."""
    ids = known_ids[:25]
    status, batch = call(f"{api_url}/score_batch", {"clients": [{"client_id": i} for i in ids]})
    assert status == 200, batch
    assert [b["client_id"] for b in batch] == ids
    singles = [call(f"{api_url}/score", {"client_id": i})[1]["probability"] for i in ids[:5]]
    assert [b["probability"] for b in batch[:5]] == pytest.approx(singles, abs=1e-12)


def test_score_batch_concurrent_calls_each_get_their_own_answers(
    api_url: str, known_ids: list[int]
) -> None:
    """Adaptive batching merges concurrent calls; each still gets its own rows back, in order."""
    groups = [known_ids[i : i + 7] for i in range(0, 35, 7)]

    def send(ids: list[int]) -> list[int]:
        status, body = call(f"{api_url}/score_batch", {"clients": [{"client_id": i} for i in ids]})
        assert status == 200, body
        return [b["client_id"] for b in body]

    with ThreadPoolExecutor(max_workers=len(groups)) as pool:
        answers = list(pool.map(send, groups * 3))
    assert answers == groups * 3


def test_concurrent_single_scores_each_get_their_own_answer(
    api_url: str, known_ids: list[int]
) -> None:
    """Batched /score requests are answered individually (no mix-up between clients)."""
    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(lambda i: call(f"{api_url}/score", {"client_id": i}), known_ids))
    assert [body["client_id"] for _, body in answers] == known_ids


def test_explain_adds_up_and_names_features(
    api_url: str, known_ids: list[int], manifest: dict
) -> None:
    """/explain: top-k with labels and values; base + contributions + rest = raw score."""
    status, body = call(f"{api_url}/explain", {"client_id": known_ids[2], "top_k": 5})
    assert status == 200, body
    assert len(body["contributions"]) == 5
    total = sum(c["contribution"] for c in body["contributions"]) + body["other_contribution"]
    assert body["base_value"] + total == pytest.approx(body["raw_score"], abs=1e-6)
    labels = {f["name"]: f["label"] for f in manifest["features"]}
    for item in body["contributions"]:
        assert item["label"] == labels[item["feature"]]
        assert item["direction"] == (
            "raises the risk" if item["contribution"] > 0 else "lowers the risk"
        )
    assert len(body["reasons"]) <= 4
    _, score = call(f"{api_url}/score", {"client_id": known_ids[2]})
    assert body["probability"] == pytest.approx(score["probability"], abs=1e-9)


def test_client_describes_in_human_units(api_url: str, known_ids: list[int]) -> None:
    """/client: grouped information, age in years, money formatted, never a raw DAYS_ value."""
    status, body = call(f"{api_url}/client", {"client_id": known_ids[3]})
    assert status == 200, body
    titles = [g["title"] for g in body["groups"]]
    assert titles == [
        "Identity and family",
        "Employment",
        "Income and credit",
        "History with the bank and other lenders",
    ]
    fields = {f["name"]: f["value"] for g in body["groups"] for f in g["fields"]}
    assert fields["DAYS_BIRTH"].endswith("years")
    assert fields["AMT_CREDIT"] == "not provided" or "," in fields["AMT_CREDIT"]


def test_score_application_uses_the_feature_sql(api_url: str, raw_dir: Path) -> None:
    """/score_application scores raw rows (an application and its bureau records)."""
    application = pd.read_csv(raw_dir / "application_test.csv", nrows=1).iloc[0]
    client_id = int(application["SK_ID_CURR"])
    bureau = pd.read_csv(raw_dir / "bureau.csv")
    bureau = bureau[bureau["SK_ID_CURR"] == client_id].head(20)

    def clean(row: pd.Series) -> dict:
        return {
            k: (None if pd.isna(v) else v.item() if hasattr(v, "item") else v)
            for k, v in row.items()
        }

    body = {
        "application": clean(application),
        "history": {"bureau": [clean(r) for _, r in bureau.iterrows()]},
    }
    status, answer = call(f"{api_url}/score_application", body)
    assert status == 200, answer
    assert answer["client_id"] == client_id
    assert answer["decision"] in ("granted", "refused")


@pytest.mark.parametrize(
    ("route", "body", "field"),
    [
        ("score", {"client_id": "abc"}, "client_id"),
        ("score", {"client_id": 1.5}, "client_id"),
        ("score", {}, ""),
        ("score", {"client_id": 1, "features": {}}, ""),
        ("score", {"features": {"NOT_A_FEATURE": 1.0}}, "features"),
        ("score", {"features": {"EXT_SOURCE_2": "high"}}, "EXT_SOURCE_2"),
        ("score", {"clientid": 100002}, "clientid"),
        ("score_batch", {"clients": []}, "clients"),
        ("score_batch", [{"client_id": 1}], ""),
        ("score_batch", {"client_id": 1}, "clients"),
        ("explain", {"client_id": 1, "top_k": 0}, "top_k"),
        ("explain", {"client_id": 1, "top_k": 10_000}, "top_k"),
        ("client", {}, "client_id"),
        ("score_application", {"application": {"NOT_A_COLUMN": 1}}, "NOT_A_COLUMN"),
        ("score_application", {"application": {"AMT_CREDIT": "lots"}}, "AMT_CREDIT"),
        ("score_application", {"application": {}, "history": {"bureau": [{"X": 1}]}}, "X"),
        ("score_application", {"application": {}, "history": {"nope": []}}, "nope"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(
    api_url: str, route: str, body: Any, field: str
) -> None:
    """Wrong types, missing or extra fields, unknown features: 400 JSON naming the field."""
    status, answer = call(f"{api_url}/{route}", body)
    assert status == 400, answer
    assert isinstance(answer, dict) and answer["error"]
    assert field in json.dumps(answer["detail"])


def test_non_finite_and_malformed_bodies_are_400(api_url: str) -> None:
    """NaN/Infinity literals and broken JSON are refused, not scored."""
    for raw in (
        b"\x00\xff",
        b'{"features": {"EXT_SOURCE_2": NaN}}',
        b'{"features": {"EXT_SOURCE_2": Infinity}}',
        b"{oops",
    ):
        for route in ("score", "score_batch", "explain", "client", "score_application"):
            status, answer = call(f"{api_url}/{route}", raw=raw)
            assert status == 400, (route, raw, answer)


def test_unknown_client_is_404(api_url: str) -> None:
    """An unknown client_id is a 404 naming it, on every route that takes one."""
    for route, body in [
        ("score", {"client_id": 1}),
        ("explain", {"client_id": 1}),
        ("client", {"client_id": 1}),
        ("score_batch", {"clients": [{"client_id": 1}]}),
    ]:
        status, answer = call(f"{api_url}/{route}", body)
        assert status == 404, (route, answer)
        assert "client_id 1 is not a known client" in json.dumps(answer)


def test_oversized_payloads_are_refused(api_url: str) -> None:
    """More than 1,000 items is a 400; a body over the size cap is a 413 before parsing."""
    status, answer = call(f"{api_url}/score_batch", {"clients": [{"features": {}}] * 1001})
    assert status == 400 and "1000" in json.dumps(answer)
    host, port = api_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    connection.putrequest("POST", "/score")
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Content-Length", str(64 * 1024 * 1024))
    connection.endheaders()
    answer = connection.getresponse()
    assert answer.status == 413
    assert "exceeds the limit" in json.loads(answer.read())["error"]
    connection.close()


def test_probes_and_openapi_document(api_url: str) -> None:
    """Health, readiness and the OpenAPI document list every route."""
    assert get(f"{api_url}/healthz")[0] == 200
    assert get(f"{api_url}/readyz")[0] == 200
    status, text = get(f"{api_url}/docs.json")
    assert status == 200
    paths = json.loads(text)["paths"]
    for route in ("/score", "/score_batch", "/score_application", "/explain", "/client"):
        assert route in paths


def test_metrics_count_scores_and_decisions(api_url: str, known_ids: list[int]) -> None:
    """/metrics has BentoML's request metrics and the service's own, with no client label."""
    call(f"{api_url}/score", {"client_id": known_ids[4]})
    call(f"{api_url}/explain", {"client_id": known_ids[4]})
    status, text = get(f"{api_url}/metrics")
    assert status == 200
    assert 'bentoml_service_request_total{endpoint="/score"' in text
    lines = text.splitlines()

    def value(prefix: str) -> float:
        return sum(float(line.rsplit(" ", 1)[1]) for line in lines if line.startswith(prefix))

    assert value("credit_score_probability_count") >= 1
    assert value("credit_decisions_total{") >= 1
    assert value("credit_explain_duration_seconds_count") >= 1
    assert any(line.startswith("credit_model_info{") and "version=" in line for line in lines)
    for line in lines:
        if line.startswith("credit_"):
            assert str(known_ids[4]) not in line and "client" not in line.split(" ")[0]


def test_scored_requests_reach_the_request_log(
    api_url: str, known_ids: list[int], request_log_dir: Path
) -> None:
    """Every score the service answered is in the request log, with features and model version."""
    from monitoring.request_log import read_request_log

    client = known_ids[5]
    call(f"{api_url}/score", {"client_id": client})
    call(f"{api_url}/score_batch", {"clients": [{"client_id": client}, {"features": {}}]})
    logged = read_request_log(request_log_dir)
    rows = logged[logged["client_id"] == client]
    assert len(rows) >= 2
    assert rows["model_version"].nunique() == 1
    assert rows["probability"].between(0, 1).all()
