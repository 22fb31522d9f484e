"""What the dashboard asks of the platform, as thin calls into the service's own modules.

The dashboard runs in the service's process (mounted at ``/ui``) or alone
(``credit-scoring ui``); either way it holds the loaded ``CreditModel`` and the
``ClientStore`` and calls ``service.scoring`` (scores, SHAP), ``service.clients``
(lookups, filters, population scores), ``service.describe`` (client information) and
``features.online`` (what-if features by the training SQL). Nothing here computes a
score or a feature: it gathers their answers for one screen.

Mounted in the Bento service, the Blocks are built when the service class is defined,
before the model is loaded: the service creates an empty ``Backend()``, builds the
dashboard on it and calls ``attach(model, clients)`` in its ``__init__``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from service import scoring
from service.clients import ClientFilter, ClientStore
from service.describe import describe_client
from ui import wording
from ui.whatif import LoanTerms, smallest_granted_credit

#: The scatter shows at most this many clients (a random, fixed sample) besides the client.
SCATTER_SAMPLE = 4000
#: A similar-clients group smaller than this is widened (criteria dropped, last first).
MIN_SIMILAR = 50
#: Half-width of the age band of similar clients, in years.
AGE_BAND_YEARS = 5


class DashboardNotReady(RuntimeError):
    """The dashboard was asked for data before the service attached its model."""


@dataclass(frozen=True)
class ClientView:
    """Everything the tabs show about one client, gathered in one call."""

    client_id: int
    probability: float
    decision: str
    threshold: float
    population_text: str
    factor_lines: list[str]
    contributions: list[float]
    top_features: list[str]
    base_value: float
    reasons: list[str]
    information_html: str
    terms: LoanTerms | None


@dataclass(frozen=True)
class Comparison:
    """One feature over all clients and over similar ones, split by decision."""

    label: str
    axis_title: str
    client_value: float | None
    client_text: str
    all_values: dict[str, np.ndarray]
    similar_values: dict[str, np.ndarray]
    similar_description: str

    @property
    def all_count(self) -> int:
        return sum(len(v) for v in self.all_values.values())

    @property
    def similar_count(self) -> int:
        return sum(len(v) for v in self.similar_values.values())


@dataclass(frozen=True)
class Pair:
    """Two features over a sample of clients, with their decisions and the client's point."""

    x: np.ndarray
    y: np.ndarray
    decisions: np.ndarray
    client_xy: tuple[float, float]
    x_title: str
    y_title: str


