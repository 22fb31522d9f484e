"""The model artifact: ``credit_model`` in the BentoML store, saved and loaded in one place.

A saved version is a folder holding everything serving, the dashboard and drift
monitoring need, so that nothing is retyped elsewhere:

- ``booster.txt``: the LightGBM booster (text format, readable and version-stable);
- ``model.json``: threshold (probability scale), costs, calibration, features with types,
  imbalance strategy, fingerprint and path of the feature table;
- ``manifest.json``: the feature manifest (labels and units for people);
- ``metrics.json``: the training run's figures (AUC, business cost, calibration, ...);
- ``reference.parquet``: a sample of training rows' features plus ``prediction`` (drift).

The headline figures are also in the BentoML metadata, so ``bentoml models get
credit_model:latest`` shows them. Calibration is applied here and nowhere else.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import training.openmp  # noqa: F401  (before LightGBM loads: passive OpenMP waits)
from credit_scoring.settings import DEFAULT_MODEL_NAME, DEFAULT_MODEL_TAG
from training.calibration import PlattCalibration

MODEL_NAME = DEFAULT_MODEL_NAME
BOOSTER_FILE = "booster.txt"
MODEL_FILE = "model.json"
MANIFEST_FILE = "manifest.json"
METRICS_FILE = "metrics.json"
REFERENCE_FILE = "reference.parquet"
#: Up to this many rows, predict on one thread (latency of single-client calls).
SMALL_BATCH_ROWS = 256
#: Format of ``model.json``; raise when its meaning changes.
BUNDLE_FORMAT = 1


class FeatureMismatchError(ValueError):
    """The columns given to the model are not the ones it was trained on."""


@dataclass
class CreditModel:
    """A loaded ``credit_model`` version: booster, threshold, calibration and documents.

    ``raw_score`` gives the booster's log-odds (what SHAP contributions add up to);
    ``predict_proba`` gives the calibrated probability of default, the scale of
    ``threshold``: a client is refused when ``predict_proba >= threshold``.
    """

    tag: str
    booster: Any  # lightgbm.Booster
    feature_names: list[str]
    feature_types: dict[str, str]
    threshold: float
    cost_fn: float
    cost_fp: float
    calibration: PlattCalibration
    strategy: str
    manifest: dict
    metrics: dict
    path: Path
    info: dict = field(default_factory=dict)

    @property
    def version(self) -> str:
        return self.tag.split(":", 1)[1]

    @property
    def id_column(self) -> str:
        return self.manifest.get("id_column", "SK_ID_CURR")

    @property
    def target_column(self) -> str:
        return self.manifest.get("target_column", "TARGET")

    def matrix(self, X: pd.DataFrame) -> np.ndarray:
        """``X`` as a float64 matrix in the model's feature order (NaN = missing).

        Raises ``FeatureMismatchError`` naming missing, unknown or non-numeric columns.
        Built for one-row calls too: no per-column Series, so a few hundred features
        cost microseconds, not milliseconds.
        """
        if list(X.columns) != self.feature_names:
            present = set(X.columns)
            missing = [c for c in self.feature_names if c not in present]
            if missing:
                raise FeatureMismatchError(
                    f"{len(missing)} model feature(s) missing from the input: {_names(missing)}"
                )
            known = set(self.feature_names)
            extra = [c for c in X.columns if c not in known]
            if extra:
                raise FeatureMismatchError(
                    f"{len(extra)} column(s) the model does not know: {_names(extra)}"
                )
            X = X[self.feature_names]
        odd = [c for c, dtype in zip(X.columns, X.dtypes, strict=True) if dtype.kind not in "biuf"]
        if odd:
            X = X.assign(**{c: _numeric(X[c], c) for c in odd})
        return X.to_numpy(dtype=np.float64, na_value=np.nan)

    def _predict(self, matrix: np.ndarray, **kind: bool) -> np.ndarray:
        # A few rows are faster on one thread than after waking an OpenMP team.
        threads = {"num_threads": 1} if len(matrix) <= SMALL_BATCH_ROWS else {}
        return self.booster.predict(matrix, **kind, **threads)

    def raw_score(self, X: pd.DataFrame) -> np.ndarray:
        """Booster log-odds of default, shape (n,)."""
        return self.raw_score_matrix(self.matrix(X))

    def raw_score_matrix(self, matrix: np.ndarray) -> np.ndarray:
        """Booster log-odds for a float64 matrix already in the model's feature order."""
        if matrix.ndim != 2 or matrix.shape[1] != len(self.feature_names):
            raise FeatureMismatchError(
                f"expected a matrix of {len(self.feature_names)} feature columns, "
                f"got shape {matrix.shape}"
            )
        return self._predict(matrix, raw_score=True)

    def contributions(self, X: pd.DataFrame) -> np.ndarray:
        """Exact TreeSHAP values (log-odds), shape (n, p + 1); the last column is the base
        value, and each row adds up to ``raw_score``."""
        return self._predict(self.matrix(X), pred_contrib=True)

    def calibrate(self, raw: np.ndarray) -> np.ndarray:
        """Calibrated probability of default for booster log-odds ``raw``."""
        return self.calibration.probability(raw)

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Calibrated probability of default, shape (n,)."""
        return self.calibrate(self.raw_score(X))

    def reference(self) -> pd.DataFrame:
        """The drift reference: training rows' features plus the ``prediction`` column."""
        return pd.read_parquet(self.path / REFERENCE_FILE)


