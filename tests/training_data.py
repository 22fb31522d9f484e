"""Small synthetic feature tables for the training tests (no generator needed)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

FEATURES = [
    {"name": "DAYS_BIRTH", "source": "application", "label": "Age", "unit": "years",
     "type": "numeric", "display_scale": -1 / 365.25},
    {"name": "AMT_CREDIT", "source": "application", "label": "Credit amount",
     "unit": "currency", "type": "numeric"},
    {"name": "EXT_SOURCE_2", "source": "application", "label": "External score 2",
     "unit": "", "type": "numeric"},
    {"name": "FLAG_OWN_CAR", "source": "application", "label": "Owns a car", "unit": "",
     "type": "binary"},
    {"name": "INSTAL_LATE_COUNT_12M", "source": "installments_payments",
     "label": "Late instalment payments in the last 12 months", "unit": "count",
     "type": "numeric"},
    {"name": "BURO_DEBT_RATIO", "source": "bureau", "label": "Share of bureau credit unpaid",
     "unit": "", "type": "share"},
    {"name": "NOISE_1", "source": "bureau", "label": "Noise one", "unit": "", "type": "numeric"},
    {"name": "NOISE_2", "source": "previous_application", "label": "Noise two", "unit": "",
     "type": "numeric"},
]  # fmt: skip


def make_features(n: int, seed: int) -> tuple[pd.DataFrame, np.ndarray, pd.Series]:
    """Informative features, the true default probability and the gender of ``n`` applicants."""
    rng = np.random.default_rng(seed)
    age = rng.uniform(20, 68, n)
    ext = rng.beta(4, 3, n)
    late = rng.poisson(0.6, n).astype(float)
    debt = rng.beta(2, 5, n)
    frame = pd.DataFrame(
        {
            "DAYS_BIRTH": -age * 365.25,
            "AMT_CREDIT": rng.lognormal(12.8, 0.5, n).round(-3),
            "EXT_SOURCE_2": ext,
            "FLAG_OWN_CAR": (rng.random(n) < 0.35).astype(float),
            "INSTAL_LATE_COUNT_12M": late,
            "BURO_DEBT_RATIO": debt,
            "NOISE_1": rng.normal(size=n),
            "NOISE_2": rng.normal(size=n),
        }
    )
    logit = -3.0 - 6.0 * (ext - 0.57) + 0.6 * late + 1.8 * (debt - 0.28) - 0.03 * (age - 43)
    pd_true = 1 / (1 + np.exp(-logit))
    frame.loc[rng.random(n) < 0.15, "EXT_SOURCE_2"] = np.nan
    frame.loc[rng.random(n) < 0.3, "BURO_DEBT_RATIO"] = np.nan
    gender = pd.Series(np.where(rng.random(n) < 0.65, "F", "M"))
    return frame, pd_true, gender


def write_feature_table(folder: Path, *, n: int = 3000, seed: int = 0) -> Path:
    """``train.parquet``, ``test.parquet``, ``manifest.json`` and ``applications.parquet``."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed + 1)
    n_test = max(50, n // 10)
    features, pd_true, gender = make_features(n + n_test, seed)
    ids = np.arange(100_000, 100_000 + n + n_test)
    target = (rng.random(n + n_test) < pd_true).astype(np.int64)
    train = pd.concat(
        [pd.DataFrame({"SK_ID_CURR": ids[:n], "TARGET": target[:n]}), features.iloc[:n]], axis=1
    )
    test = features.iloc[n:].reset_index(drop=True)
    test.insert(0, "SK_ID_CURR", ids[n:])
    train.to_parquet(folder / "train.parquet", index=False)
    test.to_parquet(folder / "test.parquet", index=False)
    pd.DataFrame(
        {
            "SK_ID_CURR": ids,
            "CODE_GENDER": gender,
            "DAYS_BIRTH": features["DAYS_BIRTH"].round(),
            "SPLIT": ["train"] * n + ["test"] * n_test,
        }
    ).to_parquet(folder / "applications.parquet", index=False)
    manifest = {"version": 1, "features": FEATURES, "id_column": "SK_ID_CURR",
                "target_column": "TARGET"}  # fmt: skip
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return folder