class Backend:
    """The loaded model and known clients, and the few calls the dashboard makes.

    Parameters
    ----------
    model : training.bundle.CreditModel, optional
        The served model; ``None`` until ``attach`` (mounted case).
    clients : service.clients.ClientStore, optional
        The known clients, their population scores already set.
    """

    def __init__(self, model: Any = None, clients: ClientStore | None = None) -> None:
        self._model = model
        self._clients = clients

    @classmethod
    def load(cls, model_tag: str, features_dir: Path) -> Backend:
        """Load the model and the known clients as the service does (standalone dashboard)."""
        from service.engine import ScoringEngine
        from training.bundle import load_model

        model = load_model(model_tag)
        engine = ScoringEngine.load(model, Path(features_dir), None, with_metrics=False)
        return cls(engine.model, engine.clients)

    def attach(self, model: Any, clients: ClientStore) -> None:
        """Give the dashboard the service's loaded model and clients (once, at start-up)."""
        self._model, self._clients = model, clients

    # --- what is loaded
    @property
    def model(self) -> Any:
        if self._model is None:
            raise DashboardNotReady("the dashboard's model is not loaded yet; retry in a moment")
        return self._model

    @property
    def clients(self) -> ClientStore:
        if self._clients is None:
            raise DashboardNotReady("the known clients are not loaded yet; retry in a moment")
        return self._clients

    @property
    def manifest(self) -> dict:
        return self.model.manifest

    def spec(self, feature: str) -> dict:
        """The manifest entry of ``feature`` (label, unit, type, display_scale)."""
        return scoring.feature_specs(self.manifest).get(feature, {"name": feature})

    def label(self, feature: str) -> str:
        return str(self.spec(feature).get("label") or feature)

    def model_caption(self) -> str:
        auc = self.model.metrics.get("auc")
        return wording.model_caption(
            self.model.version, self.model.threshold, None if auc is None else float(auc)
        )

    def filter_options(self) -> dict[str, list[str]]:
        return self.clients.options()

    def filter_ranges(self) -> tuple[float, float, float, float]:
        """The clients' age (whole years) and credit amount ranges, the filters' defaults."""
        table = self.clients.descriptive()
        age = pd.to_numeric(table["AGE_YEARS"])
        credit = pd.to_numeric(table["AMT_CREDIT"])
        return (
            float(np.floor(age.min())),
            float(np.ceil(age.max())),
            float(np.floor(credit.min())),
            float(np.ceil(credit.max())),
        )

    def feature_choices(self) -> list[tuple[str, str]]:
        """(label, name) of every model feature, sorted by label, for the drop-downs."""
        return sorted(((self.label(n), n) for n in self.model.feature_names), key=lambda c: c[0])

    def global_drivers(self, top: int) -> tuple[list[str], list[float], str]:
        """The features that weigh most in the model overall (LightGBM's total gain)."""
        gains = np.asarray(self.model.booster.feature_importance("gain"), dtype=float)
        share = gains / gains.sum() * 100 if gains.sum() > 0 else gains
        order = np.argsort(-share)[:top]
        names = self.model.feature_names
        return (
            [self.label(names[i]) for i in order],
            [float(share[i]) for i in order],
            ("Share of the model's total gain, %"),
        )

    # --- finding and showing clients
    def find(self, **criteria: Any) -> pd.DataFrame:
        """Clients matching ``criteria`` (``service.clients.ClientFilter`` fields)."""
        return self.clients.filter(ClientFilter(**criteria))

    def client_score(self, client_id: int) -> scoring.ScoreResult:
        return scoring.score(self.model, self.clients.features([client_id]))[0]

    def client_view(self, client_id: int, *, top_k: int) -> ClientView:
        """Score, explanation, information and loan terms of one known client."""
        features = self.clients.features([client_id])
        explanation = scoring.explain(self.model, features, top_k)
        application = self.clients.application(client_id)
        groups = describe_client(application, features.iloc[0].to_dict(), self.clients.manifest)
        population = self.clients.scores["probability"].to_numpy()
        parts = explanation.contributions
        return ClientView(
            client_id=client_id,
            probability=explanation.probability,
            decision=explanation.decision,
            threshold=explanation.threshold,
            population_text=wording.population_sentence(explanation.probability, population),
            factor_lines=[wording.feature_line(c.label, c.display_value) for c in parts],
            contributions=[c.contribution for c in parts],
            top_features=[c.feature for c in parts],
            base_value=explanation.base_value,
            reasons=list(explanation.reasons),
            information_html=wording.information_html(groups),
            terms=_loan_terms(application),
        )

    # --- comparing
    def _display(self, feature: str, values: np.ndarray) -> np.ndarray:
        scale = self.spec(feature).get("display_scale") or 1.0
        return np.asarray(values, dtype=float) * float(scale)

    def _by_decision(self, feature: str, ids: pd.Index) -> dict[str, np.ndarray]:
        frame = self.clients.frame()
        values = self._display(feature, frame.loc[ids, feature].to_numpy())
        decisions = self.clients.scores.loc[ids, "decision"].to_numpy()
        return {d: values[decisions == d] for d in (wording.GRANTED, wording.REFUSED)}

    def similar_clients(self, client_id: int) -> tuple[pd.Index, str]:
        """Clients of the same segment (the Find tab's filters), widened until large enough."""
        me = self.clients.descriptive().loc[client_id]
        age = me["AGE_YEARS"]
        criteria = {
            "contract_type": me["NAME_CONTRACT_TYPE"],
            "gender": me["CODE_GENDER"],
            "income_type": me["NAME_INCOME_TYPE"],
            "family_status": me["NAME_FAMILY_STATUS"],
        }
        words = {
            "contract_type": "contract type",
            "gender": "gender",
            "income_type": "income type",
            "family_status": "family status",
        }
        band = {}
        if not wording.is_missing(age):
            band = {"age_min": age - AGE_BAND_YEARS, "age_max": age + AGE_BAND_YEARS}
        keys = [k for k, v in criteria.items() if not wording.is_missing(v)]
        while True:
            used = {k: criteria[k] for k in keys}
            found = self.clients.filter(ClientFilter(**used, **band))
            if len(found) >= MIN_SIMILAR or not keys:
                break
            keys = keys[:-1]
        description = wording.similar_group_description(
            [words[k] for k in keys], (band["age_min"], band["age_max"]) if band else None
        )
        return pd.Index(found["SK_ID_CURR"].to_numpy()), description

    def compare(self, client_id: int, feature: str) -> Comparison:
        """``feature`` for all clients and similar ones, by decision, and the client's value."""
        spec = self.spec(feature)
        value = float(self.clients.features([client_id]).iloc[0][feature])
        similar, description = self.similar_clients(client_id)
        return Comparison(
            label=self.label(feature),
            axis_title=wording.axis_title(self.label(feature), spec.get("unit", "")),
            client_value=wording.scaled(value, spec.get("display_scale")),
            client_text=scoring.display_value(None if np.isnan(value) else value, spec),
            all_values=self._by_decision(feature, pd.Index(self.clients.ids)),
            similar_values=self._by_decision(feature, similar),
            similar_description=description,
        )

    def pair(self, client_id: int, x_feature: str, y_feature: str) -> Pair:
        """Two features over a fixed random sample of clients, and the client's point."""
        ids = self.clients.ids
        if len(ids) > SCATTER_SAMPLE:
            ids = np.sort(np.random.default_rng(0).choice(ids, SCATTER_SAMPLE, replace=False))
        frame = self.clients.features(ids)
        mine = self.clients.features([client_id]).iloc[0]

        def title(feature: str) -> str:
            return wording.axis_title(self.label(feature), self.spec(feature).get("unit", ""))

        return Pair(
            x=self._display(x_feature, frame[x_feature].to_numpy()),
            y=self._display(y_feature, frame[y_feature].to_numpy()),
            decisions=self.clients.scores.loc[ids, "decision"].to_numpy(),
            client_xy=(
                float(self._display(x_feature, np.array([mine[x_feature]]))[0]),
                float(self._display(y_feature, np.array([mine[y_feature]]))[0]),
            ),
            x_title=title(x_feature),
            y_title=title(y_feature),
        )

    # --- what if
    def score_terms(self, client_id: int, candidates: list[LoanTerms]) -> list[scoring.ScoreResult]:
        """Scores of the client's application with other loan terms, features by the SQL."""
        from features.online import recompute_features

        application = self.clients.application(client_id)
        known = self.clients.features([client_id]).iloc[0]
        rows = [
            recompute_features(application, known, terms.application_fields())
            for terms in candidates
        ]
        return scoring.score(self.model, pd.concat(rows, ignore_index=True))

    def smallest_granted_credit(
        self, client_id: int, terms: LoanTerms
    ) -> tuple[LoanTerms, scoring.ScoreResult] | None:
        """The largest credit amount (same term) that would be granted, with its score."""

        def granted(batch: list[LoanTerms]) -> list[bool]:
            return [r.decision == wording.GRANTED for r in self.score_terms(client_id, batch)]

        best = smallest_granted_credit(terms, granted)
        if best is None:
            return None
        return best, self.score_terms(client_id, [best])[0]


def _loan_terms(application: dict) -> LoanTerms | None:
    """The application's own loan terms, or None where they cannot be read."""
    try:
        return LoanTerms(
            credit=float(application.get("AMT_CREDIT")),
            annuity=float(application.get("AMT_ANNUITY")),
            goods_price=None
            if wording.is_missing(application.get("AMT_GOODS_PRICE"))
            else float(application["AMT_GOODS_PRICE"]),
        )
    except (TypeError, ValueError):
        return None
