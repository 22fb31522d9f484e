"""What the service does for each route, outside BentoML: resolve, score, log, answer.

The Bento service class stays a thin shell (one call per API); this module turns
validated requests into feature rows, scores them through ``service.scoring`` (the one
scoring path), records the metrics, appends the scored applications to the request log
before answering, and builds the response bodies. It can be driven in-process, which
is how the tests and the benchmark's reference use it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import TypeAdapter

from credit_scoring.logs import get_logger
from service import scoring
from service.clients import ClientStore
from service.describe import describe_client
from service.metrics import ServiceMetrics
from service.schemas import (
    ApplicationRequest,
    ClientField,
    ClientGroup,
    ClientResponse,
    ExplainRequest,
    ExplainResponse,
    ScoreRequest,
    ScoreResponse,
)

log = get_logger(__name__)
#: Builds the response objects of a batch in one pass (faster than one constructor per row).
_RESPONSES = TypeAdapter(list[ScoreResponse])


@dataclass(frozen=True)
class Row:
    """One client resolved to its feature vector (model order; NaN = missing)."""

    client_id: int | None
    vector: np.ndarray


class ScoringEngine:
    """The model, the known clients, the request log and the metrics, working together.

    Parameters
    ----------
    model : training.bundle.CreditModel
        The served model.
    clients : ClientStore
        The known clients (their population scores are filled here, once).
    request_log : monitoring.request_log.RequestLog or None
        Where scored applications are appended (durably, before the answer).
    metrics : ServiceMetrics or None
        Where scores, decisions and explanation times are counted.
    """

    def __init__(self, model, clients: ClientStore, request_log=None, metrics=None) -> None:
        self.model = model
        self.clients = clients
        self.request_log = request_log
        self.metrics = metrics
        self.feature_names: list[str] = list(model.feature_names)
        self._position = {name: i for i, name in enumerate(self.feature_names)}
        population = scoring.score(model, clients.frame())
        clients.set_scores([r.probability for r in population], [r.decision for r in population])

    @classmethod
    def load(
        cls,
        model,
        features_dir: Path,
        request_log_dir: Path | None,
        *,
        with_metrics: bool = True,
    ) -> ScoringEngine:
        """Load the known clients from ``features_dir`` and open the request log."""
        clients = ClientStore.load(features_dir, model.feature_names)
        request_log = None
        if request_log_dir is not None:
            from monitoring.request_log import RequestLog

            request_log = RequestLog(request_log_dir)
        metrics = ServiceMetrics(model_info(model)) if with_metrics else None
        engine = cls(model, clients, request_log, metrics)
        log.info(
            "event=engine_ready model=%s clients=%d features=%d request_log=%s",
            model.tag,
            len(clients),
            len(engine.feature_names),
            request_log_dir,
        )
        return engine

    # --- resolving requests to feature rows
    def resolve(self, request: ScoreRequest | ExplainRequest) -> Row:
        """The request's feature vector: the known client's row, or the given record."""
        if request.client_id is not None:
            return Row(request.client_id, self.clients.feature_vector(request.client_id))
        return Row(None, self.batch_matrix([request])[0])

    def frame(self, rows: Sequence[Row]) -> pd.DataFrame:
        """Rows as the feature frame ``service.scoring`` takes."""
        return pd.DataFrame(np.vstack([r.vector for r in rows]), columns=self.feature_names)

    def batch_matrix(self, requests: Sequence[ScoreRequest | ExplainRequest]) -> np.ndarray:
        """The requests' feature vectors as one matrix (model order), in request order.

        Known clients are taken from the client matrix with one fancy index; feature
        records fill their own rows.
        """
        matrix = np.full((len(requests), len(self.feature_names)), np.nan)
        known = [i for i, r in enumerate(requests) if r.client_id is not None]
        if known:
            rows = [self.clients.row_index(requests[i].client_id) for i in known]
            matrix[known] = self.clients.matrix[rows]
        for i, request in enumerate(requests):
            for name, value in (request.features or {}).items():
                if value is not None:
                    matrix[i, self._position[name]] = value
        return matrix

    # --- scoring
    def score_rows(self, rows: Sequence[Row]) -> list[ScoreResponse]:
        """Score ``rows`` in one model call, count them, log them, answer in order."""
        if not rows:
            return []
        return self.score_matrix([r.client_id for r in rows], np.vstack([r.vector for r in rows]))

    def score_matrix(
        self, client_ids: Sequence[int | None], matrix: np.ndarray
    ) -> list[ScoreResponse]:
        """Score the rows of ``matrix`` in one model call, count them, log them, answer.

        Vectorised from end to end: one predict, one histogram update, one log append;
        only the response objects are built per row.
        """
        probability, refused = scoring.probabilities(self.model, matrix)
        decisions = scoring.decisions(refused)
        if self.metrics is not None:
            self.metrics.observe_scores(probability, refused)
        threshold, version = float(self.model.threshold), self.model.version
        if self.request_log is not None:
            self.request_log.append_matrix(
                matrix,
                self.feature_names,
                client_id=list(client_ids),
                probability=probability,
                decision=decisions,
                threshold=threshold,
                model_version=version,
            )
        answers = [
            {
                "client_id": client_id,
                "probability": p,
                "decision": decision,
                "threshold": threshold,
                "model_version": version,
            }
            for client_id, p, decision in zip(
                client_ids, probability.tolist(), decisions, strict=True
            )
        ]
        return _RESPONSES.validate_python(answers)  # one call into pydantic-core

    def score(self, request: ScoreRequest) -> ScoreResponse:
        """Score one client (no batching)."""
        return self.score_rows([self.resolve(request)])[0]

    def score_batch(self, requests: Sequence[ScoreRequest]) -> list[ScoreResponse]:
        """Score many clients in one model call, answers in order."""
        if not requests:
            return []
        return self.score_matrix([r.client_id for r in requests], self.batch_matrix(requests))

    def score_application(self, request: ApplicationRequest) -> ScoreResponse:
        """Compute a new applicant's features with the training SQL, then score them.

        Raises ``features.raw.RawDataError`` for rows the SQL cannot read or values that
        make a feature infinite (the service answers 400).
        """
        from features.online import compute_features
        from features.raw import RawDataError

        frame = compute_features(request.application, request.history)
        vector = frame.reindex(columns=self.feature_names).to_numpy(dtype=np.float64)[0]
        infinite = [n for n, v in zip(self.feature_names, vector, strict=True) if np.isinf(v)]
        if infinite:  # e.g. an amount divided by a near-zero income: absurd raw values
            raise RawDataError(
                f"application: the values give infinite feature(s) {', '.join(infinite[:5])}; "
                "check the amounts and their units"
            )
        client_id = request.application.get("SK_ID_CURR")
        client_id = int(client_id) if isinstance(client_id, int | float) else None
        return self.score_rows([Row(client_id, vector)])[0]

    # --- explaining and describing
    def explain(self, request: ExplainRequest) -> ExplainResponse:
        """The top-k SHAP contributions, base value and plain-language reasons."""
        row = self.resolve(request)
        if self.metrics is not None:
            with self.metrics.time_explanation():
                explanation = scoring.explain(self.model, self.frame([row]), request.top_k)
        else:
            explanation = scoring.explain(self.model, self.frame([row]), request.top_k)
        return explain_response(explanation, row.client_id)

    def describe(self, client_id: int) -> ClientResponse:
        """The known client's descriptive information, grouped, in human units."""
        application = self.clients.application(client_id)
        features = dict(
            zip(self.feature_names, self.clients.feature_vector(client_id).tolist(), strict=True)
        )
        groups = describe_client(application, features, self.clients.manifest)
        return ClientResponse(
            client_id=client_id,
            groups=[
                ClientGroup(
                    title=g.title,
                    fields=[
                        ClientField(name=f.name, label=f.label, value=f.value) for f in g.fields
                    ],
                )
                for g in groups
            ],
        )


def model_info(model) -> dict[str, str]:
    """The served model's description for the ``credit_model_info`` metric."""
    return {
        "tag": str(model.tag),
        "version": str(model.version),
        "threshold": f"{float(model.threshold):.6g}",
        "features": str(len(model.feature_names)),
        "strategy": str(getattr(model, "strategy", "")),
    }


def explain_response(explanation: scoring.Explanation, client_id: int | None) -> ExplainResponse:
    """``service.scoring``'s explanation as the API's response body."""
    body = explanation.to_dict()
    body["client_id"] = client_id
    return ExplainResponse(**body)
