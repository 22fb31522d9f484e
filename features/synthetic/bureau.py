"""Credits reported by other lenders (``bureau``) and their monthly status (``bureau_balance``).

About 14% of applicants have no bureau record. Each credit is opened at most eight
years before the application (and after the applicant turned 18); its planned end,
actual end, debt and overdue amounts follow from the dates and from the applicant's
payment behaviour. Only some credits have monthly statuses, which run from the
opening month to the application month: ``C`` after closing, ``X`` when unknown,
``0`` when paid, ``1``..``5`` for 1-30 .. 120+ days past due.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from features.synthetic import vocab
from features.synthetic.applicants import Applicants
from features.synthetic.sampling import (
    DAYS_PER_MONTH,
    Codes,
    codes_of,
    history_counts,
    pick,
    ragged,
    round_to,
    sigmoid,
    with_missing,
)

#: Share of applicants with at least one bureau credit.
_HAS_BUREAU = 0.86
#: Mean number of further credits of those who have one.
_EXTRA_CREDITS = 4.7
#: Share of bureau credits that have monthly statuses in bureau_balance.
_BALANCE_COVERAGE = 0.42
_ADULT_DAYS = 18 * 365.25
_HISTORY_DAYS = 2922
#: Typical planned duration in days by credit type (median of a lognormal).
_DURATION = {"Credit card": 1100.0, "Car loan": 1500.0, "Mortgage": 5000.0, "Microloan": 60.0}
_TYPICAL_AMOUNT = {
    "Credit card": 180_000.0,
    "Car loan": 600_000.0,
    "Mortgage": 2_000_000.0,
    "Microloan": 20_000.0,
}


@dataclass
class BureauTables:
    """The rows of ``bureau`` and ``bureau_balance`` for one chunk."""

    bureau: dict[str, np.ndarray | Codes]
    balance: dict[str, np.ndarray | Codes]


def credits_per_applicant(rng: np.random.Generator, people: Applicants) -> np.ndarray:
    """How many bureau credits each applicant has (older applicants have more)."""
    age = people.age_days / 365.25
    scale = np.clip(0.45 + 0.025 * (age - 20.0), 0.45, 1.2)
    return history_counts(rng, _HAS_BUREAU, 1.5, _EXTRA_CREDITS * scale)


def make_bureau(
    rng: np.random.Generator, people: Applicants, sk_id_curr: np.ndarray, first_id: int
) -> BureauTables:
    """Draw the bureau credits of one chunk; their ids start at ``first_id``."""
    counts = credits_per_applicant(rng, people)
    owner, _ = ragged(counts)
    n = len(owner)
    behaviour = people.behaviour[owner]
    recent = people.behaviour_recent[owner]

    credit_type = pick(rng, vocab.CREDIT_TYPE, n)
    card = credit_type.equals("Credit card")
    reach = np.minimum(_HISTORY_DAYS, people.age_days[owner] - _ADULT_DAYS)
    days_credit = -np.floor(rng.beta(0.95, 1.45, n) * reach)

    median = np.full(n, 450.0)
    for label, days in _DURATION.items():
        median = np.where(credit_type.equals(label), days, median)
    duration = np.clip(np.round(median * np.exp(0.9 * rng.standard_normal(n))), 7, 11_000)
    end_planned = days_credit + duration
    # A few lenders report a placeholder end date about 85 years ahead.
    end_planned = np.where(rng.random(n) < 0.012, rng.integers(30_000, 31_200, n), end_planned)
    no_end = rng.random(n) < np.where(card, 0.15, 0.035)

    # Credits past their planned end are closed, except some that run overdue.
    still_running = np.where(
        end_planned > 0,
        rng.random(n) < 0.78,
        rng.random(n) < 0.06 + 0.12 * sigmoid(behaviour - 1.0),
    )
    still_running = np.where(no_end, rng.random(n) < 0.5, still_running)
    sold = rng.random(n) < 0.003 * np.exp(0.6 * behaviour)
    bad_debt = rng.random(n) < 1.2e-5 * np.exp(behaviour)
    status = np.where(still_running, 0, 1)
    status = np.where(sold, 2, np.where(bad_debt, 3, status))
    active = status == 0
    closed = status == 1

    early = rng.random(n) < 0.45
    closed_at = np.where(
        (end_planned > 0) | early,
        days_credit + np.floor(rng.uniform(0.2, 1.0, n) * np.maximum(-days_credit, 0)),
        np.minimum(end_planned + rng.integers(-5, 6, n), 0),
    )
    closed_at = np.maximum(closed_at, days_credit)
    end_fact = np.where(closed | (sold & (rng.random(n) < 0.4)), closed_at, np.nan)

    update = np.where(
        active,
        -np.minimum(np.floor(rng.exponential(30.0, n)), -days_credit),
        np.minimum(np.nan_to_num(end_fact, nan=0.0) + np.floor(rng.exponential(25.0, n)), 0),
    )
    update = np.maximum(update, days_credit)

    amount = np.full(n, 120_000.0)
    for label, typical in _TYPICAL_AMOUNT.items():
        amount = np.where(credit_type.equals(label), typical, amount)
    amount = amount * np.exp(1.1 * rng.standard_normal(n))
    amount = np.where(rng.random(n) < 0.55, round_to(amount, 4_500.0), np.round(amount, 2))
    amount = np.where(card & (rng.random(n) < 0.12), 0.0, amount)

    remaining = np.clip(end_planned / np.maximum(end_planned - days_credit, 1.0), 0.0, 1.0)
    card_balance = amount * np.clip(rng.beta(0.8, 1.2, n) + 0.2 * behaviour, 0.0, 1.0)
    debt = np.where(card, card_balance, amount * np.where(end_planned > 0, remaining, 0.2))
    debt = np.where(active, np.round(debt, 3), 0.0)
    debt = np.where(active & (rng.random(n) < 0.12), 0.0, debt)
    debt_missing = rng.random(n) < np.where(active, 0.105, 0.17)
    limit = np.where(card & (rng.random(n) < 0.35), np.maximum(amount - debt, 0.0), 0.0)
    limit_missing = rng.random(n) < np.where(card, 0.25, 0.35)

    overdue_days = np.where(
        active & (rng.random(n) < sigmoid(-5.8 + 1.5 * recent)),
        np.where(rng.random(n) < 0.7, rng.integers(1, 31, n), rng.integers(31, 2_800, n)),
        0,
    ).astype(np.int64)
    overdue_days = np.minimum(overdue_days, -days_credit).astype(np.int64)
    annuity = np.round(amount / np.maximum(duration / DAYS_PER_MONTH, 1.0), 1)
    overdue_amount = np.where(
        overdue_days > 0,
        np.round(annuity * np.minimum(1 + overdue_days // 30, 3) * rng.uniform(0.1, 1.0, n), 3),
        0.0,
    )

    ever_overdue = rng.random(n) < sigmoid(-1.8 + 1.0 * behaviour)
    max_overdue = np.where(
        ever_overdue,
        np.round(7_600.0 * np.exp(0.9 * rng.standard_normal(n) + 0.3 * behaviour), 3),
        0.0,
    )
    max_overdue = np.maximum(max_overdue, overdue_amount)
    max_overdue_missing = (rng.random(n) < 0.65) & (overdue_days == 0)

    prolonged = np.where(rng.random(n) < 0.0052, 1 + (rng.random(n) < 0.1), 0)
    annuity_missing = rng.random(n) < 0.75
    annuity = np.where(rng.random(n) < 0.35, 0.0, annuity)

    bureau = {
        "SK_ID_CURR": sk_id_curr[owner],
        "SK_ID_BUREAU": first_id + np.arange(n, dtype=np.int64),
        "CREDIT_ACTIVE": codes_of(vocab.CREDIT_ACTIVE, status),
        "CREDIT_CURRENCY": pick(rng, vocab.CREDIT_CURRENCY, n),
        "DAYS_CREDIT": days_credit.astype(np.int64),
        "CREDIT_DAY_OVERDUE": overdue_days,
        "DAYS_CREDIT_ENDDATE": with_missing(end_planned, no_end),
        "DAYS_ENDDATE_FACT": end_fact,
        "AMT_CREDIT_MAX_OVERDUE": with_missing(max_overdue, max_overdue_missing),
        "CNT_CREDIT_PROLONG": prolonged.astype(np.int64),
        "AMT_CREDIT_SUM": amount,
        "AMT_CREDIT_SUM_DEBT": with_missing(debt, debt_missing),
        "AMT_CREDIT_SUM_LIMIT": with_missing(limit, limit_missing),
        "AMT_CREDIT_SUM_OVERDUE": overdue_amount,
        "CREDIT_TYPE": credit_type,
        "DAYS_CREDIT_UPDATE": update.astype(np.int64),
        "AMT_ANNUITY": with_missing(annuity, annuity_missing),
    }
    balance = _monthly_status(
        rng, bureau["SK_ID_BUREAU"], days_credit, end_fact, overdue_days, behaviour
    )
    return BureauTables(bureau, balance)


def _monthly_status(
    rng: np.random.Generator,
    bureau_id: np.ndarray,
    days_credit: np.ndarray,
    end_fact: np.ndarray,
    overdue_days: np.ndarray,
    behaviour: np.ndarray,
) -> dict[str, np.ndarray | Codes]:
    """One row per month from the opening month to the application month, newest first."""
    n = len(bureau_id)
    covered = rng.random(n) < _BALANCE_COVERAGE
    months_open = np.minimum(np.floor(-days_credit / DAYS_PER_MONTH), 96).astype(np.int64)
    # Some lenders stopped reporting before the application month.
    stopped = np.where(rng.random(n) < 0.25, rng.integers(0, 12, n), 0)
    stopped = np.minimum(stopped, months_open)
    counts = np.where(covered, months_open - stopped + 1, 0)
    credit, position = ragged(counts)
    age = stopped[credit] + position  # months before the application

    closed_age = np.floor(-np.nan_to_num(end_fact, nan=1.0) / DAYS_PER_MONTH)
    is_closed = ~np.isnan(end_fact)
    unknown_from = np.where(rng.random(n) < 0.3, np.floor(months_open * rng.random(n)), 999)
    all_unknown = rng.random(n) < 0.07

    status = np.full(len(credit), 2, dtype=np.int16)  # "0": paid on time
    late = rng.random(len(credit)) < sigmoid(-4.3 + 1.0 * behaviour[credit])
    status[late] = 3 + (rng.random(int(late.sum())) < 0.12)
    # The current overdue shows in the latest months: 1-30 days is "1", then one more per month.
    overdue_bucket = np.ceil((overdue_days[credit] - 30 * age) / 30.0)
    status = np.where(overdue_bucket >= 1, 2 + np.minimum(overdue_bucket, 5), status)
    status = np.where((age >= unknown_from[credit]) | all_unknown[credit], 1, status)
    status = np.where(is_closed[credit] & (age <= closed_age[credit]), 0, status)
    return {
        "SK_ID_BUREAU": bureau_id[credit],
        "MONTHS_BALANCE": -age.astype(np.int64),
        "STATUS": codes_of(vocab.BUREAU_STATUS, status),
    }
