"""Build the feature tables from Kaggle's raw CSVs with DuckDB: the batch path.

The application CSVs are read into a table (they are written back as
``applications.parquet`` and every other table joins onto them). Each history CSV is a
view, read once by the one SQL file that uses it, whose per-applicant result is kept in a
scratch database; ``features.sql`` then joins the results onto the applications and the
rows stream to Parquet, split into train and test. Nothing here knows a feature: the SQL
files define them all, the same files the online path runs.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from time import perf_counter

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from credit_scoring import logs
from features import manifest as manifest_module
from features.queries import (
    APPLICATION,
    ID_COLUMN,
    SOURCES,
    SPLIT_COLUMN,
    TARGET_COLUMN,
    FeatureSource,
    category_values,
    create_macros,
    join_query,
    safe_name,
)
from features.raw import (
    RawDataError,
    RawFile,
    attach_csv,
    create_empty_table,
    locate,
    read_error,
)
from features.raw_schema import HISTORY_TABLES, kinds

log = logs.get_logger(__name__)

TRAIN_FILE = "train.parquet"
TEST_FILE = "test.parquet"
APPLICATIONS_FILE = "applications.parquet"
MANIFEST_FILE = "manifest.json"

#: DuckDB's working memory. The full Kaggle data (2.5 GB of CSV) must build within 6 GiB
#: for the whole process; past this limit DuckDB spills to the scratch folder.
MEMORY_LIMIT = "3GB"
#: Rows per Arrow batch on the way to Parquet, one Parquet row group each (about 230 MB
#: of features at a time).
BATCH_ROWS = 32_768

#: Where each history table's category shares are named ``<prefix><COLUMN>_<value><suffix>``.
SHARE_NAMING: dict[str, tuple[str, str]] = {
    "bureau": ("BURO_", "_MEAN"),
    "bureau_balance": ("BURO_", "_MEAN_MEAN"),
    "previous_application": ("PREV_", "_MEAN"),
    "POS_CASH_balance": ("POS_", "_MEAN"),
    "credit_card_balance": ("CC_", "_MEAN"),
}


@dataclass(frozen=True)
class BuildSummary:
    """What a build wrote: rows, features per source table, missing tables and time."""

    out: Path
    train_rows: int
    test_rows: int
    features: int
    features_per_source: dict[str, int]
    missing_tables: tuple[str, ...] = ()
    unknown_categories: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    def lines(self) -> list[str]:
        """The summary as short lines for a terminal."""
        rows = f"rows: train {self.train_rows:,}"
        rows += f", test {self.test_rows:,}" if self.test_rows else ", no test table"
        out = [
            f"features written to {self.out} in {self.seconds:.1f} s",
            rows,
            f"features: {self.features} in all",
        ]
        out += [f"  {source:<22} {count:>4}" for source, count in self.features_per_source.items()]
        if self.missing_tables:
            out.append(f"missing tables (features left empty): {', '.join(self.missing_tables)}")
        out += [
            f"values outside the category lists: {where}: {what}"
            for where, what in self.unknown_categories.items()
        ]
        return out


def build_features(raw: Path, out: Path, *, progress: bool = True) -> BuildSummary:
    """Build ``train.parquet``, ``test.parquet``, ``applications.parquet`` and the manifest.

    Parameters
    ----------
    raw : Path
        A folder of Kaggle's CSVs (or ``.csv.gz``), or a zip of them. Only
        ``application_train`` is required; a missing history table gives missing values
        for its features, and a warning.
    out : Path
        The folder to write to (created if needed).
    progress : bool
        Show a progress bar over the source tables.

    Returns
    -------
    BuildSummary

    Raises
    ------
    RawDataError
        A missing required file or column, an unreadable value (file, line and column
        named), a duplicated or missing ``SK_ID_CURR``.
    """
    started = perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="credit-features-") as scratch_dir:
        scratch = Path(scratch_dir)
        files = locate(raw, scratch)
        missing = tuple(table for table in HISTORY_TABLES if table not in files)
        for table in missing:
            log.warning(
                "table=%s status=missing effect=%r",
                table,
                "its features are missing for every applicant",
            )
        config = {
            "memory_limit": MEMORY_LIMIT,
            "temp_directory": str(scratch / "spill"),
            "threads": os.cpu_count() or 1,
        }
        with duckdb.connect(str(scratch / "build.duckdb"), config=config) as con:
            # our own bar counts the tables; DuckDB's would interleave with it on stderr
            con.execute("set enable_progress_bar = false")
            create_macros(con)
            applicants = _load_applications(con, files)
            unknown = _unknown_application_categories(con)
            columns_by_source: dict[str, list[str]] = {}
            steps = logs.progress(
                SOURCES, desc="features", total=len(SOURCES), enabled=progress, unit="table"
            )
            for source in steps:
                columns_by_source[source.name] = _build_source(con, source, files)
                unknown |= _unknown_history_categories(con, source, columns_by_source[source.name])
            manifest = manifest_module.build_manifest(columns_by_source)
            train_rows, test_rows = _write_outputs(
                con, out, applicants, has_test="application_test" in files
            )
    (out / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    summary = BuildSummary(
        out=out,
        train_rows=train_rows,
        test_rows=test_rows,
        features=len(manifest["features"]),
        features_per_source=manifest_module.count_by_source(manifest),
        missing_tables=missing,
        unknown_categories=unknown,
        seconds=perf_counter() - started,
    )
    log.info(
        "step=features train_rows=%d test_rows=%d features=%d seconds=%.1f",
        train_rows,
        test_rows,
        summary.features,
        summary.seconds,
    )
    return summary


def _load_applications(con: duckdb.DuckDBPyConnection, files: Mapping[str, RawFile]) -> int:
    """Read train (and test) into one ``application`` table; check the applicant ids."""
    train = files["application_train"]
    attach_csv(
        con,
        APPLICATION,
        "application_train",
        train,
        materialize=True,
        extra_columns={SPLIT_COLUMN: "'train'"},
    )
    if "application_test" in files:
        attach_csv(
            con,
            "application_test",
            "application_test",
            files["application_test"],
            extra_columns={TARGET_COLUMN: "null::bigint", SPLIT_COLUMN: "'test'"},
        )
        try:
            con.execute(f"insert into {APPLICATION} by name select * from application_test")
        except duckdb.Error as error:
            raise read_error(error, [files["application_test"]]) from None
    missing_id, duplicate = con.execute(f"""
        select
            count(*) filter (where {ID_COLUMN} is null),
            (select {ID_COLUMN} from {APPLICATION} group by all having count(*) > 1 limit 1)
        from {APPLICATION}
    """).fetchone()
    if missing_id:
        raise RawDataError(f"{train.shown}: {missing_id} application row(s) without {ID_COLUMN}")
    if duplicate is not None:
        raise RawDataError(
            f"{train.shown}: {ID_COLUMN} {duplicate} appears more than once in the applications"
        )
    return con.execute(f"select count(*) from {APPLICATION}").fetchone()[0]


def _build_source(
    con: duckdb.DuckDBPyConnection, source: FeatureSource, files: Mapping[str, RawFile]
) -> list[str]:
    """Run ``sql/<source>.sql`` on its raw tables into the ``<source>_features`` table."""
    started = perf_counter()
    read = [files[table] for table in source.tables if table in files]
    for table in source.tables:
        if table == APPLICATION:
            continue
        if table in files:
            attach_csv(con, table, table, files[table])
        else:
            create_empty_table(con, table, table)
    # The application features are a projection of a table already in memory: a view
    # costs nothing; the aggregated ones are kept, so that each CSV is read once.
    kind = "view" if source.tables == (APPLICATION,) else "table"
    try:
        # per-applicant results have no order to keep: DuckDB may then work in parallel
        # with less memory (the output's order comes from the applications alone)
        con.execute("set preserve_insertion_order = false")
        con.execute(f"create or replace {kind} {source.relation} as {source.sql}")
    except duckdb.Error as error:
        if not read:
            raise
        raise read_error(error, read) from None
    finally:
        con.execute("reset preserve_insertion_order")
    names = [row[0] for row in con.execute(f"describe {source.relation}").fetchall()]
    names.remove(ID_COLUMN)
    log.info(
        "step=features source=%s features=%d seconds=%.2f",
        source.name,
        len(names),
        perf_counter() - started,
    )
    return names


def _unknown_application_categories(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Application values outside the fixed category lists (they get all-zero one-hots)."""
    known = category_values()
    columns = [
        c
        for c, kind in kinds("application_train").items()
        if kind == "str" and any(col == c for col, _ in known)
    ]
    seen = con.execute(
        "select " + ", ".join(f'list(distinct "{c}")' for c in columns) + f" from {APPLICATION}"
    ).fetchone()
    unknown = {}
    for column, values in zip(columns, seen, strict=True):
        outside = sorted(v for v in values if v is not None and (column, safe_name(v)) not in known)
        if outside:
            unknown[f"application.{column}"] = ", ".join(repr(v) for v in outside[:10])
            log.warning(
                "table=application column=%s unknown_categories=%r effect=%r",
                column,
                outside[:10],
                "all its one-hot columns are 0",
            )
    return unknown


