"""The generated data against real Home Credit rows (``../shared/data/real-sample``).

Skipped where the real sample is absent. The real rows are few (2,000 applications,
a few thousand history rows), so shares are compared within a few points.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from features.raw_schema import FILE_NAMES, TABLES

#: Largest gap allowed between a generated and a real missing-value rate.
MISSING_TOLERANCE = 0.05
#: Generated category values absent from the real sample may be rare Kaggle values (the
#: sample is too small to hold them all), but together they must stay this rare.
UNSEEN_SHARE = 0.01
#: Real category values at least this frequent must show up in the generated data.
FREQUENT = 0.02


def _read(folder: Path, table: str) -> pd.DataFrame:
    return pd.read_csv(folder / FILE_NAMES[table], low_memory=False)


Pairs = dict[str, tuple[pd.DataFrame, pd.DataFrame]]


@pytest.fixture(scope="module")
def pairs(raw_dir: Path, real_sample_dir: Path) -> Pairs:
    """(generated, real) frames of every table (``raw_dir``: the suite's shared generated data)."""
    return {table: (_read(raw_dir, table), _read(real_sample_dir, table)) for table in TABLES}


@pytest.mark.parametrize("table", list(TABLES))
def test_realism_same_columns_in_the_same_order(pairs, table):
    """The generated header is the real file's header."""
    generated, real = pairs[table]
    assert list(generated.columns) == list(real.columns)


@pytest.mark.parametrize("table", list(TABLES))
def test_realism_compatible_types(pairs, table):
    """Text stays text; integers stay integers (no decimal point); numbers stay numbers."""
    generated, real = pairs[table]
    for name in real.columns:
        real_kind, generated_kind = real[name].dtype.kind, generated[name].dtype.kind
        if real[name].isna().all() or generated[name].isna().all():
            continue
        if real_kind == "O":
            assert generated_kind == "O", name
        elif real_kind in "iu":
            assert generated_kind in "iu", name
        else:
            assert generated_kind in "iuf", name


@pytest.mark.parametrize("table", list(TABLES))
def test_realism_category_values_come_from_the_real_sets(pairs, table):
    """Generated categories are real ones, and the frequent real ones all appear."""
    generated, real = pairs[table]
    for name in real.columns:
        if real[name].dtype.kind != "O":
            continue
        seen = set(real[name].dropna())
        values = generated[name].dropna()
        unseen = ~values.isin(seen)
        assert unseen.mean() < UNSEEN_SHARE, (name, sorted(set(values[unseen]))[:10])
        shares = real[name].value_counts(normalize=True)
        frequent = set(shares.index[shares >= FREQUENT])
        assert frequent <= set(values), (name, frequent - set(values))


@pytest.mark.parametrize("table", list(TABLES))
def test_realism_missing_rates_match(pairs, table):
    """Every column's share of missing values is within a few points of the real one."""
    generated, real = pairs[table]
    gaps = {
        name: (round(generated[name].isna().mean(), 3), round(real[name].isna().mean(), 3))
        for name in real.columns
        if abs(generated[name].isna().mean() - real[name].isna().mean()) > MISSING_TOLERANCE
    }
    assert not gaps, f"(generated, real) missing shares: {gaps}"


def test_realism_main_application_shares_match(pairs):
    """Defaults, pensioners (365243 days employed), car owners and revolving loans are as common."""
    generated, real = pairs["application_train"]
    for measure in (
        lambda f: f.TARGET.mean(),
        lambda f: (f.DAYS_EMPLOYED == 365243).mean(),
        lambda f: (f.FLAG_OWN_CAR == "Y").mean(),
        lambda f: (f.NAME_CONTRACT_TYPE == "Revolving loans").mean(),
    ):
        assert abs(measure(generated) - measure(real)) < 0.035
