"""Build the feature tables from Kaggle's raw CSVs with DuckDB: the batch path.

Each raw CSV is read once, with raw_schema's types, into a scratch DuckDB database; its
SQL file turns it into one row per applicant, and the raw table is dropped before the next
is read, so that memory holds one large table at a time. ``features.sql`` then joins the
sources onto the applications and the result goes straight to Parquet. Nothing here knows
a feature: the SQL files define them all, the same files the online path runs.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from time import perf_counter

import duckdb

from credit_scoring import logs
from features import manifest as manifest_module
from features.queries import (
    APPLICATION,
    ID_COLUMN,
    SOURCES,
    SPLIT_COLUMN,
    TARGET_COLUMN,
    FeatureSource,
    create_macros,
    join_query,
    safe_name,
)
from features.raw import RawDataError, RawFile, create_empty_table, load_table, locate
from features.raw_schema import HISTORY_TABLES, kinds

log = logs.get_logger(__name__)

TRAIN_FILE = "train.parquet"
TEST_FILE = "test.parquet"
APPLICATIONS_FILE = "applications.parquet"
MANIFEST_FILE = "manifest.json"

#: DuckDB's working memory. The full Kaggle data (2.5 GB of CSV) must build within 6 GiB
#: for the whole process; past this limit DuckDB spills to the scratch folder.
MEMORY_LIMIT = "3GB"

#: Where each table's category shares are named ``<prefix><COLUMN>_<category><suffix>``;
#: a value outside the fixed lists falls in no share, which the build reports.
CATEGORY_NAMING: dict[str, tuple[str, str]] = {
    APPLICATION: ("", ""),
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
    unknown_categories: dict[str, list[str]] = field(default_factory=dict)
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
            out.append(
                f"missing tables (their features are empty): {', '.join(self.missing_tables)}"
            )
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
                "its features are empty (missing) for every applicant",
            )
        con = duckdb.connect(
            str(scratch / "build.duckdb"),
            config={
                "memory_limit": MEMORY_LIMIT,
                "temp_directory": str(scratch / "spill"),
                "threads": os.cpu_count() or 1,
                "preserve_insertion_order": False,
            },
        )
        try:
            create_macros(con)
            applicants = _load_applications(con, files)
            columns_by_source: dict[str, list[str]] = {}
            unknown: dict[str, list[str]] = {}
            steps = logs.progress(
                SOURCES, desc="features", total=len(SOURCES), enabled=progress, unit="table"
            )
            for source in steps:
                columns_by_source[source.name] = _build_source(con, source, files, unknown)
            manifest = manifest_module.build_manifest(columns_by_source)
            has_test = "application_test" in files
            train_rows, test_rows = _write_outputs(con, out, applicants, has_test=has_test)
        finally:
            con.close()
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


def _load_applications(con: duckdb.DuckDBPyConnection, files: dict[str, RawFile]) -> int:
    """Load train (and test) into one ``application`` table; check the applicant ids."""
    load_table(
        con,
        APPLICATION,
        "application_train",
        files["application_train"],
        extra_columns={SPLIT_COLUMN: "'train'"},
    )
    if "application_test" in files:
        load_table(
            con,
            "application_test",
            "application_test",
            files["application_test"],
            extra_columns={TARGET_COLUMN: "null::bigint", SPLIT_COLUMN: "'test'"},
        )
        con.execute(f"insert into {APPLICATION} by name select * from application_test")
        con.execute("drop table application_test")
    missing_id, duplicate = con.execute(f"""
        select
            (select count(*) from {APPLICATION} where {ID_COLUMN} is null),
            (select {ID_COLUMN} from {APPLICATION} group by all having count(*) > 1 limit 1)
    """).fetchone()
    if missing_id:
        raise RawDataError(
            f"{files['application_train'].shown}: {missing_id} application "
            f"row(s) without {ID_COLUMN}"
        )
    if duplicate is not None:
        raise RawDataError(
            f"{files['application_train'].shown}: {ID_COLUMN} {duplicate} "
            "appears more than once in the application tables"
        )
    return con.execute(f"select count(*) from {APPLICATION}").fetchone()[0]


def _build_source(
    con: duckdb.DuckDBPyConnection,
    source: FeatureSource,
    files: dict[str, RawFile],
    unknown: dict[str, list[str]],
) -> list[str]:
    """Load the raw tables of ``source``, run its SQL into ``<source>_features``."""
    started = perf_counter()
    rows = 0
    for table in source.tables:
        if table == APPLICATION:
            continue
        if table in files:
            load_table(con, table, table, files[table])
        else:
            create_empty_table(con, table, table)
        rows += con.execute(f'select count(*) from "{table}"').fetchone()[0]
    con.execute(f"create or replace table {source.relation} as {source.sql}")
    names = [row[0] for row in con.execute(f"describe {source.relation}").fetchall()]
    names.remove(ID_COLUMN)
    for table in source.tables:
        unknown.update(_unknown_categories(con, table, names))
        if table != APPLICATION:
            con.execute(f'drop table "{table}"')
    log.info(
        "step=features source=%s raw_rows=%d features=%d seconds=%.2f",
        source.name,
        rows,
        len(names),
        perf_counter() - started,
    )
    return names


def _unknown_categories(
    con: duckdb.DuckDBPyConnection, table: str, feature_names: list[str]
) -> dict[str, list[str]]:
    """Values of ``table``'s category columns outside the fixed lists (logged as warnings)."""
    prefix, suffix = CATEGORY_NAMING.get(table, ("", ""))
    schema_table = "application_train" if table == APPLICATION else table
    names = set(feature_names)
    checked = [
        column
        for column, kind in kinds(schema_table).items()
        if kind == "str"
        and any(n.startswith(f"{prefix}{column}_") and n.endswith(suffix) for n in names)
    ]
    if not checked:
        return {}
    lists = ", ".join(f'list(distinct "{column}")' for column in checked)
    values = con.execute(f'select {lists} from "{table}"').fetchone()
    unknown = {}
    for column, seen in zip(checked, values, strict=True):
        outside = sorted(
            v
            for v in seen
            if v is not None and f"{prefix}{column}_{safe_name(v)}{suffix}" not in names
        )
        if outside:
            unknown[f"{table}.{column}"] = outside
            log.warning(
                "table=%s column=%s unknown_categories=%r effect=%r",
                table,
                column,
                outside[:10],
                "counted in none of the category shares",
            )
    return unknown


