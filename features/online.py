"""One applicant's feature vector from its raw rows, by the same SQL files as the batch build.

The service scores a new application (``POST /score_application``) and the dashboard's
what-if view rescores a known one with other loan terms; both need features that cannot
differ from the training table's. So the rows go into typed DuckDB tables shaped like the
raw CSVs, and each source's SQL file runs on them, prepared once per process. Only the
last step differs from the batch build: the one-row results are put side by side in
Python instead of by ``features.sql``'s join, which for one applicant is the same thing
(a source without rows gives missing values) at a fraction of the cost.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping, Sequence
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from features.queries import (
    APPLICATION,
    ID_COLUMN,
    SOURCE_BY_NAME,
    SOURCES,
    SPLIT_COLUMN,
    TARGET_COLUMN,
    FeatureSource,
    create_macros,
)
from features.raw import KIND_WORDS, RawDataError, column_definitions
from features.raw_schema import HISTORY_TABLES, Kind, kinds

ARROW_TYPES: dict[Kind, pa.DataType] = {
    "int": pa.int64(),
    "float": pa.float64(),
    "str": pa.string(),
}
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
#: The id given to an application that has none yet (a new applicant).
NEW_APPLICANT_ID = 0
#: Application fields that are not features and may come with a known applicant's row.
IGNORED_APPLICATION_FIELDS = (TARGET_COLUMN, SPLIT_COLUMN)


class OnlineFeatures:
    """An in-memory DuckDB holding one applicant's raw rows, with the feature SQL prepared.

    Not for concurrent use by itself: the module functions share one instance behind a lock.
    """

    def __init__(self) -> None:
        self._con = duckdb.connect(":memory:", config={"threads": 1})
        # A prepared query is optimised again at every execution; for a few rows the
        # optimiser costs several times the query itself, and it never changes a result.
        self._con.execute("pragma disable_optimizer")
        create_macros(self._con)
        self._kinds: dict[str, dict[str, Kind]] = {
            APPLICATION: {**kinds("application_train"), SPLIT_COLUMN: "str"},
            **{table: kinds(table) for table in HISTORY_TABLES},
        }
        self._con.execute(
            f"create table {APPLICATION} ({column_definitions('application_train')}, "
            f"{SPLIT_COLUMN} varchar)"
        )
        for table in HISTORY_TABLES:
            self._con.execute(f'create table "{table}" ({column_definitions(table)})')
        self.columns: dict[str, list[str]] = {}
        for source in SOURCES:
            self._con.execute(f"prepare {source.relation} as {source.sql}")
            names = [d[0] for d in self._con.execute(f"execute {source.relation}").description]
            self.columns[source.name] = [name for name in names if name != ID_COLUMN]
        #: Every feature, in the order of the batch tables and the manifest.
        self.feature_names: list[str] = [n for names in self.columns.values() for n in names]
        self._rows: dict[str, int] = {}
        self._lock = threading.Lock()

    def compute(
        self,
        application: Mapping[str, Any],
        history: Mapping[str, Sequence[Mapping[str, Any]]],
    ) -> pd.DataFrame:
        """The one-row feature frame of ``application`` and its ``history`` rows.

        Parameters
        ----------
        application : mapping
            One raw application row (application_train's fields; absent ones are missing,
            ``TARGET`` and ``SPLIT`` are ignored). ``SK_ID_CURR`` may be absent for a new
            applicant.
        history : mapping of table name to sequence of mappings
            The applicant's raw rows of "bureau", "bureau_balance", "previous_application",
            "POS_CASH_balance", "installments_payments", "credit_card_balance"; absent
            tables mean no rows.

        Raises
        ------
        RawDataError
            An unknown table or field, a value that cannot be read as its column's type,
            or history rows that belong to another applicant.
        """
        unknown = sorted(set(history) - set(HISTORY_TABLES))
        if unknown:
            raise RawDataError(
                f"history: unknown table {unknown[0]!r} (expected {', '.join(HISTORY_TABLES)})"
            )
        applicant = _applicant_id(application)
        tables = {APPLICATION: self._typed(APPLICATION, [application], applicant)}
        for table in HISTORY_TABLES:
            tables[table] = self._typed(table, history.get(table, ()), applicant)
        with self._lock:
            self._load(tables)
            values: list[float] = []
            for source in SOURCES:
                # a source without rows gives no row: missing values, as the batch join
                ran = any(tables[t].num_rows for t in source.tables) and self._run(source)
                values += ran[0] if ran else [math.nan] * len(self.columns[source.name])
        return pd.DataFrame([values], columns=self.feature_names, dtype="float64")

    def recompute(
        self,
        application: Mapping[str, Any],
        known_features: Mapping[str, float] | pd.Series,
        changes: Mapping[str, Any] | None = None,
    ) -> pd.DataFrame:
        """A known applicant's one-row feature frame after changing application fields.

        ``application.sql`` runs on the application row with ``changes`` applied (e.g. other
        ``AMT_CREDIT``, ``AMT_ANNUITY``, ``AMT_GOODS_PRICE``); every other feature is taken
        from ``known_features`` (the applicant's row of the feature table), since the credit
        history does not change with the loan terms.

        Raises
        ------
        RawDataError
            An unknown or unreadable field, or ``known_features`` without a history feature.
        """
        history_names = [n for n in self.feature_names if n not in self.columns["application"]]
        missing = [name for name in history_names if name not in known_features]
        if missing:
            raise RawDataError(
                f"known_features: missing feature {missing[0]}"
                + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else "")
            )
        row = {**application, **(changes or {})}
        table = self._typed(APPLICATION, [row], _applicant_id(row))
        with self._lock:
            self._load({APPLICATION: table})
            own = self._run(SOURCE_BY_NAME["application"])
        values = dict(zip(self.columns["application"], own[0], strict=True))
        values |= {name: float(known_features[name]) for name in history_names}
        return pd.DataFrame(
            [[values[n] for n in self.feature_names]], columns=self.feature_names, dtype="float64"
        )

    def _typed(
        self,
        table: str,
        rows: Sequence[Mapping[str, Any]],
        applicant: int,
    ) -> pa.Table:
        """``rows`` as an Arrow table with the raw table's columns and types."""
        expected = self._kinds[table]
        where = table if table != APPLICATION else "application"
        values: dict[str, list[Any]] = {name: [] for name in expected}
        for number, row in enumerate(rows, start=1):
            at = where if table == APPLICATION else f"{where} row {number}"
            extra = [k for k in row if k not in expected]
            if extra:
                raise RawDataError(f"{at}: unknown field {extra[0]!r}")
            for name, kind in expected.items():
                values[name].append(_value(row.get(name), kind, f"{at}, field {name}"))
            if ID_COLUMN in values:
                given = values[ID_COLUMN][-1]
                if given is not None and given != applicant:
                    raise RawDataError(
                        f"{at}: {ID_COLUMN} {given} is not the applicant's ({applicant})"
                    )
                values[ID_COLUMN][-1] = applicant
        if table == APPLICATION:
            values[TARGET_COLUMN] = [None] * len(rows)
            values[SPLIT_COLUMN] = ["online"] * len(rows)
        return pa.table(
            {
                name: pa.array(values[name], type=ARROW_TYPES[kind])
                for name, kind in expected.items()
            }
        )

    def _load(self, tables: Mapping[str, pa.Table]) -> None:
        """Replace the rows of each of ``tables`` (a table left empty needs no delete)."""
        for table, rows in tables.items():
            if self._rows.get(table):
                self._con.execute(f'delete from "{table}"')
            if rows.num_rows:
                self._con.from_arrow(rows).insert_into(f'"{table}"')
            self._rows[table] = rows.num_rows

    def _run(self, source: FeatureSource) -> list[list[float]]:
        """The feature rows of ``source`` (without the id), as floats with NaN for missing."""
        rows = self._con.execute(f"execute {source.relation}").fetchall()
        return [[math.nan if v is None else float(v) for v in row[1:]] for row in rows]


def _applicant_id(application: Mapping[str, Any]) -> int:
    value = _value(application.get(ID_COLUMN), "int", f"application, field {ID_COLUMN}")
    return NEW_APPLICANT_ID if value is None else value


def _value(value: Any, kind: Kind, where: str) -> Any:
    """``value`` as the Python type of ``kind`` (None for missing), or a RawDataError."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float | np.floating) and np.isnan(value):
        return None
    unreadable = RawDataError(f"{where}: cannot read {value!r} as {KIND_WORDS[kind]}")
    if kind == "str":
        if isinstance(value, str):
            return value
        if isinstance(value, int | np.integer) and not isinstance(value, bool):
            return str(value)
        raise unreadable
    if isinstance(value, int | np.integer):
        number = int(value)
        if kind == "int" and not INT64_MIN <= number <= INT64_MAX:
            raise unreadable
        return number if kind == "int" else float(number)
    try:
        number = float(value.strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise unreadable from None
    if math.isnan(number):
        return None
    if not math.isfinite(number) or (kind == "int" and not number.is_integer()):
        raise unreadable
    if kind == "int" and not INT64_MIN <= number <= INT64_MAX:
        raise unreadable
    return number if kind == "float" else int(number)


_default: OnlineFeatures | None = None
_default_lock = threading.Lock()


def online_features() -> OnlineFeatures:
    """The process's shared ``OnlineFeatures`` (created on first use)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = OnlineFeatures()
        return _default


def compute_features(
    application: Mapping[str, Any],
    history: Mapping[str, Sequence[Mapping[str, Any]]],
) -> pd.DataFrame:
    """One applicant's raw rows to its one-row feature frame, in manifest order.

    See ``OnlineFeatures.compute``.
    """
    return online_features().compute(application, history)


def recompute_features(
    application: Mapping[str, Any],
    known_features: Mapping[str, float] | pd.Series,
    changes: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """A known applicant's features after changing application fields (the what-if).

    See ``OnlineFeatures.recompute``.
    """
    return online_features().recompute(application, known_features, changes)
