"""The dashboard's backend and callbacks in-process, on the session's model and clients."""

from __future__ import annotations

from pathlib import Path

import gradio as gr
import numpy as np
import pytest

from service import scoring
from ui import app
from ui.backend import Backend, DashboardNotReady
from ui.whatif import CREDIT_FLOOR_SHARE


@pytest.fixture(scope="module")
def backend(model_tag: str, features_dir: Path) -> Backend:
    """The backend as ``credit-scoring ui`` loads it (the service's engine, no request log)."""
    return Backend.load(model_tag, features_dir)


@pytest.fixture(scope="module")
def refused_ids(backend: Backend) -> list[int]:
    """Refused clients, closest to the bank's limit first."""
    refused = backend.find(decision="refused").sort_values("probability")
    assert len(refused) > 0, "the session's model refuses nobody"
    return [int(i) for i in refused["SK_ID_CURR"]]


def test_client_view_uses_the_scoring_path(backend: Backend, refused_ids: list[int]):
    """Probability and decision are the ones ``service.scoring.score`` gives."""
    client_id = refused_ids[-1]
    view = backend.client_view(client_id, top_k=8)
    expected = scoring.score(backend.model, backend.clients.features([client_id]))[0]
    assert view.probability == pytest.approx(expected.probability, abs=1e-12)
    assert view.decision == expected.decision == "refused"
    assert len(view.contributions) == len(view.factor_lines) == 8
    assert 1 <= len(view.reasons) <= 4
    assert view.information_html.count("<section>") == 4


def test_find_filters_by_decision_and_age(backend: Backend):
    """Every listed client meets the filters."""
    found = backend.find(decision="granted", age_min=30, age_max=40)
    assert len(found) > 0
    assert set(found["decision"]) == {"granted"}
    assert found["AGE_YEARS"].between(30, 40).all()


def test_what_if_with_unchanged_terms_gives_the_clients_score(
    backend: Backend, refused_ids: list[int]
):
    """Recomputing the features by the SQL with the same terms reproduces the batch score."""
    client_id = refused_ids[0]
    terms = backend.client_view(client_id, top_k=1).terms
    assert terms is not None
    again = backend.score_terms(client_id, [terms])[0]
    assert again.probability == pytest.approx(backend.client_score(client_id).probability, 1e-9)


def test_smallest_granted_credit_turns_a_refusal_within_bounds(
    backend: Backend, refused_ids: list[int]
):
    """For refused clients near the limit, a proposal exists and is granted at a lower credit."""
    proposals = 0
    for client_id in refused_ids[:5]:
        terms = backend.client_view(client_id, top_k=1).terms
        found = backend.smallest_granted_credit(client_id, terms)
        if found is None:
            continue
        best, result = found
        proposals += 1
        assert result.decision == "granted"
        assert CREDIT_FLOOR_SHARE * terms.credit <= best.credit < terms.credit
        assert best.term_months == pytest.approx(terms.term_months)
    assert proposals > 0, "no refused client near the limit can be granted a smaller credit"


def test_compare_splits_every_valued_client_by_decision(backend: Backend, refused_ids: list[int]):
    """The distribution holds every client with a value, each once, granted or refused."""
    feature = backend.model.feature_names[0]
    comparison = backend.compare(refused_ids[0], feature)
    values = backend.clients.frame()[feature].to_numpy()
    assert comparison.all_count == len(values)
    valued = sum(int(np.isfinite(v).sum()) for v in comparison.all_values.values())
    assert valued == int(np.isfinite(values).sum())
    assert 0 < comparison.similar_count <= comparison.all_count
    assert comparison.similar_description.startswith(("clients", "all clients"))


def test_open_client_fills_every_tab(backend: Backend, refused_ids: list[int]):
    """The callback answers one value per output and names the client in the banner."""
    outputs = app.open_client(backend, f" {refused_ids[0]} ")
    assert outputs[0] == refused_ids[0]
    assert f"Client {refused_ids[0]}" in outputs[1] and "REFUSED" in outputs[1]
    assert "above the limit" in outputs[3]


@pytest.mark.parametrize(
    ("typed", "message"),
    [("", "Type a client ID"), ("12ab", "whole number"), ("1", "not a known client")],
)
def test_open_client_explains_a_bad_id(backend: Backend, typed: str, message: str):
    """Empty, non-numeric and unknown IDs get a sentence, not a stack trace."""
    with pytest.raises(gr.Error, match=message):
        app.open_client(backend, typed)


def test_suggest_says_when_no_change_is_needed(backend: Backend):
    """A granted application gets no proposal."""
    granted = backend.find(decision="granted")
    client_id = int(granted["SK_ID_CURR"].iloc[0])
    terms = backend.client_view(client_id, top_k=1).terms
    text = app.suggest(backend, client_id, terms.credit, terms.annuity, terms.goods_price, 0)
    assert text.startswith("The application is granted with these terms")


def test_dashboard_builds_before_the_model_is_attached():
    """The service builds the Blocks at import; data calls wait for ``attach``."""
    pending = Backend()
    assert isinstance(app.build_dashboard(pending), gr.Blocks)
    with pytest.raises(DashboardNotReady):
        app.on_load(pending)


@pytest.mark.parametrize(
    ("user", "password", "expected"),
    [("", "", None), ("rm", "secret", [("rm", "secret")])],
)
def test_ui_auth_reads_both_variables(monkeypatch, user, password, expected):
    """Login only when both variables are set."""
    monkeypatch.setenv("CREDIT_UI_USER", user)
    monkeypatch.setenv("CREDIT_UI_PASSWORD", password)
    assert app.ui_auth() == expected


def test_ui_auth_refuses_half_a_login(monkeypatch):
    """A user without a password is a configuration error, named."""
    monkeypatch.setenv("CREDIT_UI_USER", "rm")
    monkeypatch.delenv("CREDIT_UI_PASSWORD", raising=False)
    with pytest.raises(ValueError, match="CREDIT_UI_PASSWORD"):
        app.ui_auth()


def test_mounted_dashboard_asks_for_the_login(monkeypatch):
    """With both variables set, the mounted app refuses its config until the login succeeds."""
    from fastapi.testclient import TestClient

    monkeypatch.setenv("CREDIT_UI_USER", "rm")
    monkeypatch.setenv("CREDIT_UI_PASSWORD", "secret")
    with TestClient(app.dashboard_app(Backend(), path="/ui")) as client:
        assert client.get("/ui/config").status_code == 401
        wrong = client.post("/ui/login", data={"username": "rm", "password": "guess"})
        assert wrong.status_code == 400
        right = client.post("/ui/login", data={"username": "rm", "password": "secret"})
        assert right.status_code == 200
        assert client.get("/ui/config").status_code == 200


def test_mounted_dashboard_is_open_without_login(monkeypatch):
    """Without the variables, the dashboard's config is served to anyone who reaches it."""
    from fastapi.testclient import TestClient

    monkeypatch.delenv("CREDIT_UI_USER", raising=False)
    monkeypatch.delenv("CREDIT_UI_PASSWORD", raising=False)
    with TestClient(app.dashboard_app(Backend(), path="/ui")) as client:
        assert client.get("/ui/config").status_code == 200
