"""The online feature vector equals the batch table's row: same SQL, same numbers."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from features.build import build_features
from features.online import OnlineFeatures, compute_features, recompute_features
from features.raw import RawDataError
from features.raw_schema import FILE_NAMES, HISTORY_TABLES

#: How many generated applicants are compared one by one (train and test).
GENERATED_APPLICANTS = 200


class RawRows:
    """One applicant's raw rows, as the service receives them (plain dicts, None missing)."""

    def __init__(self, raw: Path) -> None:
        tables = {t: pd.read_csv(raw / FILE_NAMES[t]) for t in FILE_NAMES}
        self.applications = pd.concat(
            [tables["application_train"], tables["application_test"]], ignore_index=True
        ).set_index("SK_ID_CURR", drop=False)
        self.by_applicant = {
            t: tables[t].groupby("SK_ID_CURR") for t in HISTORY_TABLES if t != "bureau_balance"
        }
        self.balance = tables["bureau_balance"].groupby("SK_ID_BUREAU")

    def application(self, applicant: int) -> dict[str, Any]:
        return _plain(self.applications.loc[applicant].to_dict())

    def history(self, applicant: int) -> dict[str, list[dict[str, Any]]]:
        rows = {
            table: [_plain(r) for r in groups.get_group(applicant).to_dict("records")]
            if applicant in groups.groups
            else []
            for table, groups in self.by_applicant.items()
        }
        credits = [r["SK_ID_BUREAU"] for r in rows["bureau"]]
        rows["bureau_balance"] = [
            _plain(r)
            for credit in credits
            if credit in self.balance.groups
            for r in self.balance.get_group(credit).to_dict("records")
        ]
        return rows

    def with_history(self) -> Iterator[int]:
        """Applicants with rows in some history table, in file order."""
        linked = set().union(*(set(g.groups) for g in self.by_applicant.values()))
        return (i for i in self.applications.index if i in linked)


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    return {k: None if isinstance(v, float) and math.isnan(v) else v for k, v in row.items()}


def _batch(out: Path) -> pd.DataFrame:
    train = pd.read_parquet(out / "train.parquet").drop(columns="TARGET")
    return pd.concat([train, pd.read_parquet(out / "test.parquet")]).set_index("SK_ID_CURR")


def _assert_rows_equal(online: pd.DataFrame, batch: pd.Series, applicant: int) -> None:
    assert list(online.columns) == list(batch.index)
    ours, theirs = online.iloc[0].to_numpy(float), batch.to_numpy(float)
    same = np.isclose(ours, theirs, rtol=1e-12, atol=0, equal_nan=True)
    assert same.all(), (applicant, list(batch.index[~same][:5]), ours[~same][:5], theirs[~same][:5])


@pytest.fixture(scope="module")
def online() -> OnlineFeatures:
    return OnlineFeatures()


@pytest.fixture(scope="module")
def generated(raw_dir: Path) -> RawRows:
    return RawRows(raw_dir)


def test_online_equals_batch_on_generated_applicants(
    online: OnlineFeatures, generated: RawRows, features_dir: Path
) -> None:
    """200 generated applicants, train and test, with and without history: the same vectors."""
    batch = _batch(features_dir)
    ids = generated.applications.index.to_numpy()
    chosen = ids[np.linspace(0, len(ids) - 1, GENERATED_APPLICANTS).astype(int)]
    for applicant in chosen:
        vector = online.compute(generated.application(applicant), generated.history(applicant))
        _assert_rows_equal(vector, batch.loc[applicant], applicant)


def test_online_equals_batch_on_real_rows(
    online: OnlineFeatures, real_sample_dir: Path, tmp_path: Path
) -> None:
    """Real Home Credit applicants with history rows: the same vectors as the batch build."""
    build_features(real_sample_dir, tmp_path, progress=False)
    batch = _batch(tmp_path)
    real = RawRows(real_sample_dir)
    for applicant in list(real.with_history())[:60]:
        vector = online.compute(real.application(applicant), real.history(applicant))
        _assert_rows_equal(vector, batch.loc[applicant], applicant)


def test_feature_order_is_the_manifest_order(online: OnlineFeatures, features_dir: Path) -> None:
    """The online columns are the manifest's features, in its order."""
    manifest = json.loads((features_dir / "manifest.json").read_text())
    assert online.feature_names == [f["name"] for f in manifest["features"]]