def _numeric(column: pd.Series, name: str) -> pd.Series:
    """A column of numbers (None/NaN allowed), or an error naming the column and value."""
    converted = pd.to_numeric(column, errors="coerce")
    bad = column.notna() & converted.isna()
    if bad.any():
        raise FeatureMismatchError(f"feature {name!r} must be numeric, got {column[bad].iloc[0]!r}")
    return converted.astype(np.float64)


def _names(columns: list[str], limit: int = 10) -> str:
    shown = ", ".join(repr(c) for c in columns[:limit])
    return shown + (f" and {len(columns) - limit} more" if len(columns) > limit else "")


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=False, default=_json_default) + "\n")


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def save_model(
    booster: Any,
    *,
    threshold: float,
    cost_fn: float,
    cost_fp: float,
    calibration: PlattCalibration,
    strategy: str,
    manifest: dict,
    metrics: dict,
    reference: pd.DataFrame,
    fingerprint: str,
    feature_table: Path,
    labels: dict[str, str] | None = None,
) -> str:
    """Save a new ``credit_model`` version to the BentoML store and return its tag.

    Parameters
    ----------
    booster : lightgbm.Booster
        The model refitted on all training rows; its feature names are the model's.
    threshold : float
        Refusal threshold on the calibrated probability scale.
    cost_fn, cost_fp : float
        Cost of accepting a defaulter and of refusing a good client.
    calibration : PlattCalibration
        Map from booster log-odds to calibrated probability.
    strategy : str
        Class-imbalance strategy the booster was trained with.
    manifest, metrics : dict
        Feature manifest and the run's figures (``metrics["auc"]``, ``["business_cost"]``).
    reference : DataFrame
        Training rows' features plus a ``prediction`` column, for drift monitoring.
    fingerprint : str
        SHA-256 of the feature table the model was trained on.
    feature_table : Path
        Folder of that feature table.
    """
    import bentoml

    feature_names = list(booster.feature_name())
    types = {f["name"]: f.get("type", "numeric") for f in manifest.get("features", [])}
    model_info = {
        "format": BUNDLE_FORMAT,
        "threshold": float(threshold),
        "threshold_scale": "calibrated probability of default; refuse when p >= threshold",
        "costs": {"c_fn": float(cost_fn), "c_fp": float(cost_fp)},
        "calibration": calibration.to_dict(),
        "imbalance_strategy": strategy,
        "features": [{"name": n, "type": types.get(n, "numeric")} for n in feature_names],
        "feature_table": str(Path(feature_table).resolve()),
        "feature_table_sha256": fingerprint,
    }
    metadata = {
        "threshold": float(threshold),
        "cost_fn": float(cost_fn),
        "cost_fp": float(cost_fp),
        "auc": float(metrics["auc"]),
        "business_cost": float(metrics["business_cost"]),
        "imbalance_strategy": strategy,
        "calibration": calibration.method,
        "n_features": len(feature_names),
        "n_train_rows": int(metrics.get("n_rows", 0)),
        "feature_table": str(Path(feature_table).resolve()),
        "feature_table_sha256": fingerprint,
    }
    all_labels = {"framework": "lightgbm", "strategy": strategy, **(labels or {})}
    with bentoml.models.create(MODEL_NAME, labels=all_labels, metadata=metadata) as stored:
        folder = Path(stored.path)
        booster.save_model(str(folder / BOOSTER_FILE))
        _write_json(folder / MODEL_FILE, model_info)
        _write_json(folder / MANIFEST_FILE, manifest)
        _write_json(folder / METRICS_FILE, metrics)
        reference.to_parquet(folder / REFERENCE_FILE, index=False)
        tag = str(stored.tag)
    return tag


def load_model(tag: str = DEFAULT_MODEL_TAG) -> CreditModel:
    """Load a ``credit_model`` version (``latest`` or pinned) from the BentoML store."""
    import bentoml

    try:
        stored = bentoml.models.get(tag)
    except bentoml.exceptions.NotFound as error:
        raise LookupError(
            f"model {tag!r} is not in the BentoML store; run `credit-scoring train` first"
        ) from error
    return load_model_dir(Path(stored.path), tag=str(stored.tag))


def load_model_dir(folder: Path, *, tag: str) -> CreditModel:
    """Load a model from its folder (what ``load_model`` finds in the store)."""
    import lightgbm as lgb

    info = json.loads((folder / MODEL_FILE).read_text())
    booster = lgb.Booster(model_file=str(folder / BOOSTER_FILE))
    features = info["features"]
    return CreditModel(
        tag=tag,
        booster=booster,
        feature_names=[f["name"] for f in features],
        feature_types={f["name"]: f["type"] for f in features},
        threshold=float(info["threshold"]),
        cost_fn=float(info["costs"]["c_fn"]),
        cost_fp=float(info["costs"]["c_fp"]),
        calibration=PlattCalibration.from_dict(info["calibration"]),
        strategy=info["imbalance_strategy"],
        manifest=json.loads((folder / MANIFEST_FILE).read_text()),
        metrics=json.loads((folder / METRICS_FILE).read_text()),
        path=folder,
        info=info,
    )