def _unknown_history_categories(
    con: duckdb.DuckDBPyConnection, source: FeatureSource, names: Sequence[str]
) -> dict[str, str]:
    """History columns with values outside the fixed lists, seen from the features alone.

    A column's shares (missing included) add up to 1 for every applicant, unless some of
    its rows hold a value outside the list; this needs no second pass over the CSV.
    """
    checks = {}
    for table in source.tables:
        prefix, suffix = SHARE_NAMING.get(table, (None, None))
        for column, kind in kinds(table).items() if prefix is not None else ():
            shares = [n for n in names if n.startswith(f"{prefix}{column}_") and n.endswith(suffix)]
            if kind == "str" and shares:
                total = " + ".join(f'"{n}"' for n in shares)
                checks[f"{table}.{column}"] = f"count_if(abs({total} - 1) > 1e-9)"
    if not checks:
        return {}
    counts = con.execute(
        "select " + ", ".join(checks.values()) + f" from {source.relation}"
    ).fetchone()
    unknown = {}
    for where, count in zip(checks, counts, strict=True):
        if count:
            unknown[where] = f"in the rows of {count} applicant(s)"
            log.warning(
                "column=%s applicants_with_unknown_categories=%d effect=%r",
                where,
                count,
                "those rows count in none of the category shares",
            )
    return unknown