def test_new_applicant_without_id_or_history(online: OnlineFeatures, generated: RawRows) -> None:
    """A new application (no SK_ID_CURR, no history) gets its own features, history missing."""
    applicant = int(generated.applications.index[0])
    application = generated.application(applicant)
    del application["SK_ID_CURR"], application["TARGET"]
    vector = compute_features(application, {})
    assert vector.shape == (1, len(online.feature_names))
    assert vector.loc[0, "AMT_CREDIT"] == application["AMT_CREDIT"]
    history = [c for c in vector.columns if c not in online.columns["application"]]
    assert vector[history].isna().all(axis=None)


def test_recompute_with_same_terms_gives_the_batch_row(
    generated: RawRows, features_dir: Path
) -> None:
    """What-if with unchanged fields reproduces the applicant's row of the feature table."""
    batch = _batch(features_dir)
    applicant = int(next(generated.with_history()))
    vector = recompute_features(generated.application(applicant), batch.loc[applicant])
    _assert_rows_equal(vector, batch.loc[applicant], applicant)


def test_recompute_with_new_terms_follows_the_sql(generated: RawRows, features_dir: Path) -> None:
    """A larger credit changes the application's ratios as the SQL does, not the history."""
    batch = _batch(features_dir)
    applicant = int(next(generated.with_history()))
    application = generated.application(applicant)
    changes = {"AMT_CREDIT": application["AMT_CREDIT"] * 2, "AMT_ANNUITY": 5_000.0}
    vector = recompute_features(application, batch.loc[applicant], changes).iloc[0]
    assert vector["AMT_CREDIT"] == changes["AMT_CREDIT"]
    assert vector["CREDIT_TERM"] == pytest.approx(changes["AMT_CREDIT"] / 5_000.0)
    assert vector["PAYMENT_RATE"] == pytest.approx(5_000.0 / changes["AMT_CREDIT"])
    full = compute_features({**application, **changes}, generated.history(applicant)).iloc[0]
    pd.testing.assert_series_equal(vector, full, check_names=False)


@pytest.mark.parametrize(
    ("application", "history", "message"),
    [
        ({"AMT_CREDITT": 1.0}, {}, "unknown field 'AMT_CREDITT'"),
        ({"AMT_CREDIT": "a lot"}, {}, "application, field AMT_CREDIT: cannot read 'a lot'"),
        ({"CNT_CHILDREN": 1.5}, {}, "field CNT_CHILDREN: cannot read 1.5 as a whole number"),
        ({"AMT_CREDIT": float("inf")}, {}, "field AMT_CREDIT: cannot read inf"),
        ({}, {"bureaux": []}, "unknown table 'bureaux'"),
        (
            {"SK_ID_CURR": 1},
            {"bureau": [{"SK_ID_CURR": 2, "SK_ID_BUREAU": 5}]},
            "bureau row 1: SK_ID_CURR 2 is not the applicant's",
        ),
        ({}, {"installments_payments": [{}, {"AMT_PAYMENT": []}]}, "installments_payments row 2"),
    ],
)
def test_bad_rows_are_named(application: dict, history: dict, message: str) -> None:
    """A bad field, value or table gives a one-line error naming it."""
    with pytest.raises(RawDataError, match=message.replace("(", r"\(")):
        compute_features(application, history)


def test_recompute_needs_the_history_features(online: OnlineFeatures) -> None:
    """Known features without the history part are refused, naming one missing."""
    with pytest.raises(RawDataError, match="known_features: missing feature BURO_"):
        recompute_features({"AMT_CREDIT": 1.0}, {"AMT_CREDIT": 1.0})


def test_numbers_as_text_and_numpy_values_are_read(online: OnlineFeatures) -> None:
    """JSON-ish inputs: numbers in text, numpy scalars, NaN for missing."""
    as_text = online.compute({"AMT_CREDIT": "1000.5", "CNT_CHILDREN": "2"}, {})
    as_numpy = online.compute({"AMT_CREDIT": np.float32(1000.5), "CNT_CHILDREN": np.int8(2)}, {})
    assert as_text.loc[0, "AMT_CREDIT"] == as_numpy.loc[0, "AMT_CREDIT"] == 1000.5
    assert as_text.loc[0, "CNT_CHILDREN"] == 2.0
    assert math.isnan(online.compute({"AMT_CREDIT": float("nan")}, {}).loc[0, "AMT_CREDIT"])
