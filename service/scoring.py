"""The one scoring path: features in, probability, decision and explanation out.

Pure Python on a loaded ``training.bundle.CreditModel`` (no BentoML here), so the Bento
service, the dashboard, the methodology note, the tests and the benchmarks all score
and explain the same way.

Explanations are exact TreeSHAP values computed by LightGBM itself
(``predict(pred_contrib=True)``, the same algorithm as ``shap.TreeExplainer`` without
converting the trees to Python, hence a few milliseconds per client). They are on the
booster's log-odds scale: the base value plus all contributions equals the booster's
raw score. The calibrated probability is a monotone map of that raw score, so a
positive contribution always means "raises the risk".
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from service.formatting import format_value

GRANTED = "granted"
REFUSED = "refused"
RAISES = "raises the risk"
LOWERS = "lowers the risk"
#: At most this many plain-language reasons per decision.
MAX_REASONS = 4
#: Contributions smaller than this (log-odds; about a 1 % change in the odds of default)
#: are too small to be given as a reason.
MIN_REASON_CONTRIBUTION = 0.01


@dataclass
class ScoreResult:
    """One client's score: what the API's ``/score`` answers."""

    client_id: int | None
    probability: float
    decision: str
    threshold: float
    model_version: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Contribution:
    """One feature's share of a client's score (log-odds) with words for people."""

    feature: str
    label: str
    value: float | None
    display_value: str
    contribution: float
    direction: str  # RAISES or LOWERS


@dataclass
class Explanation:
    """A client's probability, decision and its top-k SHAP contributions.

    ``base_value + sum(all contributions) == raw_score`` (booster log-odds);
    ``contributions`` holds the ``top_k`` largest by absolute value and
    ``other_contribution`` the sum of the rest, so the shown parts add up too.
    """

    client_id: int | None
    probability: float
    decision: str
    threshold: float
    model_version: str
    base_value: float
    raw_score: float
    contributions: list[Contribution] = field(default_factory=list)
    other_contribution: float = 0.0
    reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def refuses(probability, threshold: float):
    """The bank's rule: refuse when the probability of default is at or above the
    threshold. Takes a number (gives a bool) or an array (gives a bool array)."""
    return probability >= threshold


def decide(probability: float, threshold: float) -> str:
    """``refused`` or ``granted`` for one probability (see ``refuses``)."""
    return REFUSED if refuses(probability, threshold) else GRANTED


def _split_ids(model, features: pd.DataFrame) -> tuple[list[int | None], pd.DataFrame]:
    """Client ids (if the id column is present) and the features without id or target."""
    if model.id_column in features.columns:
        ids = [None if pd.isna(v) else int(v) for v in features[model.id_column]]
    else:
        ids = [None] * len(features)
    drop = [c for c in (model.id_column, model.target_column) if c in features.columns]
    return ids, features.drop(columns=drop) if drop else features


def probabilities(model, matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Calibrated probabilities of default and refusals (bool) for a feature matrix.

    The vectorised core of ``score``: ``matrix`` is float64 in the model's feature order
    (``model.matrix`` of a frame, or rows of the known clients' matrix), NaN = missing.
    The service's batches use it directly, so 1,000 rows cost one predict and no
    per-row Python.
    """
    probability = model.calibrate(model.raw_score_matrix(matrix))
    return probability, refuses(probability, model.threshold)


def decisions(refused: np.ndarray) -> list[str]:
    """``refused``/``granted`` for each row (see ``decide``)."""
    return [REFUSED if r else GRANTED for r in refused.tolist()]


def score(model, features: pd.DataFrame) -> list[ScoreResult]:
    """Score every row of ``features`` (model features, optionally the id column).

    Parameters
    ----------
    model : training.bundle.CreditModel
    features : DataFrame of shape (n, p)
        One row per client; column order does not matter, missing values are NaN.
    """
    ids, X = _split_ids(model, features)
    probability, refused = probabilities(model, model.matrix(X))
    return [
        ScoreResult(
            client_id=client_id,
            probability=p,
            decision=decision,
            threshold=model.threshold,
            model_version=model.version,
        )
        for client_id, p, decision in zip(
            ids, probability.tolist(), decisions(refused), strict=True
        )
    ]


