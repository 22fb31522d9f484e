"""The service class and its engine driven in-process (no HTTP): the cheap, exact checks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from features.raw_schema import HISTORY_TABLES

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def service(
    model_tag: str, features_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[object]:
    """``CreditScoring()`` on the session's model and feature tables, as BentoML builds it."""
    import bentoml

    from service import schemas
    from service.service import CreditScoring

    patch = pytest.MonkeyPatch()
    patch.setenv("CREDIT_FEATURES_DIR", str(features_dir))
    patch.setenv("CREDIT_REQUEST_LOG_DIR", str(tmp_path_factory.mktemp("requests-inprocess")))
    patch.setattr(CreditScoring.inner, "model_ref", bentoml.models.BentoModel(model_tag))
    try:
        yield CreditScoring()
    finally:
        schemas.bind_catalogue(None)
        patch.undo()


@pytest.fixture(scope="module")
def test_ids(features_dir: Path) -> list[int]:
    ids = pd.read_parquet(features_dir / "test.parquet", columns=["SK_ID_CURR"])["SK_ID_CURR"]
    return [int(i) for i in ids]


def test_explanations_add_up_to_the_raw_score_for_many_clients(service, test_ids) -> None:
    """base value + listed contributions + the rest == the booster's log-odds (1e-6)."""
    from service.schemas import MAX_TOP_K, ExplainRequest

    ids = test_ids[:150]
    raw = service.model.booster.predict(service.clients.features(ids).to_numpy(), raw_score=True)
    for client_id, expected in zip(ids, raw, strict=True):
        answer = service.explain(ExplainRequest(client_id=client_id, top_k=MAX_TOP_K))
        total = sum(c.contribution for c in answer.contributions) + answer.other_contribution
        assert answer.base_value + total == pytest.approx(expected, abs=1e-6)
        assert answer.raw_score == pytest.approx(expected, abs=1e-6)


def test_start_up_objects_are_frozen_out_of_the_garbage_collector(service) -> None:
    """A full GC pass over the loaded clients, model and dashboard took ~0.25 s and showed up
    as 0.4 s p99 stalls under load; the service freezes them once it has started."""
    import gc

    assert gc.get_freeze_count() > 100_000


def test_score_batch_matches_the_population_scores(service, test_ids) -> None:
    """The batch route and the start-up population scores come from the same path."""
    from service.schemas import ScoreRequest

    answers = service.score_batch([ScoreRequest(client_id=i) for i in test_ids[:500]])
    expected = service.clients.scores.loc[test_ids[:500], "probability"].to_numpy()
    assert [a.client_id for a in answers] == test_ids[:500]
    np.testing.assert_allclose([a.probability for a in answers], expected, atol=1e-12)
    decisions = service.clients.scores.loc[test_ids[:500], "decision"].tolist()
    assert [a.decision for a in answers] == decisions


def test_score_batch_mixes_clients_and_records_in_request_order(service, test_ids) -> None:
    """Known clients and feature records in one batch: each scored as if alone."""
    from service.schemas import ScoreRequest

    names = service.engine.feature_names
    record = dict(zip(names, service.clients.feature_vector(test_ids[3]).tolist(), strict=True))
    record = {k: (None if np.isnan(v) else v) for k, v in record.items()}
    requests = [
        ScoreRequest(client_id=test_ids[0]),
        ScoreRequest(features=record),
        ScoreRequest(client_id=test_ids[1]),
        ScoreRequest(features={names[0]: 1.0}),
    ]
    answers = service.score_batch(requests)
    alone = [service.engine.score(r) for r in requests]
    assert [a.client_id for a in answers] == [test_ids[0], None, test_ids[1], None]
    assert [a.model_dump() for a in answers] == [a.model_dump() for a in alone]
    assert answers[1].probability == service.clients.scores.loc[test_ids[3], "probability"]


def test_missing_features_are_scored(service) -> None:
    """A record with only nulls is a valid (if uninformative) applicant."""
    from service.schemas import ScoreRequest

    names = service.engine.feature_names[:5]
    answers = service.score_batch(
        [ScoreRequest(features={n: None for n in names}), ScoreRequest(features={})]
    )
    assert answers[0].probability == pytest.approx(answers[1].probability, abs=1e-12)


def test_unknown_client_raises_the_404_error(service) -> None:
    """Validation raises the service's 404 type, which BentoML turns into a 404."""
    from service.schemas import ClientRequest, ScoreRequest
    from service.service import ClientNotFound

    with pytest.raises(ClientNotFound, match="client_id 1 is not a known client"):
        ScoreRequest(client_id=1)
    with pytest.raises(ClientNotFound):
        ClientRequest(client_id=1)
    assert ClientNotFound(1).error_code == 404


def _history_of(raw_dir: Path, client_id: int) -> dict[str, list[dict]]:
    """The client's rows of every history table, as JSON-ready dicts."""
    history: dict[str, list[dict]] = {}
    bureau_ids: list[int] = []
    for table in HISTORY_TABLES:
        frame = pd.read_csv(raw_dir / f"{table}.csv")
        if "SK_ID_CURR" in frame.columns:
            frame = frame[frame["SK_ID_CURR"] == client_id]
        else:
            frame = frame[frame["SK_ID_BUREAU"].isin(bureau_ids)]
        if table == "bureau":
            bureau_ids = frame["SK_ID_BUREAU"].tolist()
        history[table] = [_clean(row) for row in frame.to_dict("records")]
    return history


def _clean(row: dict) -> dict:
    return {
        k: (None if pd.isna(v) else v.item() if hasattr(v, "item") else v) for k, v in row.items()
    }


def test_score_application_equals_the_batch_features(service, raw_dir: Path, test_ids) -> None:
    """A known client's raw rows through /score_application score like its feature row."""
    from service.schemas import ApplicationRequest, ScoreRequest

    applications = pd.read_csv(raw_dir / "application_test.csv")
    for client_id in test_ids[:3]:
        application = applications[applications["SK_ID_CURR"] == client_id].iloc[0].to_dict()
        request = ApplicationRequest(
            application=_clean(application), history=_history_of(raw_dir, client_id)
        )
        online = service.score_application(request)
        batch = service.score_batch([ScoreRequest(client_id=client_id)])[0]
        assert online.client_id == client_id
        assert online.probability == pytest.approx(batch.probability, abs=1e-9)


def test_bad_raw_rows_are_a_400(service) -> None:
    """Rows the feature SQL cannot read are the caller's error (BentoML's 400)."""
    import bentoml

    from service.schemas import ApplicationRequest

    request = ApplicationRequest(
        application={"SK_ID_CURR": 5},
        history={"bureau": [{"SK_ID_CURR": 6, "SK_ID_BUREAU": 1}]},
    )
    with pytest.raises(bentoml.exceptions.InvalidArgument):
        service.score_application(request)


def test_client_information_is_grouped_and_readable(service, test_ids) -> None:
    """/client in-process: four groups, ages in years, no raw DAYS_ numbers."""
    from service.schemas import ClientRequest

    answer = service.client(ClientRequest(client_id=test_ids[0]))
    assert len(answer.groups) == 4
    values = {f.name: f.value for g in answer.groups for f in g.fields}
    assert values["DAYS_BIRTH"].endswith("years")
    assert not values["DAYS_BIRTH"].startswith("-")
