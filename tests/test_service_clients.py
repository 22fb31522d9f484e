"""The client store: lookups, filters and the population's scores, on real feature tables."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from service.clients import ClientFilter, ClientStore, FeatureFolderError, UnknownClientError


@pytest.fixture(scope="module")
def store(features_dir: Path) -> ClientStore:
    manifest = json.loads((features_dir / "manifest.json").read_text())
    names = [f["name"] for f in manifest["features"]][:40]
    store = ClientStore.load(features_dir, names)
    rng = np.random.default_rng(0)
    probability = rng.random(len(store))
    store.set_scores(probability, np.where(probability >= 0.5, "refused", "granted"))
    return store


def test_store_holds_every_train_and_test_client_once(store, features_dir: Path) -> None:
    train = pd.read_parquet(features_dir / "train.parquet", columns=["SK_ID_CURR"])
    test = pd.read_parquet(features_dir / "test.parquet", columns=["SK_ID_CURR"])
    assert len(store) == len(train) + len(test)
    assert set(store.ids) == set(train["SK_ID_CURR"]) | set(test["SK_ID_CURR"])


def test_lookup_returns_the_table_row_in_model_order(store, features_dir: Path) -> None:
    table = pd.read_parquet(features_dir / "test.parquet").set_index("SK_ID_CURR")
    client_id = int(table.index[7])
    expected = table.loc[client_id, store.feature_names].to_numpy(dtype=float)
    np.testing.assert_array_equal(store.feature_vector(client_id), expected)
    frame = store.features([client_id])
    assert list(frame.columns) == store.feature_names and frame.index[0] == client_id
    assert store.application(client_id)["SK_ID_CURR"] == client_id


def test_unknown_client_is_named(store) -> None:
    with pytest.raises(UnknownClientError, match="client_id 42 is not a known client"):
        store.feature_vector(42)
    assert 42 not in store and "100002" not in store


@pytest.mark.parametrize(
    "criteria",
    [
        ClientFilter(gender="F"),
        ClientFilter(age_min=30, age_max=45),
        ClientFilter(credit_min=200_000, credit_max=600_000, decision="refused"),
    ],
)
def test_filter_keeps_exactly_the_matching_clients(store, criteria: ClientFilter) -> None:
    table = store.descriptive()
    found = store.filter(criteria)
    keep = pd.Series(True, index=table.index)
    if criteria.gender:
        keep &= table["CODE_GENDER"] == criteria.gender
    if criteria.age_min is not None:
        keep &= table["AGE_YEARS"].between(criteria.age_min, criteria.age_max)
    if criteria.credit_min is not None:
        keep &= table["AMT_CREDIT"].between(criteria.credit_min, criteria.credit_max)
        keep &= table["decision"] == criteria.decision
    assert 0 < len(found) < len(table)
    assert sorted(found.index) == sorted(table.index[keep])


def test_options_list_the_values_of_each_filter(store) -> None:
    options = store.options()
    assert set(options) == {"gender", "family_status", "income_type", "contract_type", "decision"}
    assert options["decision"] == ["granted", "refused"]
    assert options["gender"] and options["gender"] == sorted(options["gender"])


def test_missing_feature_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(FeatureFolderError, match=r"train\.parquet not found"):
        ClientStore.load(tmp_path, ["X"])


def test_scores_must_cover_every_client(store) -> None:
    with pytest.raises(ValueError, match=f"expected {len(store)} scores"):
        store.set_scores([0.1], ["granted"])
