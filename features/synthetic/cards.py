"""Monthly life of credit cards: ``credit_card_balance`` and the card repayments.

Each approved card (see :class:`features.synthetic.previous.Loans`) has one row a
month from its opening to the application month. Before activation and after
closing the limit shows as 0. Revolvers carry a balance, the more so the worse they
pay; the others mostly sit at zero. A repayment is due on last month's balance
(``AMT_INST_MIN_REGULARITY``, 5%); repayments also appear in
``installments_payments`` with instalment version 0, as in Kaggle's data. Missed
repayments pile up days past due.
"""

from __future__ import annotations

import numpy as np

from features.synthetic import vocab
from features.synthetic.applicants import Applicants
from features.synthetic.balances import late_probability, partial_probability
from features.synthetic.previous import CARD, Loans
from features.synthetic.sampling import DAYS_PER_MONTH, Codes, codes_of, ragged, round_to, sigmoid

Columns = dict[str, "np.ndarray | Codes"]

_OLDEST_MONTH = -96
_INTEREST = 0.02


def _shift(values: np.ndarray, position: np.ndarray, fill: float = 0.0) -> np.ndarray:
    """Last month's value within each card (``fill`` on a card's first month)."""
    out = np.empty_like(values)
    out[1:] = values[:-1]
    out[position == 0] = fill
    return out


def _run_length(flag: np.ndarray, position: np.ndarray) -> np.ndarray:
    """How many months in a row (up to this one) ``flag`` has held within each card."""
    index = np.arange(len(flag))
    breaks = np.where(~flag | (position == 0), index, 0)
    last_break = np.maximum.accumulate(breaks)
    run = index - last_break + (flag & (position == 0))
    return np.where(flag, np.maximum(run, 1), 0)


def make_cards(
    rng: np.random.Generator, people: Applicants, loans: Loans, sk_id_curr: np.ndarray
) -> tuple[Columns, Columns]:
    """Rows of ``credit_card_balance`` and the card repayments of ``installments_payments``."""
    keep = loans.kind == CARD
    card = {name: getattr(loans, name)[keep] for name in loans.__dataclass_fields__}
    n_cards = int(keep.sum())
    start = np.maximum(np.floor(card["decision"] / DAYS_PER_MONTH), _OLDEST_MONTH).astype(np.int64)
    # Open cards run to the last month; closed ones show "Completed" for four more months.
    closed_month = np.where(card["finished"], np.floor(card["last_due"] / DAYS_PER_MONTH), 1)
    end = np.minimum(closed_month + 4, -1).astype(np.int64)
    count = np.maximum(end - start + 1, 1)
    owner, position = ragged(count)
    n = len(owner)
    month = start[owner] + position
    person = card["owner"][owner]
    behaviour = people.behaviour_recent[card["owner"]]

    delay = np.where(rng.random(n_cards) < 0.5, 0, rng.integers(1, 16, n_cards))
    # Some cards go into default: from then on nothing is repaid.
    defaulted = rng.random(n_cards) < sigmoid(-4.3 + 1.2 * behaviour)
    default_from = np.floor(rng.random(n_cards) * count)
    in_default = defaulted[owner] & (position >= default_from[owner])
    waiting = position < delay[owner]
    closed = month > closed_month[owner]
    open_ = ~waiting & ~closed
    limit = np.where(open_, card["credit"][owner], 0.0)

    revolver = rng.random(n_cards) < sigmoid(-0.5 + 0.9 * behaviour)
    target = sigmoid(0.1 + 0.9 * behaviour + 0.7 * rng.standard_normal(n_cards))
    util = np.where(
        revolver[owner],
        np.clip(target[owner] + 0.03 * rng.standard_normal(n), 0.0, 1.03),
        np.where(rng.random(n) < 0.12, rng.uniform(0.02, 0.4, n), 0.0),
    )
    balance = np.round(np.where(open_, util * limit, 0.0), 3)
    before = _shift(balance, position)
    min_due = np.round(0.05 * balance, 2)
    min_due_before = _shift(min_due, position)

    missed = (before > 0) & ((rng.random(n) < sigmoid(-3.8 + 1.2 * behaviour[owner])) | in_default)
    short = (before > 0) & ~missed & (rng.random(n) < partial_probability(behaviour[owner]))
    # Revolvers pay a little over the minimum, the others clear their balance.
    repay = np.where(
        revolver[owner], np.minimum(before, min_due_before * rng.uniform(1.0, 1.6, n)), before
    )
    repay = np.where(short, min_due_before * rng.uniform(0.1, 0.9, n), repay)
    repay = np.round(np.where(missed | (before <= 0), 0.0, repay), 2)
    drawn = np.maximum(balance - before * (1 + _INTEREST) + repay, 0.0)
    # Cards without a balance often still see a small payment (fees, insurance).
    fee = np.where(
        open_ & (position > 0) & (before <= 0) & (rng.random(n) < 0.55),
        np.round(np.exp(np.log(400.0) + 0.9 * rng.standard_normal(n)), 3),
        0.0,
    )
    atm_share = np.select([rng.random(n) < 0.45, rng.random(n) < 0.5], [1.0, 0.0], rng.random(n))
    atm = np.minimum(round_to(drawn * atm_share, 450.0), round_to(drawn, 450.0))
    pos = np.round(np.maximum(drawn - atm, 0.0), 2)
    other = np.where(rng.random(n) < 0.003, round_to(pos, 4500.0), 0.0)
    pos = np.round(np.maximum(pos - other, 0.0), 2)
    n_atm = np.ceil(atm / 9_000.0)
    n_pos = np.where(pos > 0, 1 + rng.poisson(pos / 8_000.0), 0)
    n_other = np.where(other > 0, 1.0, 0.0)
    quiet = (atm + pos + other == 0) & (rng.random(n) < 0.3)

    repaid = ((repay > 0) | (fee > 0)).astype(np.int64)
    repaid_so_far = np.cumsum(repaid)
    card_first = np.cumsum(count) - count
    mature = repaid_so_far - (repaid_so_far - repaid)[card_first][owner]
    missed_run = _run_length(missed, position)
    dpd = np.where(missed_run > 0, 30 * missed_run - rng.integers(0, 30, n_cards)[owner], 0)
    dpd = np.maximum(dpd, 0).astype(np.int64)
    counted = ~in_default & (dpd <= 60) & (rng.random(n) < 0.5)
    dpd_def = np.where(counted, dpd, 0)

    status = np.zeros(n, dtype=np.int16)  # Active
    status[closed] = 1  # Completed
    status[waiting & (position == 0) & (rng.random(n) < 0.3)] = 2  # Signed
    status[(dpd > 90) & (rng.random(n) < 0.2)] = 3  # Demand
    status[waiting & (position == 0) & (rng.random(n) < 0.01)] = 4  # Sent proposal

    principal = np.round(balance * rng.uniform(0.92, 1.0, n), 3)
    receivable = np.where(
        rng.random(n) < 0.85, balance, np.round(balance * rng.uniform(0.97, 1.0, n), 3)
    )
    no_statement = waiting
    balance_cols: Columns = {
        "SK_ID_PREV": card["prev_id"][owner],
        "SK_ID_CURR": sk_id_curr[person],
        "MONTHS_BALANCE": month,
        "AMT_BALANCE": balance,
        "AMT_CREDIT_LIMIT_ACTUAL": limit.astype(np.int64),
        "AMT_DRAWINGS_ATM_CURRENT": np.where(quiet, np.nan, atm),
        "AMT_DRAWINGS_CURRENT": np.round(atm + pos + other, 2),
        "AMT_DRAWINGS_OTHER_CURRENT": np.where(quiet, np.nan, other),
        "AMT_DRAWINGS_POS_CURRENT": np.where(quiet, np.nan, pos),
        "AMT_INST_MIN_REGULARITY": np.where(no_statement, np.nan, min_due),
        "AMT_PAYMENT_CURRENT": np.where(
            (repay + fee == 0) & (rng.random(n) < 0.65), np.nan, repay + fee
        ),
        "AMT_PAYMENT_TOTAL_CURRENT": np.where(rng.random(n) < 0.8, repay, np.round(repay * 0.9, 2)),
        "AMT_RECEIVABLE_PRINCIPAL": principal,
        "AMT_RECIVABLE": receivable,
        "AMT_TOTAL_RECEIVABLE": receivable,
        "CNT_DRAWINGS_ATM_CURRENT": np.where(quiet, np.nan, n_atm),
        "CNT_DRAWINGS_CURRENT": (n_atm + n_pos + n_other).astype(np.int64),
        "CNT_DRAWINGS_OTHER_CURRENT": np.where(quiet, np.nan, n_other),
        "CNT_DRAWINGS_POS_CURRENT": np.where(quiet, np.nan, n_pos.astype(float)),
        "CNT_INSTALMENT_MATURE_CUM": np.where(no_statement, np.nan, mature.astype(float)),
        "NAME_CONTRACT_STATUS": codes_of(vocab.CARD_STATUS, status),
        "SK_DPD": dpd,
        "SK_DPD_DEF": dpd_def.astype(np.int64),
    }
    repayments = _repayments(
        rng,
        behaviour[owner],
        card["prev_id"][owner],
        sk_id_curr[person],
        month,
        repay + fee,
        np.where(fee > 0, fee, min_due_before),
        short,
        mature,
    )
    return balance_cols, repayments


