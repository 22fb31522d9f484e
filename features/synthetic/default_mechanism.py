"""The planted default mechanism: the true probability of default of every applicant.

The probability is a fixed function of values written in the CSVs: application
fields, and per-applicant aggregates that a feature pipeline can compute from the
history rows (the *signals* below). Latent scores shape how the history rows are
drawn but never enter the probability, so a model that sees the right features can
approach the oracle. ``TARGET`` is then a Bernoulli draw of this probability.

Signals (computed from the rows exactly as listed; applicants without rows get NaN):

``INSTAL_LATE_SHARE``
    share of ``installments_payments`` rows paid after the due date
    (``DAYS_ENTRY_PAYMENT > DAYS_INSTALMENT``), among rows with a payment date.
``INSTAL_LATE_SHARE_12M``
    the same over instalments due in the last 12 months (``DAYS_INSTALMENT >= -365``).
``INSTAL_PARTIAL_SHARE``
    share of rows with ``AMT_PAYMENT < AMT_INSTALMENT``, among rows with a payment.
``POS_DPD_MAX``
    largest ``SK_DPD`` of the applicant's ``POS_CASH_balance`` rows.
``BURO_OVERDUE_COUNT``
    number of ``bureau`` credits with ``CREDIT_ACTIVE = 'Active'`` and ``CREDIT_DAY_OVERDUE > 0``.
``BURO_ACTIVE_DEBT``
    sum of ``AMT_CREDIT_SUM_DEBT`` over active bureau credits (missing as 0).
``PREV_REFUSED_COUNT``
    number of ``previous_application`` rows with ``NAME_CONTRACT_STATUS = 'Refused'``.
``CC_UTILISATION``
    mean of ``AMT_BALANCE / AMT_CREDIT_LIMIT_ACTUAL`` over card months with a limit.

The log-odds add: the three external scores (strongest, steeper at the low end; a
missing score counts as a middling one plus a small penalty), age, employment length,
the annuity burden (with a stronger effect for weak external scores), the credit-to-goods
ratio, a bump for mid-length terms, a few categories, and the signals (recent late
payments weigh more for the young). See :func:`true_log_odds`.
"""

from __future__ import annotations

import numpy as np

from features.raw_schema import DAYS_SENTINEL
from features.synthetic.sampling import Codes, group_reduce, sigmoid

Columns = dict[str, "np.ndarray | Codes"]

#: Calibrated so that about 8.1% of the baseline population defaults.
INTERCEPT = -3.85
#: Weights of the two blocks of terms: they set the oracle AUC (~0.82) and how much of
#: it only the history tables can give (an application-only model stays ~0.04 below).
APPLICATION_WEIGHT = 0.92
HISTORY_WEIGHT = 0.57

SIGNALS = (
    "INSTAL_LATE_SHARE",
    "INSTAL_LATE_SHARE_12M",
    "INSTAL_PARTIAL_SHARE",
    "POS_DPD_MAX",
    "BURO_OVERDUE_COUNT",
    "BURO_ACTIVE_DEBT",
    "PREV_REFUSED_COUNT",
    "CC_UTILISATION",
)


def _is(column: np.ndarray | Codes, label: str) -> np.ndarray:
    """Rows of a category column equal to ``label`` (codes, or strings as read from a CSV)."""
    if isinstance(column, Codes):
        return column.equals(label)
    return np.asarray(column == label, dtype=bool)


def _share(flag: np.ndarray, valid: np.ndarray, owner: np.ndarray, n: int) -> np.ndarray:
    """Per-applicant share of ``flag`` among ``valid`` rows (NaN without valid rows)."""
    hits = np.bincount(owner[valid], weights=flag[valid].astype(float), minlength=n)
    total = np.bincount(owner[valid], minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, hits / np.maximum(total, 1), np.nan)


def _count(flag: np.ndarray, owner: np.ndarray, has_rows: np.ndarray, n: int) -> np.ndarray:
    """Per-applicant count of ``flag`` rows (NaN for applicants without rows)."""
    counted = np.bincount(owner, weights=flag.astype(float), minlength=n)
    return np.where(has_rows, counted, np.nan)


