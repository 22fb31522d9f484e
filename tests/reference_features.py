"""The feature tables recomputed in plain pandas, independently of the SQL: the reference.

Written the way the Kaggle kernel "LightGBM with simple features" (Aguiar) writes them:
``read_csv``, ``get_dummies`` and ``groupby().agg()``, then the additions of this project,
with the project's conventions where it departs from the kernel (a zero denominator gives
a missing ratio, not ±inf; no applicant dropped; fixed yes/no encodings). The parity tests
compare it with the DuckDB build, and ``benchmarks/features.py`` times it as the baseline.
It shares nothing with ``features/`` but the file names, so a mistake in one shows.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

SENTINEL = 365243
PREV_DAY_COLUMNS = [
    "DAYS_FIRST_DRAWING",
    "DAYS_FIRST_DUE",
    "DAYS_LAST_DUE_1ST_VERSION",
    "DAYS_LAST_DUE",
    "DAYS_TERMINATION",
]


def reference_features(raw: Path) -> pd.DataFrame:
    """Every feature, one row per applicant (train and test), indexed by ``SK_ID_CURR``."""
    applications = application_features(raw)
    parts = [
        bureau_features(raw),
        previous_application_features(raw),
        pos_cash_features(raw),
        installments_features(raw),
        credit_card_features(raw),
    ]
    return applications.join([part for part in parts if part is not None], how="left")


def _read(raw: Path, table: str) -> pd.DataFrame | None:
    for name in (f"{table}.csv", f"{table}.csv.gz"):
        if (raw / name).is_file():
            return pd.read_csv(raw / name)
    return None


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    return numerator / denominator.where(denominator != 0)


def _clean(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", name)


def _one_hot(df: pd.DataFrame, columns: list[str], nan: bool) -> tuple[pd.DataFrame, list[str]]:
    dummies = pd.get_dummies(df[columns], columns=columns, dummy_na=nan, dtype=float)
    dummies.columns = [_clean(c) for c in dummies.columns]
    return pd.concat([df.drop(columns=columns), dummies], axis=1), list(dummies.columns)


def _flatten(agg: pd.DataFrame, prefix: str) -> pd.DataFrame:
    agg.columns = [f"{prefix}{column}_{how.upper()}" for column, how in agg.columns]
    return agg


def _categorical(df: pd.DataFrame) -> list[str]:
    return [c for c in df.columns if df[c].dtype == object]


def application_features(raw: Path) -> pd.DataFrame:
    """The kernel's application_train_test (binary encodings fixed, no row dropped)."""
    train = _read(raw, "application_train")
    test = _read(raw, "application_test")
    df = pd.concat([train, test], ignore_index=True) if test is not None else train
    df = df.drop(columns=["TARGET"])
    df["CODE_GENDER"] = df["CODE_GENDER"].map({"F": 1.0, "M": 0.0})
    df["FLAG_OWN_CAR"] = df["FLAG_OWN_CAR"].map({"Y": 1.0, "N": 0.0})
    df["FLAG_OWN_REALTY"] = df["FLAG_OWN_REALTY"].map({"Y": 1.0, "N": 0.0})
    df, _ = _one_hot(df, _categorical(df), nan=False)
    df["DAYS_EMPLOYED"] = df["DAYS_EMPLOYED"].replace(SENTINEL, np.nan)
    df["DAYS_EMPLOYED_PERC"] = _ratio(df["DAYS_EMPLOYED"], df["DAYS_BIRTH"])
    df["INCOME_CREDIT_PERC"] = _ratio(df["AMT_INCOME_TOTAL"], df["AMT_CREDIT"])
    df["INCOME_PER_PERSON"] = _ratio(df["AMT_INCOME_TOTAL"], df["CNT_FAM_MEMBERS"])
    df["ANNUITY_INCOME_PERC"] = _ratio(df["AMT_ANNUITY"], df["AMT_INCOME_TOTAL"])
    df["PAYMENT_RATE"] = _ratio(df["AMT_ANNUITY"], df["AMT_CREDIT"])
    df["CREDIT_TO_GOODS_RATIO"] = _ratio(df["AMT_CREDIT"], df["AMT_GOODS_PRICE"])
    df["CREDIT_TERM"] = _ratio(df["AMT_CREDIT"], df["AMT_ANNUITY"])
    scores = df[["EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3"]]
    df["EXT_SOURCES_MEAN"] = scores.mean(axis=1)
    df["EXT_SOURCES_MIN"] = scores.min(axis=1)
    df["EXT_SOURCES_MAX"] = scores.max(axis=1)
    df["EXT_SOURCES_STD"] = scores.std(axis=1)
    df["EXT_SOURCES_PROD"] = df["EXT_SOURCE_1"] * df["EXT_SOURCE_2"] * df["EXT_SOURCE_3"]
    df["EXT_SOURCES_WEIGHTED"] = (
        2 * df["EXT_SOURCE_1"] + df["EXT_SOURCE_2"] + 3 * df["EXT_SOURCE_3"]
    )
    df["EXT_SOURCES_MISSING"] = scores.isna().sum(axis=1).astype(float)
    return df.set_index("SK_ID_CURR").astype(float)


