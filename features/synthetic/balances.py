"""Monthly life of cash and consumer loans: ``POS_CASH_balance`` and their instalments.

Each approved, drawn loan (see :class:`features.synthetic.previous.Loans`) has one
instalment a month from its first due date until it ends (term, early repayment or
default) or until the application date, whichever comes first. Payments are mostly a
few days early; late and partial payments happen more to applicants who pay badly,
and more or less in the last year as their behaviour drifted. A payment still
outstanding at a month-end shows as days past due in that month's POS row; a loan in
default stops being paid and its POS rows pile up days past due.
"""

from __future__ import annotations

import numpy as np

from features.synthetic import vocab
from features.synthetic.applicants import Applicants
from features.synthetic.previous import CARD, CONSUMER, Loans
from features.synthetic.sampling import DAYS_PER_MONTH, Codes, codes_of, ragged, sigmoid

Columns = dict[str, "np.ndarray | Codes"]

#: Days the window of monthly tables reaches back (Kaggle keeps 96 months).
_OLDEST_MONTH = -96
_RECENT_DAYS = -365


def late_probability(behaviour: np.ndarray) -> np.ndarray:
    """Chance that one instalment is paid after its due date."""
    return sigmoid(-3.2 + 1.1 * behaviour)


def partial_probability(behaviour: np.ndarray) -> np.ndarray:
    """Chance that one instalment is paid only in part at first."""
    return sigmoid(-3.3 + 1.0 * behaviour)


def make_loan_balances(
    rng: np.random.Generator, people: Applicants, loans: Loans, sk_id_curr: np.ndarray
) -> tuple[Columns, Columns]:
    """Rows of ``POS_CASH_balance`` and ``installments_payments`` for cash and consumer loans."""
    keep = loans.kind != CARD
    loan = {name: getattr(loans, name)[keep] for name in loans.__dataclass_fields__}
    instalments, late_days, due = _instalments(rng, people, loan, sk_id_curr)
    pos = _pos_months(rng, loan, sk_id_curr, instalments["_loan"], due, late_days)
    del instalments["_loan"]
    return pos, instalments


def _instalments(
    rng: np.random.Generator,
    people: Applicants,
    loan: dict[str, np.ndarray],
    sk_id_curr: np.ndarray,
) -> tuple[Columns, np.ndarray, np.ndarray]:
    """Scheduled instalments due before the application, with their payments."""
    first_due = loan["first_due"]
    due_before_now = np.floor((-1 - first_due) / DAYS_PER_MONTH).astype(np.int64) + 1
    count = np.clip(due_before_now, 0, loan["paid_count"])
    count = np.where(loan["defaulted"], np.minimum(count, loan["default_at"]), count)
    owner, k = ragged(count)
    n = len(owner)
    day = first_due[owner] + np.round(k * DAYS_PER_MONTH)
    person = loan["owner"][owner]
    behaviour = np.where(
        day >= _RECENT_DAYS, people.behaviour_recent[person], people.behaviour[person]
    )
    loan_mood = 0.5 * rng.standard_normal(len(first_due))[owner]

    last = k == loan["paid_count"][owner] - 1
    early_end = last & (loan["paid_count"][owner] < loan["term"][owner])
    remaining = loan["term"][owner] - k
    amount = loan["annuity"][owner] * np.where(early_end, 0.93 * remaining, 1.0)
    amount = np.round(amount, 3)
    restructured = rng.random(len(first_due)) < 0.08
    change_at = np.floor(rng.random(len(first_due)) * np.maximum(loan["paid_count"], 1))
    version = np.where(restructured[owner] & (k >= change_at[owner]), 2.0, 1.0)

    late = rng.random(n) < late_probability(behaviour + loan_mood)
    late_days = np.where(late, 1 + np.floor(np.exp(1.2 + 1.1 * rng.standard_normal(n))), 0.0)
    early_days = np.floor(rng.exponential(8.0, n))
    entry = np.where(late, day + late_days, day - early_days)

    partial = rng.random(n) < partial_probability(behaviour + loan_mood)
    share = np.where(partial, rng.uniform(0.05, 0.95, n), 1.0)
    paid = np.round(amount * share, 3)
    # Most partial payments are completed by a second payment a little later.
    top_up = partial & (rng.random(n) < 0.7)
    top_up_entry = entry + 1 + np.floor(rng.exponential(10.0, n))
    top_up &= top_up_entry < 0

    rows = np.concatenate([np.arange(n), np.flatnonzero(top_up)])
    order = np.argsort(rows, kind="stable")
    rows = rows[order]
    second = np.zeros(len(rows), dtype=bool)
    second[np.searchsorted(rows, np.flatnonzero(top_up), side="right") - 1] = True
    payment = np.where(second, np.round(amount[rows] - paid[rows], 3), paid[rows])
    entry_day = np.where(second, top_up_entry[rows], entry[rows])
    unpaid_yet = entry_day >= 0  # paid after the application: Kaggle shows no payment
    payment = np.where(unpaid_yet, np.nan, payment)
    entry_day = np.where(unpaid_yet, np.nan, entry_day)

    columns: Columns = {
        "_loan": owner[rows],
        "SK_ID_PREV": loan["prev_id"][owner[rows]],
        "SK_ID_CURR": sk_id_curr[person[rows]],
        "NUM_INSTALMENT_VERSION": version[rows],
        "NUM_INSTALMENT_NUMBER": (k[rows] + 1).astype(np.int64),
        "DAYS_INSTALMENT": day[rows].astype(float),
        "DAYS_ENTRY_PAYMENT": entry_day,
        "AMT_INSTALMENT": amount[rows],
        "AMT_PAYMENT": payment,
    }
    first_rows = ~second
    return columns, np.where(first_rows, late_days[rows], 0.0), day[rows]