def history_signals(sk_id_curr: np.ndarray, tables: dict[str, Columns]) -> dict[str, np.ndarray]:
    """Compute the :data:`SIGNALS` of the applicants ``sk_id_curr`` (sorted) from their rows."""
    n = len(sk_id_curr)

    def owner_of(table: str) -> np.ndarray:
        return np.searchsorted(sk_id_curr, tables[table]["SK_ID_CURR"])

    def has_rows(owner: np.ndarray) -> np.ndarray:
        return np.bincount(owner, minlength=n) > 0

    inst = tables["installments_payments"]
    owner = owner_of("installments_payments")
    paid = ~np.isnan(inst["DAYS_ENTRY_PAYMENT"])
    late = inst["DAYS_ENTRY_PAYMENT"] > inst["DAYS_INSTALMENT"]
    recent = paid & (inst["DAYS_INSTALMENT"] >= -365)
    partial = inst["AMT_PAYMENT"] < inst["AMT_INSTALMENT"]
    signals = {
        "INSTAL_LATE_SHARE": _share(late, paid, owner, n),
        "INSTAL_LATE_SHARE_12M": _share(late, recent, owner, n),
        "INSTAL_PARTIAL_SHARE": _share(partial, ~np.isnan(inst["AMT_PAYMENT"]), owner, n),
    }

    pos = tables["POS_CASH_balance"]
    owner = owner_of("POS_CASH_balance")
    dpd_max = group_reduce(np.maximum, pos["SK_DPD"].astype(float), owner, n, initial=-1.0)
    signals["POS_DPD_MAX"] = np.where(dpd_max < 0, np.nan, dpd_max)

    bureau = tables["bureau"]
    owner = owner_of("bureau")
    active = _is(bureau["CREDIT_ACTIVE"], "Active")
    signals["BURO_OVERDUE_COUNT"] = _count(
        active & (bureau["CREDIT_DAY_OVERDUE"] > 0), owner, has_rows(owner), n
    )
    debt = np.where(active, np.nan_to_num(bureau["AMT_CREDIT_SUM_DEBT"], nan=0.0), 0.0)
    signals["BURO_ACTIVE_DEBT"] = np.where(
        has_rows(owner), np.bincount(owner, weights=debt, minlength=n), np.nan
    )

    prev = tables["previous_application"]
    owner = owner_of("previous_application")
    signals["PREV_REFUSED_COUNT"] = _count(
        _is(prev["NAME_CONTRACT_STATUS"], "Refused"), owner, has_rows(owner), n
    )

    cards = tables["credit_card_balance"]
    owner = owner_of("credit_card_balance")
    limit = cards["AMT_CREDIT_LIMIT_ACTUAL"]
    with_limit = limit > 0
    utilisation = np.where(with_limit, cards["AMT_BALANCE"] / np.maximum(limit, 1), 0.0)
    signals["CC_UTILISATION"] = _share(utilisation, with_limit, owner, n)
    return signals


def _above(x: np.ndarray, at: float) -> np.ndarray:
    """How far ``x`` exceeds ``at`` (0 below it): a hinge for non-linear effects."""
    return np.maximum(x - at, 0.0)


def _below(x: np.ndarray, at: float) -> np.ndarray:
    """How far ``x`` falls short of ``at`` (0 above it)."""
    return np.maximum(at - x, 0.0)


