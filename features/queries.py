"""The feature SQL files, the raw tables each one reads, and the relations they create.

One list, used by the batch build and by the online path, so that both run the same
files in the same order: the macros first, then one file per source table (each gives
``<source>_features``, one row per applicant). The batch build joins these with
``features.sql``; the online path, with one row each, puts them side by side in the
same order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb

SQL_DIR = Path(__file__).resolve().parent / "sql"
#: The DuckDB table holding application_train and application_test (with ``SPLIT``).
APPLICATION = "application"
#: Feature columns never carry these names: they identify and label rows.
ID_COLUMN = "SK_ID_CURR"
TARGET_COLUMN = "TARGET"
SPLIT_COLUMN = "SPLIT"


@dataclass(frozen=True)
class FeatureSource:
    """One feature file: ``sql/<name>.sql`` reads ``tables`` and gives ``<name>_features``.

    ``tables`` are raw_schema table names (DuckDB tables of the same name), except
    ``application``, which stands for application_train and application_test together.
    """

    name: str
    tables: tuple[str, ...]

    @property
    def relation(self) -> str:
        return f"{self.name}_features"

    @property
    def sql(self) -> str:
        return sql_text(self.name)


SOURCES: tuple[FeatureSource, ...] = (
    FeatureSource("application", (APPLICATION,)),
    FeatureSource("bureau", ("bureau", "bureau_balance")),
    FeatureSource("previous_application", ("previous_application",)),
    FeatureSource("pos_cash_balance", ("POS_CASH_balance",)),
    FeatureSource("installments_payments", ("installments_payments",)),
    FeatureSource("credit_card_balance", ("credit_card_balance",)),
)
SOURCE_BY_NAME = {source.name: source for source in SOURCES}


@cache
def sql_text(name: str) -> str:
    """The text of ``sql/<name>.sql``."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def join_query() -> str:
    """The query of ``features.sql``: SK_ID_CURR and every feature, one row per applicant."""
    return sql_text("features")


def create_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Create the helpers of ``macros.sql`` (one_hot, total, ratio, without_sentinel)."""
    con.execute(sql_text("macros"))


def safe_name(text: str) -> str:
    """``text`` with every character outside ``[A-Za-z0-9_]`` replaced by ``_``.

    How a category becomes part of a feature name (``Spouse, partner`` gives
    ``NAME_TYPE_SUITE_Spouse__partner``), so that every name is a plain identifier.
    """
    return re.sub(r"[^A-Za-z0-9_]", "_", text)


_ONE_HOT = re.compile(r"one_hot\((\w+), (null|'(?:[^']|'')*')\)")


@cache
def category_values() -> dict[tuple[str, str], str]:
    """Each category the SQL files one-hot, by ``(column, safe_name(category))``.

    The fixed category lists live in the SQL only; the manifest reads them back from
    there to label ``PREV_NAME_GOODS_CATEGORY_Photo___Cinema_Equipment_MEAN`` with
    "Photo / Cinema Equipment". A ``null`` category (the kernel's ``_nan``) reads "missing".
    """
    values = {}
    for path in sorted(SQL_DIR.glob("*.sql")):
        for column, literal in _ONE_HOT.findall(path.read_text(encoding="utf-8")):
            value = "missing" if literal == "null" else literal[1:-1].replace("''", "'")
            key = "nan" if literal == "null" else safe_name(value)
            values[(column, key)] = value
    return values
