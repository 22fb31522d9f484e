"""A client's descriptive information as a relationship manager reads it, grouped.

One place decides which raw fields describe a client, under which label and in which
unit: ``/client`` answers with it and the dashboard's "Client information" tab shows it.
Ages and seniority are in years, money keeps the data's currency with separators,
flags read "yes"/"no", and anything missing reads "not provided". The number formats
themselves come from ``ui.wording`` (pure functions), so that the API and the dashboard
print the same value the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from features.raw_schema import DAYS_SENTINEL
from service.formatting import NOT_PROVIDED, format_money, format_number, format_value, is_missing

_DAYS_PER_YEAR = 365.25

#: How each kind of raw field is shown.
#: text: as written; years_ago: a DAYS_* count before the application, in years;
#: money: amount in the data's currency; yes_no: Y/N or 1/0 flag; count: whole number;
#: years: a number of years; score: a 0..1 score with two decimals.
_KINDS = ("text", "years_ago", "money", "yes_no", "count", "years", "score")

#: The application fields shown, by group: (column, label, kind).
APPLICATION_GROUPS: tuple[tuple[str, tuple[tuple[str, str, str], ...]], ...] = (
    (
        "Identity and family",
        (
            ("CODE_GENDER", "Gender", "text"),
            ("DAYS_BIRTH", "Age", "years_ago"),
            ("NAME_FAMILY_STATUS", "Family status", "text"),
            ("CNT_CHILDREN", "Children", "count"),
            ("CNT_FAM_MEMBERS", "Family members", "count"),
            ("NAME_EDUCATION_TYPE", "Education", "text"),
            ("NAME_HOUSING_TYPE", "Housing", "text"),
            ("FLAG_OWN_REALTY", "Owns real estate", "yes_no"),
            ("FLAG_OWN_CAR", "Owns a car", "yes_no"),
            ("OWN_CAR_AGE", "Age of the car", "years"),
        ),
    ),
    (
        "Employment",
        (
            ("NAME_INCOME_TYPE", "Income type", "text"),
            ("OCCUPATION_TYPE", "Occupation", "text"),
            ("ORGANIZATION_TYPE", "Employer's sector", "text"),
            ("DAYS_EMPLOYED", "Seniority in current job", "years_ago"),
            ("FLAG_EMP_PHONE", "Work phone given", "yes_no"),
        ),
    ),
    (
        "Income and credit",
        (
            ("AMT_INCOME_TOTAL", "Annual income", "money"),
            ("NAME_CONTRACT_TYPE", "Contract type", "text"),
            ("AMT_CREDIT", "Credit amount", "money"),
            ("AMT_ANNUITY", "Annuity (monthly repayment)", "money"),
            ("AMT_GOODS_PRICE", "Price of the goods", "money"),
        ),
    ),
)

#: The history group: a manager's summary of past credits, from the feature table, shown
#: with the manifest's label and unit (those the feature build does not make are skipped).
HISTORY_TITLE = "History with the bank and other lenders"
HISTORY_FEATURES = (
    "BURO_COUNT",
    "ACTIVE_COUNT",
    "ACTIVE_AMT_CREDIT_SUM_DEBT_SUM",
    "BURO_CREDIT_DAY_OVERDUE_MAX",
    "PREV_COUNT",
    "APPROVED_COUNT",
    "REFUSED_COUNT",
    "INSTAL_LATE_SHARE_12M",
    "INSTAL_DPD_MAX",
    "INSTAL_PAYMENT_DIFF_SUM_12M",
    "POS_SK_DPD_MAX",
    "CC_AMT_BALANCE_MEAN",
)
#: The external scores are part of the history a lender sees.
EXTERNAL_SCORES = (
    ("EXT_SOURCE_1", "External credit score 1", "score"),
    ("EXT_SOURCE_2", "External credit score 2", "score"),
    ("EXT_SOURCE_3", "External credit score 3", "score"),
)


@dataclass(frozen=True)
class Field:
    """One line of the client's information: what it is, and its value for people."""

    name: str
    label: str
    value: str


@dataclass(frozen=True)
class Group:
    """A titled group of fields (identity, employment, income, history)."""

    title: str
    fields: tuple[Field, ...]


def format_field(value: Any, kind: str) -> str:
    """One raw application value in human units (see ``_KINDS``)."""
    if kind not in _KINDS:
        raise ValueError(f"unknown field kind {kind!r}; expected one of {_KINDS}")
    if is_missing(value):
        return NOT_PROVIDED
    if kind == "money":
        return format_money(value)
    if kind == "yes_no":
        return "yes" if str(value).strip().upper() in ("Y", "YES", "1", "1.0", "TRUE") else "no"
    if kind == "count":
        return format_number(value, decimals=0)
    if kind == "years_ago":
        days = float(value)
        if days == DAYS_SENTINEL or days > 0:  # Kaggle's "no date" (e.g. not employed)
            return NOT_PROVIDED
        return _years(-days / _DAYS_PER_YEAR)
    if kind == "years":
        return _years(float(value))
    if kind == "score":
        return f"{float(value):.2f}"
    return str(value)


def _years(years: float) -> str:
    text = format_number(years, decimals=1)
    return f"{text} year" + ("" if text == "1" else "s")


def history_features(manifest: Mapping[str, Any]) -> list[dict]:
    """Manifest entries of ``HISTORY_FEATURES`` the feature build made, in that order."""
    entries = {f["name"]: f for f in manifest.get("features", [])}
    return [entries[name] for name in HISTORY_FEATURES if name in entries]


def describe_client(
    application: Mapping[str, Any],
    features: Mapping[str, float] | None = None,
    manifest: Mapping[str, Any] | None = None,
) -> list[Group]:
    """The client's information in four groups (identity and family, employment, income and
    credit, history), every value formatted for people.

    Parameters
    ----------
    application : mapping
        The raw application row (Kaggle's column names); absent columns read "not provided".
    features : mapping, optional
        The client's feature values by name, for the history group.
    manifest : mapping, optional
        The feature manifest (labels, units and display scales of the history features).
    """
    groups = [
        Group(
            title,
            tuple(
                Field(column, label, format_field(application.get(column), kind))
                for column, label, kind in fields
            ),
        )
        for title, fields in APPLICATION_GROUPS
    ]
    history = [
        Field(column, label, format_field(application.get(column), kind))
        for column, label, kind in EXTERNAL_SCORES
    ]
    if features is not None and manifest is not None:
        for entry in history_features(manifest):
            value = features.get(entry["name"])
            text = format_value(
                value,
                unit=entry.get("unit", ""),
                kind=entry.get("type", "numeric"),
                display_scale=entry.get("display_scale"),
            )
            history.append(Field(entry["name"], entry.get("label", entry["name"]), text))
    groups.append(Group(HISTORY_TITLE, tuple(history)))
    return groups
