"""The credit-scoring Bento service: scores, explanations and client data over HTTP.

Run it with ``credit-scoring serve`` or ``bentoml serve service.service:CreditScoring``.
Configuration comes from the environment (see ``credit_scoring.settings``):
``CREDIT_MODEL_TAG`` (default ``credit_model:latest``), ``CREDIT_FEATURES_DIR`` (the known
clients' feature tables), ``CREDIT_REQUEST_LOG_DIR``, ``CREDIT_API_TOKEN`` (bearer token;
unset = open) and ``CREDIT_SCORE_BATCHING`` (``on``/``off``, adaptive batching of /score).

Adaptive batching. ``/score_batch`` is a BentoML batchable API: concurrent calls are
merged into one model call of up to ``BATCH_MAX_ROWS`` rows (two full 1,000-client
calls), waiting at most ``BATCH_MAX_LATENCY_MS`` for company. ``/score`` takes one client
per request (the contract), which BentoML only batches for list inputs, so it queues
its row on the same dispatcher class BentoML uses (CorkDispatcher) with
``SCORE_MAX_ROWS``/``SCORE_MAX_LATENCY_MS``: a batch of single rows is scored, and logged,
in one call and one disk sync. The latency caps are generous on purpose: the
dispatcher answers 503 to a request it expects to exceed the cap, and the wait it
actually adds is learnt from traffic (none when requests come one at a time).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import bentoml
from pydantic import Field
from starlette.concurrency import run_in_threadpool

from credit_scoring import settings
from features.raw import RawDataError
from monitoring.metrics import DriftGauges
from service.guard import RequestGuard
from service.process import ENV_SCORE_BATCHING, freeze_loaded_objects
from service.schemas import (
    MAX_BATCH_ITEMS,
    ApplicationRequest,
    Catalogue,
    ClientRequest,
    ClientResponse,
    ExplainRequest,
    ExplainResponse,
    ScoreRequest,
    ScoreResponse,
    bind_catalogue,
)
from ui.app import dashboard_app, ui_auth
from ui.backend import Backend

#: /score_batch: up to two full 1,000-client calls merged into one model call.
BATCH_MAX_ROWS = 2 * MAX_BATCH_ITEMS
BATCH_MAX_LATENCY_MS = 10_000
#: /score: single rows; 64 covers the concurrency a single worker sees in practice.
SCORE_MAX_ROWS = 64
SCORE_MAX_LATENCY_MS = 2_000

MODEL_TAG = os.environ.get(settings.ENV_MODEL_TAG, "").strip() or settings.DEFAULT_MODEL_TAG
SCORE_BATCHING = os.environ.get(ENV_SCORE_BATCHING, "on").strip().lower() not in ("off", "0", "no")


#: The dashboard (Gradio) is served under this path, in the same process and port as the
#: API. Its Blocks are built now, when the class is defined; ``__init__`` attaches the model.
DASHBOARD_PATH = "/ui"
DASHBOARD = Backend()


class ClientNotFound(bentoml.exceptions.NotFound):
    """An unknown ``client_id`` (HTTP 404)."""

    def __init__(self, client_id: int) -> None:
        super().__init__(f"client_id {client_id} is not a known client")


@bentoml.asgi_app(dashboard_app(DASHBOARD, path=DASHBOARD_PATH), path="/")
@bentoml.service(
    name="credit_scoring",
    workers=1,
    # Sync APIs (/score_batch, /explain, /client, /score_application) run in this many
    # threads: LightGBM and the log's disk sync release the GIL, so an explanation need not
    # wait behind a 1,000-client batch.
    threads=4,
    traffic={"timeout": 60},
    http={"cors": {"enabled": False}},
)
class CreditScoring:
    """Probability of default, decision and SHAP explanation for credit applicants."""

    model_ref = bentoml.models.BentoModel(MODEL_TAG)

    def __init__(self) -> None:
        from service.engine import ScoringEngine
        from training.bundle import load_model_dir

        stored = self.model_ref
        self.model = load_model_dir(Path(stored.path), tag=str(stored.tag))
        self.engine = ScoringEngine.load(
            self.model,
            settings.env_path(settings.ENV_FEATURES_DIR, settings.DEFAULT_FEATURES_DIR),
            settings.env_path(settings.ENV_REQUEST_LOG_DIR, settings.DEFAULT_REQUEST_LOG_DIR),
        )
        self.clients = self.engine.clients
        self.drift_gauges = DriftGauges()  # the drift job's latest summary, read when scraped
        DASHBOARD.attach(self.model, self.clients)
        bind_catalogue(
            Catalogue(frozenset(self.engine.feature_names), self.clients.__contains__),
            not_found=ClientNotFound,
        )
        self._batched_rows = None
        if SCORE_BATCHING:
            from service.batching import RowBatcher

            self._batched_rows = RowBatcher(
                self.engine.score_rows, max_rows=SCORE_MAX_ROWS, max_latency_ms=SCORE_MAX_LATENCY_MS
            )
        freeze_loaded_objects()  # no full GC pass over them again: p99 stalls otherwise

    @bentoml.api
    async def score(self, request: ScoreRequest, /) -> ScoreResponse:
        """Score one client, by ``client_id`` or by a feature record."""
        row = self.engine.resolve(request)
        if self._batched_rows is not None:
            return await self._batched_rows(row)
        answers = await run_in_threadpool(self.engine.score_rows, [row])
        return answers[0]

    @bentoml.api(batchable=True, max_batch_size=BATCH_MAX_ROWS, max_latency_ms=BATCH_MAX_LATENCY_MS)
    def score_batch(
        self,
        clients: Annotated[
            list[ScoreRequest],
            Field(
                min_length=1,
                max_length=MAX_BATCH_ITEMS,
                description="Up to 1,000 clients, each by client_id or by features",
                examples=[[{"client_id": 100002}, {"features": {"EXT_SOURCE_2": 0.26}}]],
            ),
        ],
    ) -> list[ScoreResponse]:
        """Score up to 1,000 clients or records; the answers come in the same order.

        The body is ``{"clients": [...]}`` (an object, not a bare array, so that a malformed
        body is a 400 like on every other route).
        """
        return self.engine.score_batch(clients)

    @bentoml.api
    def score_application(self, request: ApplicationRequest, /) -> ScoreResponse:
        """Score a new applicant from raw rows; features come from the training SQL."""
        try:
            return self.engine.score_application(request)
        except RawDataError as error:  # rows the feature SQL cannot read: the caller's fault
            raise bentoml.exceptions.InvalidArgument(str(error)) from None

    @bentoml.api
    def explain(self, request: ExplainRequest, /) -> ExplainResponse:
        """Why this score: SHAP contributions of the top features and plain reasons."""
        return self.engine.explain(request)

    @bentoml.api
    def client(self, request: ClientRequest, /) -> ClientResponse:
        """A known client's descriptive information, grouped, in human units."""
        return self.engine.describe(request.client_id)

    def __metrics__(self, content: str) -> str:
        """BentoML's metrics, the served model's info metric and the drift gauges."""
        return self.engine.metrics.exposition(content) + self.drift_gauges.exposition()


CreditScoring.add_asgi_middleware(
    RequestGuard,
    token=os.environ.get(settings.ENV_API_TOKEN, "").strip() or None,
    # Browsers cannot send the API token: the dashboard skips the token check only when it
    # has its own login (CREDIT_UI_USER / CREDIT_UI_PASSWORD).
    open_prefixes=(DASHBOARD_PATH,) if ui_auth() else (),
)
