"""Approval rate and recall by gender and by age band, with the four-fifths ratio.

The four-fifths rule (US EEOC, adopted widely as a first screen for disparate impact):
a group approved at less than 80 % of the rate of the most-approved group deserves a
look. Recall by group (share of the group's defaulters that the model refuses) shows
whether the model protects the lender equally well across groups.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from training.data import FeatureTable, read_applications

#: Age bands, in years: lower bounds and labels.
AGE_BANDS = (0, 30, 40, 50, 60, 200)
AGE_LABELS = ("under 30", "30-39", "40-49", "50-59", "60 and over")
FOUR_FIFTHS = 0.8
GENDER_NAMES = {"F": "women", "M": "men"}


def protected_groups(table: FeatureTable) -> dict[str, pd.Series]:
    """Gender and age band of each training row, where the data has them.

    Read from ``applications.parquet`` beside the feature table (the raw application
    rows), else from the ``CODE_GENDER`` / ``DAYS_BIRTH`` features if present.
    """
    source = pd.DataFrame(index=pd.Index(table.ids, name=table.id_column))
    applications = read_applications(table.folder)
    if applications is not None and table.id_column in applications.columns:
        rows = applications.drop_duplicates(table.id_column).set_index(table.id_column)
        for column in ("CODE_GENDER", "DAYS_BIRTH"):
            if column in rows.columns:
                source[column] = rows[column].reindex(source.index).to_numpy()
    for column in ("CODE_GENDER", "DAYS_BIRTH"):
        if column not in source.columns and column in table.X.columns:
            source[column] = table.X[column].to_numpy()
    groups: dict[str, pd.Series] = {}
    if "CODE_GENDER" in source.columns:
        groups["gender"] = source["CODE_GENDER"].map(lambda g: GENDER_NAMES.get(g, "other"))
    if "DAYS_BIRTH" in source.columns:
        years = -pd.to_numeric(source["DAYS_BIRTH"], errors="coerce") / 365.25
        bands = pd.cut(years, AGE_BANDS, labels=AGE_LABELS, right=False)
        groups["age band"] = bands.astype(object).where(bands.notna(), "unknown")
    return {name: g.reset_index(drop=True) for name, g in groups.items()}


def fairness_table(groups: pd.Series, y: np.ndarray, refused: np.ndarray) -> list[dict]:
    """One row per group: size, default rate, approval rate, recall, four-fifths ratio."""
    frame = pd.DataFrame({"group": groups.to_numpy(), "y": y, "refused": refused})
    rows = []
    order = {label: i for i, label in enumerate(AGE_LABELS)}
    groups_sorted = sorted(frame["group"].unique(), key=lambda g: (order.get(g, len(order)), g))
    for group in groups_sorted:
        part = frame[frame["group"] == group]
        defaulters = part["y"] == 1
        rows.append(
            {
                "group": str(group),
                "n": len(part),
                "default_rate": float(defaulters.mean()),
                "approval_rate": float(1 - part["refused"].mean()),
                "recall": float(part.loc[defaulters, "refused"].mean())
                if defaulters.any()
                else float("nan"),
            }
        )
    best = max(r["approval_rate"] for r in rows)
    for row in rows:
        row["four_fifths_ratio"] = row["approval_rate"] / best if best > 0 else float("nan")
        row["below_four_fifths"] = bool(row["four_fifths_ratio"] < FOUR_FIFTHS)
    return rows


def fairness_report(table: FeatureTable, refused: np.ndarray) -> dict[str, list[dict]]:
    """The fairness table for every protected attribute the data has."""
    return {
        name: fairness_table(groups, table.y, refused)
        for name, groups in protected_groups(table).items()
    }