def _repayments(
    rng: np.random.Generator,
    behaviour: np.ndarray,
    prev_id: np.ndarray,
    curr_id: np.ndarray,
    month: np.ndarray,
    repay: np.ndarray,
    min_due: np.ndarray,
    short: np.ndarray,
    number: np.ndarray,
) -> Columns:
    """One or two instalment rows (version 0) per month with a card repayment."""
    paying = np.flatnonzero(repay > 0)
    split = rng.random(len(paying)) < 0.7
    rows = np.sort(np.concatenate([paying, paying[split]]))
    m = len(rows)
    first_part = np.ones(m, dtype=bool)
    first_part[1:] = rows[1:] != rows[:-1]
    is_split = np.isin(rows, paying[split])
    part = np.where(is_split, np.where(first_part, 0.6, 0.4), 1.0)
    due = np.minimum(np.floor(month[rows] * DAYS_PER_MONTH) + 20, -1)
    late = rng.random(m) < late_probability(behaviour[rows])
    entry = np.where(
        late, due + 1 + np.floor(rng.exponential(4.0, m)), due - np.floor(rng.exponential(6.0, m))
    )
    entry = np.minimum(entry, -1)
    paid = np.round(repay[rows] * part, 3)
    expected = np.where(short[rows], min_due[rows] * part, paid)
    expected = np.round(np.where(rng.random(m) < 0.03, min_due[rows], expected), 3)
    return {
        "SK_ID_PREV": prev_id[rows],
        "SK_ID_CURR": curr_id[rows],
        "NUM_INSTALMENT_VERSION": np.zeros(m),
        "NUM_INSTALMENT_NUMBER": number[rows].astype(np.int64),
        "DAYS_INSTALMENT": due,
        "DAYS_ENTRY_PAYMENT": entry,
        "AMT_INSTALMENT": expected,
        "AMT_PAYMENT": paid,
    }