def _write_outputs(
    con: duckdb.DuckDBPyConnection, out: Path, applicants: int, *, has_test: bool
) -> tuple[int, int]:
    """Stream the joined features to train/test Parquet; check that no applicant was lost.

    Rows keep the order of the application files (DuckDB preserves insertion order through
    the joins), so that the same input always gives the same files.
    """
    con.execute(f"create or replace view features as {join_query()}")
    query = f"""
        select {APPLICATION}.{SPLIT_COLUMN}, features.{ID_COLUMN},
            {APPLICATION}.{TARGET_COLUMN}, features.* exclude ({ID_COLUMN})
        from features
        inner join {APPLICATION} using ({ID_COLUMN})
    """
    reader = con.sql(query).to_arrow_reader(BATCH_ROWS)
    dropped = {"train": [SPLIT_COLUMN], "test": [SPLIT_COLUMN, TARGET_COLUMN]}
    paths = {"train": out / TRAIN_FILE, "test": out / TEST_FILE}
    # snappy without dictionaries: three times faster to write than zstd for ~900
    # float columns, for files about a third larger
    writers = {
        split: pq.ParquetWriter(
            paths[split],
            _schema_without(reader.schema, dropped[split]),
            compression="snappy",
            use_dictionary=False,
        )
        for split in (("train", "test") if has_test else ("train",))
    }
    ids, rows = [], dict.fromkeys(writers, 0)
    try:
        for batch in reader:
            for split, writer in writers.items():
                chosen = pc.equal(batch.column(SPLIT_COLUMN), split)
                # train rows come first, test rows last: only one batch needs a filter
                part = batch if pc.all(chosen).as_py() else batch.filter(chosen)
                if part.num_rows:
                    writer.write_batch(part.drop_columns(dropped[split]))
                    rows[split] += part.num_rows
            ids.append(batch.column(ID_COLUMN).to_numpy())
    finally:
        for writer in writers.values():
            writer.close()
    if not has_test:
        paths["test"].unlink(missing_ok=True)
    written = np.concatenate(ids) if ids else np.empty(0)
    distinct = len(np.unique(written))
    if len(written) != applicants or distinct != applicants or sum(rows.values()) != applicants:
        raise RuntimeError(
            f"feature build lost or duplicated applicants: {applicants} in the applications, "
            f"{len(written)} rows ({distinct} distinct) written"
        )
    con.execute(
        f"copy {APPLICATION} to '{out / APPLICATIONS_FILE}' (format parquet, compression snappy)"
    )
    return rows["train"], rows.get("test", 0)


def _schema_without(schema: pa.Schema, names: Sequence[str]) -> pa.Schema:
    return pa.schema([f for f in schema if f.name not in names])