def shap_values(model, X: pd.DataFrame) -> tuple[float, np.ndarray]:
    """Base value and SHAP contributions (log-odds), shape (n, p), in feature order."""
    contributions = model.contributions(X)
    return float(contributions[0, -1]), contributions[:, :-1]


def _as_frame(row: pd.DataFrame | pd.Series | Mapping[str, Any]) -> pd.DataFrame:
    if isinstance(row, pd.DataFrame):
        if len(row) != 1:
            raise ValueError(f"explain takes one client, got {len(row)} rows")
        return row
    if isinstance(row, pd.Series):
        return row.to_frame().T
    return pd.DataFrame([dict(row)])


def explain(
    model, features_row: pd.DataFrame | pd.Series | Mapping[str, Any], top_k: int = 10
) -> Explanation:
    """Explain one client's score: top-k SHAP contributions and plain-language reasons.

    Reasons (at most four, whatever ``top_k``) are the features that pushed the decision
    the way it went: for a refusal, the largest contributions raising the risk; for a
    grant, the largest lowering it; none below ``MIN_REASON_CONTRIBUTION``. Each reads
    like "Age: 24 years (raises the risk)".
    """
    if top_k < 1:
        raise ValueError(f"top_k must be at least 1, got {top_k}")
    ids, X = _split_ids(model, _as_frame(features_row))
    values = model.matrix(X)[0]
    contributions = model.contributions(X)[0]
    base, parts = float(contributions[-1]), contributions[:-1]
    raw = base + float(parts.sum())
    probability = float(model.calibrate(np.array([raw]))[0])
    decision = decide(probability, model.threshold)
    order = np.argsort(-np.abs(parts), kind="stable")
    top = order[: min(top_k, len(order))]
    specs = feature_specs(model.manifest)
    shown = [
        _contribution(name, values[i], parts[i], specs.get(name, {}))
        for i, name in ((i, model.feature_names[i]) for i in top)
    ]
    reasons: list[str] = []
    for i in order:  # largest first, whatever top_k is
        if len(reasons) == MAX_REASONS or abs(parts[i]) < MIN_REASON_CONTRIBUTION:
            break
        if (parts[i] > 0) == (decision == REFUSED):
            name = model.feature_names[i]
            c = _contribution(name, values[i], parts[i], specs.get(name, {}))
            reasons.append(f"{c.label}: {c.display_value} ({c.direction})")
    return Explanation(
        client_id=ids[0],
        probability=probability,
        decision=decision,
        threshold=model.threshold,
        model_version=model.version,
        base_value=base,
        raw_score=raw,
        contributions=shown,
        other_contribution=float(parts.sum() - parts[top].sum()),
        reasons=reasons,
    )


def feature_specs(manifest: Mapping[str, Any]) -> dict[str, dict]:
    """Manifest entries by feature name."""
    return {f["name"]: f for f in manifest.get("features", [])}


def _contribution(name: str, value: float, part: float, spec: Mapping[str, Any]) -> Contribution:
    missing = value is None or (isinstance(value, float) and math.isnan(value))
    return Contribution(
        feature=name,
        label=str(spec.get("label") or name),
        value=None if missing else float(value),
        display_value=display_value(None if missing else float(value), spec),
        contribution=float(part),
        direction=RAISES if part > 0 else LOWERS,
    )


def display_value(value: float | None, spec: Mapping[str, Any]) -> str:
    """A feature value in the unit people read, from its manifest entry.

    The platform's one formatter (``service.formatting.format_value``): the reasons read
    exactly like the values on the dashboard and in ``/client``.
    """
    return format_value(
        value,
        unit=str(spec.get("unit") or ""),
        kind=str(spec.get("type") or "numeric"),
        display_scale=spec.get("display_scale"),
    )
