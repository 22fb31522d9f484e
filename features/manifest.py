"""The feature manifest: for each feature, its source table, aggregation, label, unit and type.

Labels are composed from the feature's name, which follows the kernel's pattern
``<PREFIX>_<measure>_<AGGREGATION>[_<window>]``: the prefix gives the rows aggregated
("active bureau credits"), the measure its plain words (``labels.py``), the aggregation and
window the rest. The application's own fields and the few features built from several
fields have hand-written labels. ``describe`` raises for a name it cannot read, so that a
new SQL feature without words fails the build's tests rather than reaching a dashboard.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from features import labels
from features.queries import ID_COLUMN, TARGET_COLUMN, category_values

MANIFEST_VERSION = 1
DAYS_PER_YEAR = 365.25


@dataclass(frozen=True)
class Rows:
    """The rows a history prefix aggregates: their table, their name, and whether a subset."""

    table: str
    noun: str
    is_subset: bool = False


PREFIXES: dict[str, Rows] = {
    "BURO": Rows("bureau", "credit bureau credits"),
    "ACTIVE": Rows("bureau", "active credit bureau credits", is_subset=True),
    "CLOSED": Rows("bureau", "closed credit bureau credits", is_subset=True),
    "PREV": Rows("previous_application", "previous applications"),
    "APPROVED": Rows("previous_application", "approved previous applications", is_subset=True),
    "REFUSED": Rows("previous_application", "refused previous applications", is_subset=True),
    "POS": Rows("POS_CASH_balance", "monthly POS and cash loan records"),
    "INSTAL": Rows("installments_payments", "instalments of previous credits"),
    "CC": Rows("credit_card_balance", "monthly credit card records"),
}
#: Where a history table's measures may also come from (bureau joins bureau_balance).
RELATED_TABLES = {"bureau": ("bureau", "bureau_balance")}
WINDOWS = {"6M": "last 6 months", "12M": "last 12 months"}
AGGREGATIONS = ("MIN", "MAX", "MEAN", "SUM", "VAR", "SIZE", "NUNIQUE", "LAST", "SHARE")
#: Words for an aggregation; for times counted back from the application the smallest
#: raw value is the longest time ago, so the words follow the display, not the sign.
AGGREGATION_WORDS = {
    "MIN": "lowest",
    "MAX": "highest",
    "MEAN": "average",
    "SUM": "total",
    "VAR": "variance of the",
    "NUNIQUE": "number of distinct",
}
TIME_WORDS = {
    "days_ago": {"MIN": "longest", "MAX": "shortest"},
    "months_ago": {"MIN": "longest", "MAX": "shortest"},
    "days_until": {"MIN": "shortest", "MAX": "longest"},
}
#: How a one-hot category is read under each aggregation: label pattern and kind.
CATEGORY_AGGREGATIONS = {
    "MEAN": ("{column}: {category} (share of {noun})", "flag_share"),
    "SUM": ("{column}: {category} (number of {noun})", "count"),
    "MIN": ("{column}: {category} (all {noun})", "flag"),
    "MAX": ("{column}: {category} (any of the {noun})", "flag"),
    "VAR": ("{column}: {category} (variance over {noun})", "variance"),
    "LAST": ("{column}: {category} (latest previous application)", "flag"),
}


def build_manifest(columns_by_source: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """The manifest of the features, in order, from each feature file's output columns."""
    features = [
        describe(name, source) for source, names in columns_by_source.items() for name in names
    ]
    return {
        "version": MANIFEST_VERSION,
        "features": features,
        "id_column": ID_COLUMN,
        "target_column": TARGET_COLUMN,
        "feature_files": {source: len(names) for source, names in columns_by_source.items()},
    }


def count_by_source(manifest: Mapping[str, Any]) -> dict[str, int]:
    """How many features each source table gives, in the manifest's order."""
    return dict(Counter(entry["source"] for entry in manifest["features"]))


def describe(name: str, source: str) -> dict[str, Any]:
    """The manifest entry of feature ``name`` made by ``sql/<source>.sql``."""
    if source == "application":
        return _describe_application(name)
    return _describe_history(name)


def _describe_application(name: str) -> dict[str, Any]:
    if name in labels.APPLICATION_DERIVED:
        label, kind = labels.APPLICATION_DERIVED[name]
        return _entry(name, "application", "derived", label, kind)
    if name in labels.APPLICATION and labels.APPLICATION[name][1] != "category":
        label, kind = labels.APPLICATION[name]
        return _entry(name, "application", "value", label, kind)
    for column, (words, kind) in labels.APPLICATION.items():
        if kind == "category" and name.startswith(f"{column}_"):
            category = _category(column, name.removeprefix(f"{column}_"))
            return _entry(name, "application", "one-hot", f"{words}: {category}", "flag")
    raise ValueError(f"feature {name} from application.sql has no label in features/labels.py")