BUREAU_NUMERIC = {
    "DAYS_CREDIT": ["min", "max", "mean", "var"],
    "DAYS_CREDIT_ENDDATE": ["min", "max", "mean"],
    "DAYS_CREDIT_UPDATE": ["mean"],
    "CREDIT_DAY_OVERDUE": ["max", "mean"],
    "AMT_CREDIT_MAX_OVERDUE": ["mean"],
    "AMT_CREDIT_SUM": ["max", "mean", "sum"],
    "AMT_CREDIT_SUM_DEBT": ["max", "mean", "sum"],
    "AMT_CREDIT_SUM_OVERDUE": ["mean"],
    "AMT_CREDIT_SUM_LIMIT": ["mean", "sum"],
    "AMT_ANNUITY": ["max", "mean"],
    "CNT_CREDIT_PROLONG": ["sum"],
    "MONTHS_BALANCE_MIN": ["min"],
    "MONTHS_BALANCE_MAX": ["max"],
    "MONTHS_BALANCE_SIZE": ["mean", "sum"],
}


def _bureau_extras(bureau: pd.DataFrame, prefix: str) -> pd.DataFrame:
    grouped = bureau.groupby("SK_ID_CURR")
    debt = grouped["AMT_CREDIT_SUM_DEBT"].sum(min_count=1)
    credit = grouped["AMT_CREDIT_SUM"].sum(min_count=1)
    return pd.DataFrame(
        {f"{prefix}COUNT": grouped.size(), f"{prefix}DEBT_CREDIT_RATIO": _ratio(debt, credit)}
    )


def bureau_features(raw: Path) -> pd.DataFrame | None:
    """The kernel's bureau_and_balance, plus counts and the debt ratio per subset."""
    bureau = _read(raw, "bureau")
    if bureau is None:
        return None
    balance = _read(raw, "bureau_balance")
    if balance is None:
        balance = pd.DataFrame(
            {"SK_ID_BUREAU": pd.Series(dtype=float), "MONTHS_BALANCE": [], "STATUS": []}
        )
    balance, balance_categories = _one_hot(balance, ["STATUS"], nan=True)
    spec = {"MONTHS_BALANCE": ["min", "max", "size"], **{c: ["mean"] for c in balance_categories}}
    per_credit = _flatten(balance.groupby("SK_ID_BUREAU").agg(spec), "")
    bureau, bureau_categories = _one_hot(bureau, _categorical(bureau), nan=True)
    bureau = bureau.join(per_credit, how="left", on="SK_ID_BUREAU")
    categories = {c: ["mean"] for c in bureau_categories}
    categories |= {f"{c}_MEAN": ["mean"] for c in balance_categories}
    everything = _flatten(
        bureau.groupby("SK_ID_CURR").agg({**BUREAU_NUMERIC, **categories}), "BURO_"
    )
    parts = [everything, _bureau_extras(bureau, "BURO_")]
    for status, prefix in (("Active", "ACTIVE_"), ("Closed", "CLOSED_")):
        subset = bureau[bureau[f"CREDIT_ACTIVE_{status}"] == 1]
        parts.append(_flatten(subset.groupby("SK_ID_CURR").agg(BUREAU_NUMERIC), prefix))
        parts.append(_bureau_extras(subset, prefix))
    return parts[0].join(parts[1:], how="left")


PREV_NUMERIC = {
    "AMT_ANNUITY": ["min", "max", "mean"],
    "AMT_APPLICATION": ["min", "max", "mean"],
    "AMT_CREDIT": ["min", "max", "mean"],
    "APP_CREDIT_PERC": ["min", "max", "mean", "var"],
    "AMT_DOWN_PAYMENT": ["min", "max", "mean"],
    "AMT_GOODS_PRICE": ["min", "max", "mean"],
    "HOUR_APPR_PROCESS_START": ["min", "max", "mean"],
    "RATE_DOWN_PAYMENT": ["min", "max", "mean"],
    "DAYS_DECISION": ["min", "max", "mean"],
    "CNT_PAYMENT": ["mean", "sum"],
    **{column: ["max", "mean"] for column in PREV_DAY_COLUMNS},
}