def _pos_months(
    rng: np.random.Generator,
    loan: dict[str, np.ndarray],
    sk_id_curr: np.ndarray,
    instalment_loan: np.ndarray,
    instalment_day: np.ndarray,
    instalment_late: np.ndarray,
) -> Columns:
    """One row per month from the decision to completion or the application month."""
    start = np.maximum(np.floor(loan["decision"] / DAYS_PER_MONTH), _OLDEST_MONTH).astype(np.int64)
    end_month = np.floor(loan["last_due"] / DAYS_PER_MONTH).astype(np.int64) + 1
    end = np.where(loan["finished"], np.minimum(end_month, -1), -1)
    count = np.maximum(end - start + 1, 0)
    owner, position = ragged(count)
    n = len(owner)
    month = start[owner] + position
    offsets = np.cumsum(count) - count
    term = loan["term"][owner].astype(float)
    due_by_month_end = np.ceil(
        ((month + 1) * DAYS_PER_MONTH - loan["first_due"][owner]) / DAYS_PER_MONTH
    )
    future = np.clip(term - np.clip(due_by_month_end, 0, None), 0, None)
    completed = loan["finished"][owner] & (month == end[owner])
    future = np.where(completed, 0.0, future)

    # A late payment shows at the month-end snapshot when it comes after that snapshot.
    dpd = np.zeros(n, dtype=np.int64)
    to_snapshot = np.floor(rng.random(len(instalment_day)) * 30.0)
    shows = instalment_late > to_snapshot
    inst_month = np.floor(instalment_day / DAYS_PER_MONTH).astype(np.int64)
    row = offsets[instalment_loan] + inst_month - start[instalment_loan]
    valid = shows & (inst_month >= start[instalment_loan]) & (inst_month <= end[instalment_loan])
    np.maximum.at(dpd, row[valid], to_snapshot[valid].astype(np.int64))
    # Loans in default: days past due grow from the first unpaid instalment onwards.
    unpaid_from = loan["first_due"] + np.round(loan["default_at"] * DAYS_PER_MONTH)
    overdue = np.floor((month + 1) * DAYS_PER_MONTH - unpaid_from[owner]).astype(np.int64)
    in_default = loan["defaulted"][owner] & (overdue > 0)
    dpd = np.where(in_default, overdue, dpd)
    # The tolerance ignores small debts: most short delays, and most old defaults whose
    # remaining debt is small, do not count.
    counted_default = rng.random(len(start)) < 0.1
    tolerated = np.where(in_default, ~counted_default[owner], (dpd <= 30) & (rng.random(n) < 0.65))
    dpd_def = np.where(tolerated, 0, dpd)

    status = np.zeros(n, dtype=np.int16)  # Active
    status[completed] = 1
    first = position == 0
    status[first & (rng.random(n) < 0.1)] = 2  # Signed
    status[first & (rng.random(n) < 0.005)] = 5  # Approved
    status[in_default & (dpd > 90) & (rng.random(n) < 0.05)] = 3  # Demand
    returned = completed & (loan["kind"][owner] == CONSUMER) & (rng.random(n) < 0.006)
    status[returned] = 4  # Returned to the store
    return {
        "SK_ID_PREV": loan["prev_id"][owner],
        "SK_ID_CURR": sk_id_curr[loan["owner"][owner]],
        "MONTHS_BALANCE": month,
        "CNT_INSTALMENT": term,
        "CNT_INSTALMENT_FUTURE": future,
        "NAME_CONTRACT_STATUS": codes_of(vocab.POS_STATUS, status),
        "SK_DPD": dpd,
        "SK_DPD_DEF": dpd_def,
    }