def _write_outputs(
    con: duckdb.DuckDBPyConnection, out: Path, applicants: int, *, has_test: bool
) -> tuple[int, int]:
    """Write train/test/applications Parquet files; check that no applicant was lost."""
    con.execute(f"create or replace view features as {join_query()}")
    splits = [("train", out / TRAIN_FILE, f"{APPLICATION}.{TARGET_COLUMN}, ")]
    if has_test:
        splits.append(("test", out / TEST_FILE, ""))
    else:
        (out / TEST_FILE).unlink(missing_ok=True)
    written = {}
    for split, path, target in splits:
        con.execute(f"""
            copy (
                select features.{ID_COLUMN}, {target}features.* exclude ({ID_COLUMN})
                from features
                inner join {APPLICATION} using ({ID_COLUMN})
                where {APPLICATION}.{SPLIT_COLUMN} = '{split}'
                order by features.{ID_COLUMN}
            ) to '{path}' (format parquet, compression zstd)
        """)
        written[split] = con.execute(
            f"select count(*), count(distinct {ID_COLUMN}) from read_parquet('{path}')"
        ).fetchone()
    con.execute(f"""
        copy (select * from {APPLICATION} order by {ID_COLUMN})
        to '{out / APPLICATIONS_FILE}' (format parquet, compression zstd)
    """)
    rows = sum(count for count, _ in written.values())
    distinct = sum(ids for _, ids in written.values())
    if rows != applicants or distinct != applicants:
        raise RuntimeError(
            f"feature build lost or duplicated applicants: {applicants} in the "
            f"applications, {rows} rows ({distinct} distinct) written"
        )
    return written["train"][0], written.get("test", (0, 0))[0]