def application_log_odds(app: Columns) -> np.ndarray:
    """The application's part of the log-odds (before weighting, without the intercept)."""
    es1, es2, es3 = (app[f"EXT_SOURCE_{i}"] for i in (1, 2, 3))
    scores = np.column_stack([es1, es2, es3])
    known = (~np.isnan(scores)).sum(axis=1)
    es_mean = np.where(known > 0, np.nansum(scores, axis=1) / np.maximum(known, 1), 0.5)
    f1, f2, f3 = (np.nan_to_num(x, nan=0.5) for x in (es1, es2, es3))
    # External scores: the strongest terms; EXT_SOURCE_2 bites harder below 0.25, and an
    # unknown score counts as a middling one with a small penalty.
    log_odds = (
        -2.2 * (f1 - 0.5)
        + 0.05 * np.isnan(es1)
        - 3.2 * (f2 - 0.51)
        + 3.0 * _below(f2, 0.25)
        - 3.4 * (f3 - 0.51)
        + 0.15 * np.isnan(es3)
    )

    # The young are riskier, the very young more so; long jobs lower the risk.
    age = -app["DAYS_BIRTH"] / 365.25
    log_odds += -0.012 * (age - 44.0) + 0.35 * _below(age, 28.0) / 8.0
    employed = app["DAYS_EMPLOYED"]
    years = np.where(employed == DAYS_SENTINEL, 8.0, -employed / 365.25)
    log_odds += -0.3 * np.log1p(years) + 0.6

    # The annuity burden, worse when the external scores are weak (an interaction); the
    # part of the credit beyond the goods price; mid-length terms (a smooth bump).
    income = app["AMT_INCOME_TOTAL"]
    credit = app["AMT_CREDIT"]
    annuity = np.nan_to_num(app["AMT_ANNUITY"], nan=0.05 * credit)
    goods = np.nan_to_num(app["AMT_GOODS_PRICE"], nan=credit)
    burden = np.minimum(annuity / income, 0.6)
    log_odds += 1.5 * (burden - 0.18) + 4.0 * _above(burden, 0.15) * (0.5 - es_mean)
    log_odds += 1.0 * (np.clip(credit / goods, 0.8, 1.6) - 1.12)
    term = credit / np.maximum(annuity, 1.0)
    log_odds += 0.35 * np.exp(-(((term - 18.0) / 6.0) ** 2))

    log_odds += 0.25 * _is(app["CODE_GENDER"], "M")
    education = app["NAME_EDUCATION_TYPE"]
    log_odds += -0.25 * _is(education, "Higher education") + 0.3 * _is(education, "Lower secondary")
    log_odds += -0.5 * _is(education, "Academic degree")
    log_odds += -0.15 * _is(app["FLAG_OWN_CAR"], "Y")
    log_odds += 0.2 * (app["REGION_RATING_CLIENT_W_CITY"] - 2)
    log_odds += 1.0 * _is(app["NAME_INCOME_TYPE"], "Unemployed")
    return log_odds


def history_log_odds(app: Columns, signals: dict[str, np.ndarray]) -> np.ndarray:
    """The history's part of the log-odds (before weighting), from the :data:`SIGNALS`."""
    age = -app["DAYS_BIRTH"] / 365.25
    income = app["AMT_INCOME_TOTAL"]
    s = {name: np.nan_to_num(value, nan=0.0) for name, value in signals.items()}
    # Late and partial instalments; the last year's lateness counts twice, and more for
    # applicants under 35 (an interaction).
    log_odds = 2.2 * s["INSTAL_LATE_SHARE"] + 1.8 * s["INSTAL_LATE_SHARE_12M"]
    log_odds += 1.5 * s["INSTAL_LATE_SHARE_12M"] * _below(age, 35.0) / 15.0
    log_odds += 1.8 * s["INSTAL_PARTIAL_SHARE"]
    # Days past due on POS loans (log: a default counts, its length matters little).
    log_odds += 0.22 * np.minimum(np.log1p(s["POS_DPD_MAX"]), 7.0)
    log_odds += 0.6 * np.minimum(s["BURO_OVERDUE_COUNT"], 3.0)
    log_odds += 0.12 * np.log1p(np.minimum(s["BURO_ACTIVE_DEBT"] / income, 50.0))
    log_odds += 0.45 * np.log1p(s["PREV_REFUSED_COUNT"])
    # Card utilisation matters past 30% of the limit, and again past 80%.
    log_odds += 1.3 * _above(s["CC_UTILISATION"], 0.3) + 0.8 * _above(s["CC_UTILISATION"], 0.8)
    # A thin file: no bureau record, and worse still no history at all.
    no_bureau = np.isnan(signals["BURO_OVERDUE_COUNT"])
    no_previous = np.isnan(signals["PREV_REFUSED_COUNT"])
    log_odds += 0.1 * no_bureau + 0.2 * (no_bureau & no_previous)
    return log_odds


def true_log_odds(app: Columns, signals: dict[str, np.ndarray]) -> np.ndarray:
    """Log-odds of default from application columns and history signals (NaN-safe)."""
    return (
        INTERCEPT
        + APPLICATION_WEIGHT * application_log_odds(app)
        + HISTORY_WEIGHT * history_log_odds(app, signals)
    )


def true_pd(app: Columns, signals: dict[str, np.ndarray]) -> np.ndarray:
    """The true probability of default."""
    return sigmoid(true_log_odds(app, signals))