def previous_application_features(raw: Path) -> pd.DataFrame | None:
    """The kernel's previous_applications, plus counts, day columns and the last one."""
    prev = _read(raw, "previous_application")
    if prev is None:
        return None
    for column in PREV_DAY_COLUMNS:
        prev[column] = prev[column].replace(SENTINEL, np.nan)
    prev["APP_CREDIT_PERC"] = _ratio(prev["AMT_APPLICATION"], prev["AMT_CREDIT"])
    status = prev["NAME_CONTRACT_STATUS"].copy()
    last = (
        prev.sort_values(["DAYS_DECISION", "SK_ID_PREV"], ascending=False)
        .groupby("SK_ID_CURR")
        .head(1)
        .set_index("SK_ID_CURR")
    )
    last = pd.DataFrame(
        {
            "PREV_AMT_APPLICATION_LAST": last["AMT_APPLICATION"],
            "PREV_AMT_CREDIT_LAST": last["AMT_CREDIT"],
            "PREV_AMT_ANNUITY_LAST": last["AMT_ANNUITY"],
            "PREV_APP_CREDIT_PERC_LAST": last["APP_CREDIT_PERC"],
            "PREV_CNT_PAYMENT_LAST": last["CNT_PAYMENT"],
            "PREV_DAYS_DECISION_LAST": last["DAYS_DECISION"],
            "PREV_NAME_CONTRACT_STATUS_Approved_LAST": (
                last["NAME_CONTRACT_STATUS"] == "Approved"
            ).astype(float),
            "PREV_NAME_CONTRACT_STATUS_Refused_LAST": (
                last["NAME_CONTRACT_STATUS"] == "Refused"
            ).astype(float),
        }
    )
    prev, categories = _one_hot(prev, _categorical(prev), nan=True)
    parts = [
        _flatten(prev.groupby("SK_ID_CURR").agg(PREV_NUMERIC), "PREV_"),
        prev.groupby("SK_ID_CURR").size().rename("PREV_COUNT"),
        _flatten(prev.groupby("SK_ID_CURR").agg({c: ["mean"] for c in categories}), "PREV_"),
        last,
    ]
    for name, prefix in (("Approved", "APPROVED_"), ("Refused", "REFUSED_")):
        subset = prev[status == name]
        parts.append(_flatten(subset.groupby("SK_ID_CURR").agg(PREV_NUMERIC), prefix))
        parts.append(subset.groupby("SK_ID_CURR").size().rename(f"{prefix}COUNT"))
    return pd.concat(parts, axis=1)


def _windows(df: pd.DataFrame, recent: dict, aggregate, prefix: str) -> list[pd.DataFrame]:
    """``aggregate`` over each window; a count of 0 where an applicant has no recent row."""
    parts = []
    for window, mask in recent.items():
        grouped = df[mask].groupby("SK_ID_CURR")
        part = aggregate(grouped)
        part.columns = [f"{prefix}{column}_{window}" for column in part.columns]
        count = grouped.size().reindex(df["SK_ID_CURR"].unique(), fill_value=0)
        parts += [part, count.rename(f"{prefix}COUNT_{window}")]
    return parts


def pos_cash_features(raw: Path) -> pd.DataFrame | None:
    """The kernel's pos_cash, plus delays over the last 6 and 12 months."""
    pos = _read(raw, "POS_CASH_balance")
    if pos is None:
        return None
    pos, categories = _one_hot(pos, _categorical(pos), nan=True)
    spec = {
        "MONTHS_BALANCE": ["max", "mean", "size"],
        "SK_DPD": ["max", "mean"],
        "SK_DPD_DEF": ["max", "mean"],
        **{c: ["mean"] for c in categories},
    }
    grouped = pos.groupby("SK_ID_CURR")
    parts = [_flatten(grouped.agg(spec), "POS_"), grouped.size().rename("POS_COUNT")]
    recent = {"6M": pos["MONTHS_BALANCE"] >= -6, "12M": pos["MONTHS_BALANCE"] >= -12}

    def delays(g):
        return pd.DataFrame(
            {
                "SK_DPD_MAX": g["SK_DPD"].max(),
                "SK_DPD_MEAN": g["SK_DPD"].mean(),
                "SK_DPD_DEF_MAX": g["SK_DPD_DEF"].max(),
                "SK_DPD_DEF_MEAN": g["SK_DPD_DEF"].mean(),
            }
        )

    return pd.concat(parts + _windows(pos, recent, delays, "POS_"), axis=1)


