"""Bad feature tables and bad options are refused with a message naming the problem."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import typer
from training_data import write_feature_table
from typer.testing import CliRunner

from training.cli import train_command
from training.data import FeatureTableError, load_feature_table


@pytest.fixture
def table_dir(tmp_path: Path) -> Path:
    return write_feature_table(tmp_path / "features", n=300, seed=1)


def _rewrite(folder: Path, change) -> Path:
    path = folder / "train.parquet"
    change(pd.read_parquet(path)).to_parquet(path, index=False)
    return path


def test_load_feature_table_reads_manifest_order(table_dir: Path) -> None:
    table = load_feature_table(table_dir)
    manifest = json.loads((table_dir / "manifest.json").read_text())
    assert table.feature_names == [f["name"] for f in manifest["features"]]
    assert len(table.y) == 300 and set(table.y) == {0, 1}
    assert len(table.fingerprint) == 64


def test_fingerprint_changes_with_the_data(table_dir: Path) -> None:
    before = load_feature_table(table_dir).fingerprint
    _rewrite(table_dir, lambda f: f.assign(NOISE_1=f["NOISE_1"] + 1))
    assert load_feature_table(table_dir).fingerprint != before


BAD_TABLES = [
    pytest.param(lambda f: f.drop(columns="TARGET"), r"column 'TARGET' .* missing", id="no-target"),
    pytest.param(lambda f: f.assign(TARGET=0), r"column 'TARGET' has a single class",
                 id="single-class"),
    pytest.param(lambda f: f.assign(TARGET=f["TARGET"] * 2),
                 r"column 'TARGET' must be 0 or 1, found \[2\]", id="non-binary-target"),
    pytest.param(lambda f: f.assign(AMT_CREDIT="a lot"),
                 r"feature column 'AMT_CREDIT' is not numeric", id="non-numeric"),
    pytest.param(lambda f: f.iloc[0:0], r"the table has no rows", id="no-rows"),
    pytest.param(lambda f: f.drop(columns="NOISE_2"),
                 r"1 feature\(s\) of the manifest are missing.*NOISE_2", id="missing-feature"),
]  # fmt: skip


@pytest.mark.parametrize(("change", "message"), BAD_TABLES)
def test_load_feature_table_refuses_bad_table(table_dir: Path, change, message: str) -> None:
    _rewrite(table_dir, change)
    with pytest.raises(FeatureTableError, match=r"train\.parquet: " + message):
        load_feature_table(table_dir)


def test_load_feature_table_missing_files_are_named(tmp_path: Path, table_dir: Path) -> None:
    with pytest.raises(FeatureTableError, match=r"empty/train\.parquet: feature table not found"):
        load_feature_table(tmp_path / "empty")
    (table_dir / "manifest.json").write_text("{not json")
    with pytest.raises(FeatureTableError, match=r"manifest\.json: not valid JSON"):
        load_feature_table(table_dir)


def _cli() -> typer.Typer:
    app = typer.Typer(pretty_exceptions_enable=False)
    app.command()(train_command)
    return app


@pytest.mark.parametrize("option", ["--cost-fn", "--cost-fp"])
@pytest.mark.parametrize("value", ["0", "-3"])
def test_train_command_refuses_non_positive_cost(table_dir: Path, option, value) -> None:
    result = CliRunner().invoke(_cli(), ["--features", str(table_dir), option, value])
    assert result.exit_code == 2
    assert "must be a positive number" in result.output
    assert "Traceback" not in result.output


def test_train_command_bad_table_is_one_line_error(table_dir: Path, tmp_path: Path) -> None:
    _rewrite(table_dir, lambda f: f.assign(TARGET=1))
    result = CliRunner().invoke(
        _cli(), ["--features", str(table_dir), "--reports", str(tmp_path / "r"), "--no-progress"]
    )
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "single class" in lines[0] and "train.parquet" in lines[0]
