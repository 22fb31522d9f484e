"""The DuckDB features equal an independent pandas recomputation (the kernel's way).

``reference_features.py`` recomputes every feature with ``read_csv``, ``get_dummies`` and
``groupby().agg()`` as the Kaggle kernel does; here both run on the real Home Credit rows
and on generated data, and every feature the reference has must match to float precision.
The reference one-hot-encodes only the categories present in the data; the build's other
category columns (fixed lists) must then be 0, or missing where the applicant has no rows.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from reference_features import reference_features

from features.build import build_features

#: Sums over hundreds of rows are added in another order by DuckDB's parallel aggregation.
RTOL, ATOL = 1e-9, 1e-9


def _built(out: Path) -> pd.DataFrame:
    train = pd.read_parquet(out / "train.parquet").drop(columns="TARGET")
    test = pd.read_parquet(out / "test.parquet")
    return pd.concat([train, test]).set_index("SK_ID_CURR")


def _assert_same_features(built: pd.DataFrame, reference: pd.DataFrame) -> None:
    reference = reference.reindex(built.index)
    assert not set(reference.columns) - set(built.columns), "features the build lacks"
    mismatches = {}
    for name in reference.columns:
        ours, theirs = built[name].to_numpy(float), reference[name].to_numpy(float)
        same = np.isclose(ours, theirs, rtol=RTOL, atol=ATOL, equal_nan=True)
        if not same.all():
            first = np.flatnonzero(~same)[0]
            mismatches[name] = (int((~same).sum()), ours[first], theirs[first])
    assert not mismatches, mismatches
    absent = [c for c in built.columns if c not in reference.columns]
    assert absent, "the fixed lists hold categories the data lacks"
    values = built[absent].to_numpy()
    assert np.all((values == 0) | np.isnan(values)), "an absent category with a share"


@pytest.fixture(scope="module")
def real_features_dir(real_sample_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The feature tables of the real Home Credit rows."""
    out = tmp_path_factory.mktemp("real-features")
    build_features(real_sample_dir, out, progress=False)
    return out


def test_features_match_pandas_on_real_rows(real_sample_dir: Path, real_features_dir: Path) -> None:
    """Real Home Credit rows (CRLF, 365243 sentinels, XNA): every feature as pandas computes it."""
    _assert_same_features(_built(real_features_dir), reference_features(real_sample_dir))


def test_features_match_pandas_on_generated_data(raw_dir: Path, features_dir: Path) -> None:
    """Generated rows: every feature as pandas computes it."""
    _assert_same_features(_built(features_dir), reference_features(raw_dir))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "DAYS_EMPLOYED_PERC",
            lambda a: a.DAYS_EMPLOYED.where(a.DAYS_EMPLOYED != 365243) / a.DAYS_BIRTH,
        ),
        ("PAYMENT_RATE", lambda a: a.AMT_ANNUITY / a.AMT_CREDIT),
        ("CREDIT_TERM", lambda a: a.AMT_CREDIT / a.AMT_ANNUITY),
        ("CREDIT_TO_GOODS_RATIO", lambda a: a.AMT_CREDIT / a.AMT_GOODS_PRICE),
    ],
)
def test_application_ratios_follow_the_fields(
    real_sample_dir: Path, real_features_dir: Path, name: str, expected
) -> None:
    """Ratios read 365243 days employed as missing, as the kernel does."""
    train = pd.read_parquet(real_features_dir / "train.parquet").set_index("SK_ID_CURR")
    apps = pd.read_csv(real_sample_dir / "application_train.csv").set_index("SK_ID_CURR")
    pd.testing.assert_series_equal(
        train[name], expected(apps).reindex(train.index), check_names=False
    )