def installments_features(raw: Path) -> pd.DataFrame | None:
    """The kernel's installments_payments, plus the late share and recent windows."""
    ins = _read(raw, "installments_payments")
    if ins is None:
        return None
    ins["PAYMENT_PERC"] = _ratio(ins["AMT_PAYMENT"], ins["AMT_INSTALMENT"])
    ins["PAYMENT_DIFF"] = ins["AMT_INSTALMENT"] - ins["AMT_PAYMENT"]
    ins["DPD"] = ins["DAYS_ENTRY_PAYMENT"] - ins["DAYS_INSTALMENT"]
    ins["DBD"] = ins["DAYS_INSTALMENT"] - ins["DAYS_ENTRY_PAYMENT"]
    ins["DPD"] = ins["DPD"].apply(lambda x: x if x > 0 else 0)
    ins["DBD"] = ins["DBD"].apply(lambda x: x if x > 0 else 0)
    ins["LATE"] = (ins["DPD"] > 0).astype(float)
    spec = {
        "NUM_INSTALMENT_VERSION": ["nunique"],
        "DPD": ["max", "mean", "sum"],
        "DBD": ["max", "mean", "sum"],
        "PAYMENT_PERC": ["max", "mean", "sum", "var"],
        "PAYMENT_DIFF": ["max", "mean", "sum", "var"],
        "AMT_INSTALMENT": ["max", "mean", "sum"],
        "AMT_PAYMENT": ["min", "max", "mean", "sum"],
        "DAYS_ENTRY_PAYMENT": ["max", "mean", "sum"],
    }
    grouped = ins.groupby("SK_ID_CURR")
    parts = [
        _flatten(grouped.agg(spec), "INSTAL_"),
        grouped.size().rename("INSTAL_COUNT"),
        grouped["LATE"].mean().rename("INSTAL_LATE_SHARE"),
    ]
    recent = {"6M": ins["DAYS_INSTALMENT"] >= -183, "12M": ins["DAYS_INSTALMENT"] >= -365}

    def payments(g):
        return pd.DataFrame(
            {
                "DPD_MAX": g["DPD"].max(),
                "DPD_MEAN": g["DPD"].mean(),
                "LATE_SHARE": g["LATE"].mean(),
                "PAYMENT_PERC_MEAN": g["PAYMENT_PERC"].mean(),
                "PAYMENT_DIFF_SUM": g["PAYMENT_DIFF"].sum(min_count=1),
            }
        )

    return pd.concat(parts + _windows(ins, recent, payments, "INSTAL_"), axis=1)


def credit_card_features(raw: Path) -> pd.DataFrame | None:
    """The kernel's credit_card_balance, plus the use of the limit and recent windows."""
    cc = _read(raw, "credit_card_balance")
    if cc is None:
        return None
    cc["UTILIZATION"] = _ratio(cc["AMT_BALANCE"], cc["AMT_CREDIT_LIMIT_ACTUAL"])
    extras = cc[["SK_ID_CURR", "MONTHS_BALANCE", "AMT_BALANCE", "AMT_DRAWINGS_CURRENT"]]
    extras = extras.assign(UTILIZATION=cc["UTILIZATION"], SK_DPD=cc["SK_DPD"])
    cc = cc.drop(columns=["SK_ID_PREV", "UTILIZATION"])
    cc, _ = _one_hot(cc, _categorical(cc), nan=True)
    grouped = cc.groupby("SK_ID_CURR")
    parts = [
        _flatten(grouped.agg(["min", "max", "mean", "sum", "var"]), "CC_"),
        grouped.size().rename("CC_COUNT"),
        _flatten(extras.groupby("SK_ID_CURR").agg({"UTILIZATION": ["mean", "max"]}), "CC_"),
    ]
    recent = {
        "6M": extras["MONTHS_BALANCE"] >= -6,
        "12M": extras["MONTHS_BALANCE"] >= -12,
    }

    def use(g):
        return pd.DataFrame(
            {
                "AMT_BALANCE_MEAN": g["AMT_BALANCE"].mean(),
                "UTILIZATION_MEAN": g["UTILIZATION"].mean(),
                "UTILIZATION_MAX": g["UTILIZATION"].max(),
                "SK_DPD_MAX": g["SK_DPD"].max(),
                "AMT_DRAWINGS_CURRENT_MEAN": g["AMT_DRAWINGS_CURRENT"].mean(),
            }
        )

    return pd.concat(parts + _windows(extras, recent, use, "CC_"), axis=1)