def _describe_history(name: str) -> dict[str, Any]:
    prefix, _, body = name.partition("_")
    rows = PREFIXES.get(prefix)
    if rows is None:
        raise ValueError(f"feature {name} has no known table prefix ({', '.join(PREFIXES)})")
    window = None
    for key in WINDOWS:
        if body.endswith(f"_{key}"):
            window, body = key, body.removesuffix(f"_{key}")
    scope = [rows.noun] if rows.is_subset else []
    scope += [WINDOWS[window]] if window else []
    where = f" over {rows.noun}" if rows.is_subset else ""
    where += f", {WINDOWS[window]}" if window else ""
    if body == "COUNT":
        label = f"Number of {rows.noun}" + (f" ({WINDOWS[window]})" if window else "")
        return _entry(name, rows.table, "count" + where, label, "count")
    if body == "DEBT_CREDIT_RATIO":
        label = _with_scope(f"Share of the amount of {rows.noun} still owed", scope[1:])
        return _entry(name, rows.table, "ratio of sums" + where, label, "rate")
    measure, aggregation = _split_aggregation(name, body)
    table, column, category = _find_measure(name, rows, measure)
    words, kind = labels.HISTORY[table][column]
    if category is not None:
        pattern, kind = CATEGORY_AGGREGATIONS[aggregation]
        label = pattern.format(column=words, category=category, noun=rows.noun)
        return _entry(name, table, aggregation.lower() + where, label, kind)
    if aggregation == "SIZE":
        return _entry(
            name, table, "count" + where, _with_scope(f"Number of {rows.noun}", scope), "count"
        )
    if aggregation == "SHARE":
        label = _with_scope(f"Share of {words}", scope)
        return _entry(name, table, "mean" + where, label, "flag_share")
    if aggregation == "LAST":
        return _entry(name, table, "last", f"{_capital(words)} (latest previous application)", kind)
    word = TIME_WORDS.get(kind, {}).get(aggregation) or AGGREGATION_WORDS[aggregation]
    label = _with_scope(f"{_capital(word)} {words}", scope)
    kind = {"VAR": "variance", "NUNIQUE": "count"}.get(aggregation, kind)
    if aggregation == "SUM" and kind in TIME_WORDS:
        kind = f"{kind}_total"
    return _entry(name, table, aggregation.lower() + where, label, kind)


def _split_aggregation(name: str, body: str) -> tuple[str, str]:
    for aggregation in AGGREGATIONS:
        if body.endswith(f"_{aggregation}"):
            return body.removesuffix(f"_{aggregation}"), aggregation
    raise ValueError(f"feature {name} ends with no known aggregation ({', '.join(AGGREGATIONS)})")


def _find_measure(name: str, rows: Rows, measure: str) -> tuple[str, str, str | None]:
    """The table and column of ``measure``, and its category when it is a one-hot column."""
    tables = RELATED_TABLES.get(rows.table, (rows.table,))
    for table in tables:
        if measure in labels.HISTORY[table]:
            return table, measure, None
    for table in tables:
        for column, (_, kind) in labels.HISTORY[table].items():
            if kind == "category" and measure.startswith(f"{column}_"):
                return table, column, _category(column, measure.removeprefix(f"{column}_"))
    raise ValueError(f"feature {name}: measure {measure} has no label in features/labels.py")


def _category(column: str, key: str) -> str:
    try:
        return category_values()[(column, key)]
    except KeyError:
        raise ValueError(f"category {key} of {column} is in no one_hot() of the SQL") from None


def _with_scope(label: str, scope: Sequence[str]) -> str:
    return f"{label} ({', '.join(scope)})" if scope else label


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


#: Kind → (type, unit, display scale): what the dashboard shows for the raw value.
DISPLAY: dict[str, tuple[str, str, float | None]] = {
    "money": ("numeric", "currency", None),
    "days_ago": ("numeric", "years", -1 / DAYS_PER_YEAR),
    "days_ago_total": ("numeric", "days", -1.0),
    "days_until": ("numeric", "years", 1 / DAYS_PER_YEAR),
    "days_until_total": ("numeric", "days", 1.0),
    "days": ("numeric", "days", None),
    "months_ago": ("numeric", "months", -1.0),
    "months_ago_total": ("numeric", "months", -1.0),
    "months": ("numeric", "months", None),
    "years": ("numeric", "years", None),
    "count": ("numeric", "count", None),
    "ratio": ("numeric", "ratio", None),
    "rate": ("numeric", "%", 100.0),
    "score": ("numeric", "", None),
    "number": ("numeric", "", None),
    "variance": ("numeric", "", None),
    "flag": ("binary", "", None),
    "flag_share": ("share", "%", 100.0),
}


def _entry(name: str, source: str, aggregation: str, label: str, kind: str) -> dict[str, Any]:
    kind_type, unit, scale = DISPLAY[kind]
    entry = {
        "name": name,
        "source": source,
        "aggregation": aggregation,
        "label": label,
        "unit": unit,
        "type": kind_type,
    }
    if scale is not None:
        entry["display_scale"] = scale
    return entry
