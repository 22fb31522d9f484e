"""The batch feature build: keys, fixed columns, inputs (zip, gz, CRLF, BOM) and bad inputs."""

from __future__ import annotations

import gzip
import json
import logging
import re
import shutil
import zipfile
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from features.build import build_features
from features.queries import APPLICATION, SOURCES, create_macros
from features.raw import RawDataError, attach_csv, create_empty_table, locate
from features.raw_schema import FILE_NAMES, HISTORY_TABLES, TABLES, columns

NAME = re.compile(r"^[A-Za-z0-9_]+$")
#: Lines kept of each generated CSV for the small input tests (header included).
SMALL_LINES = {"application_train": 150, "application_test": 40}
SMALL_HISTORY_LINES = 600


def _write_small(src: Path, dst: Path) -> Path:
    """The first lines of each CSV of ``src``: enough rows, built in a second."""
    dst.mkdir(parents=True, exist_ok=True)
    for table, name in FILE_NAMES.items():
        keep = SMALL_LINES.get(table, SMALL_HISTORY_LINES)
        with (src / name).open("rb") as source, (dst / name).open("wb") as sink:
            for number, line in enumerate(source):
                if number >= keep:
                    break
                sink.write(line)
    return dst


@pytest.fixture(scope="module")
def small_raw(raw_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small copy of the generated raw folder, for the input tests to alter."""
    return _write_small(raw_dir, tmp_path_factory.mktemp("small-raw"))


@pytest.fixture(scope="module")
def small_build(small_raw: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The features of ``small_raw``, the reference the altered inputs are compared to."""
    out = tmp_path_factory.mktemp("small-features")
    build_features(small_raw, out, progress=False)
    return out


def _copy(small_raw: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(small_raw, tmp_path / "raw"))


def _table(out: Path) -> pd.DataFrame:
    parts = [pd.read_parquet(out / "train.parquet").drop(columns="TARGET")]
    if (out / "test.parquet").exists():
        parts.append(pd.read_parquet(out / "test.parquet"))
    return pd.concat(parts, ignore_index=True).set_index("SK_ID_CURR")


def _sql_on_empty_tables() -> dict[str, list[str]]:
    """The columns each SQL file gives on tables without rows."""
    con = duckdb.connect()
    create_macros(con)
    create_empty_table(con, APPLICATION, "application_train")
    con.execute(f"alter table {APPLICATION} add column SPLIT varchar")
    for table in HISTORY_TABLES:
        create_empty_table(con, table, table)
    return {s.name: [d[0] for d in con.execute(s.sql).description] for s in SOURCES}


@pytest.mark.parametrize("source", [s.name for s in SOURCES])
def test_sql_file_gives_one_row_per_applicant(raw_dir: Path, source: str) -> None:
    """Each SQL file's result has a unique, never missing SK_ID_CURR (its key)."""
    con = duckdb.connect()
    create_macros(con)
    files = locate(raw_dir, raw_dir)
    spec = next(s for s in SOURCES if s.name == source)
    for table in spec.tables:
        schema_table = "application_train" if table == APPLICATION else table
        extra = {"SPLIT": "'train'"} if table == APPLICATION else None
        attach_csv(con, table, schema_table, files[schema_table], extra_columns=extra)
    rows, ids, missing = con.execute(
        f"select count(*), count(distinct SK_ID_CURR), count(*) - count(SK_ID_CURR) "
        f"from ({spec.sql})"
    ).fetchone()
    assert rows > 0
    assert rows == ids
    assert missing == 0


def test_feature_columns_do_not_depend_on_the_data(features_dir: Path) -> None:
    """The same columns, in the same order, come out of empty tables and of real rows."""
    built = list(pd.read_parquet(features_dir / "test.parquet").columns)
    empty = ["SK_ID_CURR"] + [
        c for names in _sql_on_empty_tables().values() for c in names if c != "SK_ID_CURR"
    ]
    assert built == empty


def test_features_are_float_with_plain_names(features_dir: Path) -> None:
    """Every feature is float64 and named with letters, digits and underscores only."""
    train = pd.read_parquet(features_dir / "train.parquet")
    features = train.drop(columns=["SK_ID_CURR", "TARGET"])
    assert all(NAME.match(name) for name in train.columns)
    assert set(features.dtypes) == {np.dtype("float64")}
    assert not np.isinf(features.to_numpy()).any()
    assert len(features.columns) == len(set(features.columns))


def test_build_keeps_every_applicant_once(raw_dir: Path, features_dir: Path) -> None:
    """One row per input applicant, train and test apart, none dropped or repeated."""
    train_ids = pd.read_csv(raw_dir / "application_train.csv", usecols=["SK_ID_CURR"])
    test_ids = pd.read_csv(raw_dir / "application_test.csv", usecols=["SK_ID_CURR"])
    train = pd.read_parquet(features_dir / "train.parquet", columns=["SK_ID_CURR", "TARGET"])
    test = pd.read_parquet(features_dir / "test.parquet")
    assert train["SK_ID_CURR"].tolist() == train_ids["SK_ID_CURR"].tolist()
    assert test["SK_ID_CURR"].tolist() == test_ids["SK_ID_CURR"].tolist()
    assert "TARGET" not in test.columns
    assert train["TARGET"].isin([0, 1]).all()


def test_applications_file_holds_the_raw_rows_with_split(raw_dir: Path, features_dir: Path) -> None:
    """applications.parquet is the raw application rows, typed, with SPLIT."""
    apps = pd.read_parquet(features_dir / "applications.parquet")
    raw = pd.read_csv(raw_dir / "application_train.csv")
    assert list(apps.columns) == [*columns("application_train"), "SPLIT"]
    train = apps[apps["SPLIT"] == "train"].reset_index(drop=True)
    pd.testing.assert_series_equal(train["AMT_CREDIT"], raw["AMT_CREDIT"], check_names=False)
    assert (train["DAYS_EMPLOYED"] == raw["DAYS_EMPLOYED"]).all()  # sentinel kept as read
    assert apps["TARGET"][apps["SPLIT"] == "test"].isna().all()


def test_build_never_drops_an_applicant_without_history_or_gender(
    small_raw: Path, tmp_path: Path
) -> None:
    """An XNA gender and an applicant without any history row keep their row."""
    raw = _copy(small_raw, tmp_path)
    apps = pd.read_csv(raw / "application_train.csv")
    apps.loc[0, "CODE_GENDER"] = "XNA"
    apps.loc[1, "SK_ID_CURR"] = 999_999_999
    apps.to_csv(raw / "application_train.csv", index=False)
    summary = build_features(raw, tmp_path / "out", progress=False)
    table = _table(tmp_path / "out")
    assert summary.train_rows == len(apps)
    assert np.isnan(table.loc[apps.loc[0, "SK_ID_CURR"], "CODE_GENDER"])
    lonely = table.loc[999_999_999]
    assert lonely[[c for c in table.columns if c.startswith(("BURO_", "PREV_"))]].isna().all()


def test_missing_history_table_gives_missing_group_and_warning(
    small_raw: Path, small_build: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Without credit_card_balance.csv the CC_ columns exist, all missing; a warning says so."""
    raw = _copy(small_raw, tmp_path)
    (raw / "credit_card_balance.csv").unlink()
    with caplog.at_level(logging.WARNING):
        summary = build_features(raw, tmp_path / "out", progress=False)
    assert summary.missing_tables == ("credit_card_balance",)
    assert any("credit_card_balance" in r.getMessage() for r in caplog.records)
    table, reference = _table(tmp_path / "out"), _table(small_build)
    assert list(table.columns) == list(reference.columns)
    cc = [c for c in table.columns if c.startswith("CC_")]
    assert table[cc].isna().all().all()
    others = [c for c in table.columns if not c.startswith("CC_")]
    pd.testing.assert_frame_equal(table[others], reference[others])


def test_only_application_train_is_required(small_raw: Path, tmp_path: Path) -> None:
    """application_train.csv alone builds train.parquet (no test.parquet)."""
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(small_raw / "application_train.csv", raw)
    summary = build_features(raw, tmp_path / "out", progress=False)
    assert summary.test_rows == 0
    assert set(summary.missing_tables) == set(HISTORY_TABLES)
    assert not (tmp_path / "out" / "test.parquet").exists()


def test_missing_application_train_is_an_error(small_raw: Path, tmp_path: Path) -> None:
    """Without application_train.csv the error names the file."""
    raw = _copy(small_raw, tmp_path)
    (raw / "application_train.csv").unlink()
    with pytest.raises(RawDataError, match=r"application_train\.csv not found"):
        build_features(raw, tmp_path / "out", progress=False)


def test_missing_column_names_file_and_column(small_raw: Path, tmp_path: Path) -> None:
    """A required column missing from a file: the message names the file and the column."""
    raw = _copy(small_raw, tmp_path)
    bureau = pd.read_csv(raw / "bureau.csv").drop(columns=["AMT_CREDIT_SUM_DEBT"])
    bureau.to_csv(raw / "bureau.csv", index=False)
    with pytest.raises(RawDataError) as caught:
        build_features(raw, tmp_path / "out", progress=False)
    message = str(caught.value)
    assert "bureau.csv" in message and "AMT_CREDIT_SUM_DEBT" in message and "line 1" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("table", "column", "line"),
    [("installments_payments", "AMT_PAYMENT", 230), ("application_train", "AMT_CREDIT", 7)],
)
def test_unreadable_value_names_file_column_and_line(
    small_raw: Path, tmp_path: Path, table: str, column: str, line: int
) -> None:
    """Text in a numeric column: the message names the file, the column and the line."""
    raw = _copy(small_raw, tmp_path)
    frame = pd.read_csv(raw / FILE_NAMES[table])
    frame[column] = frame[column].astype(object)
    frame.loc[line - 2, column] = "12,5 EUR"  # line 1 is the header
    frame.to_csv(raw / FILE_NAMES[table], index=False)
    with pytest.raises(RawDataError) as caught:
        build_features(raw, tmp_path / "out", progress=False)
    message = str(caught.value)
    assert FILE_NAMES[table] in message
    assert f"line {line}" in message
    assert f"column {column}" in message
    assert "12,5 EUR" in message
    assert "\n" not in message


def test_duplicate_applicant_is_an_error(small_raw: Path, tmp_path: Path) -> None:
    """The same SK_ID_CURR twice in the applications stops the build, naming it."""
    raw = _copy(small_raw, tmp_path)
    apps = pd.read_csv(raw / "application_train.csv")
    apps.loc[3, "SK_ID_CURR"] = apps.loc[2, "SK_ID_CURR"]
    apps.to_csv(raw / "application_train.csv", index=False)
    with pytest.raises(RawDataError, match=str(apps.loc[2, "SK_ID_CURR"])):
        build_features(raw, tmp_path / "out", progress=False)


def test_crlf_bom_extra_columns_and_other_order_read_alike(
    small_raw: Path, small_build: Path, tmp_path: Path
) -> None:
    """CRLF line ends, a byte-order mark, an extra column and shuffled columns change nothing."""
    raw = _copy(small_raw, tmp_path)
    for table in ("application_train", "bureau", "POS_CASH_balance"):
        frame = pd.read_csv(raw / FILE_NAMES[table])
        frame = frame[list(reversed(frame.columns))].assign(NOTE="free text, with a comma")
        text = frame.to_csv(index=False, lineterminator="\r\n")
        (raw / FILE_NAMES[table]).write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    build_features(raw, tmp_path / "out", progress=False)
    pd.testing.assert_frame_equal(_table(tmp_path / "out"), _table(small_build))


def test_zip_and_gzip_inputs_read_alike(small_raw: Path, small_build: Path, tmp_path: Path) -> None:
    """Kaggle's zip (CSVs in a sub-folder) and .csv.gz files give the same tables."""
    archive = tmp_path / "home-credit-default-risk.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name in FILE_NAMES.values():
            bundle.write(small_raw / name, f"home-credit-default-risk/{name}")
    gz = tmp_path / "gz"
    gz.mkdir()
    for name in FILE_NAMES.values():
        with (small_raw / name).open("rb") as source, gzip.open(gz / f"{name}.gz", "wb") as sink:
            shutil.copyfileobj(source, sink)
    folder_with_zip = tmp_path / "download"
    folder_with_zip.mkdir()
    shutil.copy(archive, folder_with_zip)
    reference = _table(small_build)
    for raw in (archive, gz, folder_with_zip):
        out = tmp_path / f"out-{raw.name}"
        build_features(raw, out, progress=False)
        pd.testing.assert_frame_equal(_table(out), reference)


def test_unknown_category_is_reported(small_raw: Path, tmp_path: Path) -> None:
    """A value outside Kaggle's lists is named in the summary (it counts in no share)."""
    raw = _copy(small_raw, tmp_path)
    apps = pd.read_csv(raw / "application_train.csv")
    apps.loc[0, "NAME_INCOME_TYPE"] = "Astronaut"
    apps.to_csv(raw / "application_train.csv", index=False)
    prev = pd.read_csv(raw / "previous_application.csv")
    prev.loc[0, "NAME_GOODS_CATEGORY"] = "Spaceships"
    prev.to_csv(raw / "previous_application.csv", index=False)
    summary = build_features(raw, tmp_path / "out", progress=False)
    assert "Astronaut" in summary.unknown_categories["application.NAME_INCOME_TYPE"]
    assert "previous_application.NAME_GOODS_CATEGORY" in summary.unknown_categories
    row = _table(tmp_path / "out").loc[apps.loc[0, "SK_ID_CURR"]]
    assert row.filter(like="NAME_INCOME_TYPE_").sum() == 0


def test_manifest_describes_every_feature_in_order(features_dir: Path) -> None:
    """Each feature has a source, aggregation, label, unit and type, in the table's order."""
    manifest = json.loads((features_dir / "manifest.json").read_text())
    names = [f["name"] for f in manifest["features"]]
    assert names == list(pd.read_parquet(features_dir / "test.parquet").columns[1:])
    assert manifest["id_column"] == "SK_ID_CURR" and manifest["target_column"] == "TARGET"
    sources = set(TABLES) - {"application_train", "application_test"} | {"application"}
    for entry in manifest["features"]:
        assert entry["source"] in sources, entry
        assert entry["label"] and entry["label"] != entry["name"], entry
        assert entry["aggregation"], entry
        assert entry["type"] in {"numeric", "binary", "share"}, entry
        assert entry["unit"] in {"years", "days", "months", "currency", "ratio", "%", "count", ""}
        assert isinstance(entry.get("display_scale", 1.0), float)
    labels = {f["name"]: f for f in manifest["features"]}
    assert labels["DAYS_BIRTH"]["label"] == "Age" and labels["DAYS_BIRTH"]["unit"] == "years"
    assert labels["INSTAL_LATE_SHARE_12M"]["type"] == "share"
    assert "last 12 months" in labels["INSTAL_LATE_SHARE_12M"]["label"]
