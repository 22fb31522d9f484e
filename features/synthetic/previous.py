"""Earlier applications at Home Credit (``previous_application``) and the loans they became.

About 5% of applicants never applied before. Each earlier application is a cash loan,
a consumer (POS) loan or a card, and is approved, refused (more often for applicants
who pay badly), canceled or left unused. Columns follow the real patterns of each
(type, status) pair: amounts and terms of approved loans, ``XAP``/``XNA`` where a field
does not apply, and the ``DAYS_*`` dates of approved loans with the 365243 sentinel for
"not yet" or "never". Approved, drawn loans come back as :class:`Loans`, the base of
the monthly balance tables.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from features.raw_schema import DAYS_SENTINEL
from features.synthetic import vocab
from features.synthetic.applicants import Applicants
from features.synthetic.sampling import (
    DAYS_PER_MONTH,
    Codes,
    codes_of,
    history_counts,
    pick,
    pick_index,
    pick_per_row,
    ragged,
    round_to,
    sigmoid,
    with_missing,
)

_HAS_PREVIOUS = 0.95
_EXTRA_APPLICATIONS = 4.0
_ADULT_DAYS = 18 * 365.25
_HISTORY_DAYS = 2921
CASH, CONSUMER, CARD, UNKNOWN = range(4)
APPROVED, CANCELED, REFUSED, UNUSED = range(4)
#: Status shares by contract type (rows: cash, consumer, card, XNA; columns: PREV_STATUS).
_STATUS = np.array(
    [
        [0.43, 0.33, 0.235, 0.005],
        [0.85, 0.003, 0.11, 0.037],
        [0.55, 0.2, 0.25, 0.0],
        [0.0, 1.0, 0.0, 0.0],
    ]
)
#: Beta shape of how far back (share of the reachable past) the decision lies, by status.
_DECISION_AGE = np.array([[1.0, 2.0], [0.7, 4.5], [0.8, 2.8], [1.0, 2.2]])
#: Cards stay open for years: the approved ones reach further back still.
_CARD_AGE = np.array([1.1, 1.3])
_CONSUMER_TERMS = np.array([4, 6, 8, 10, 12, 18, 24])
_CONSUMER_TERM_WEIGHTS = np.array([0.04, 0.22, 0.06, 0.25, 0.28, 0.07, 0.08])
_CASH_TERMS = np.array([6, 10, 12, 18, 24, 30, 36, 48, 60])
_CASH_TERM_WEIGHTS = np.array([0.05, 0.05, 0.3, 0.08, 0.22, 0.03, 0.15, 0.06, 0.06])
#: Monthly interest by yield group (XNA, low_action, low_normal, middle, high).
_MONTHLY_RATE = np.array([0.0, 0.0, 0.011, 0.02, 0.033])
_PREV_WEEKDAY = {
    "MONDAY": 148,
    "TUESDAY": 146,
    "WEDNESDAY": 152,
    "THURSDAY": 148,
    "FRIDAY": 158,
    "SATURDAY": 144,
    "SUNDAY": 103,
}
_PREV_TYPE_SUITE = {
    "Unaccompanied": 508970,
    "Family": 213263,
    "Spouse, partner": 67069,
    "Children": 31566,
    "Other_B": 17624,
    "Other_A": 9077,
    "Group of people": 2240,
}
#: POS product line of each goods category.
_HOUSEHOLD = {
    "Consumer Electronics",
    "Audio/Video",
    "Furniture",
    "Homewares",
    "Photo / Cinema Equipment",
}
_INDUSTRY = {
    "Computers",
    "Construction Materials",
    "Auto Accessories",
    "Vehicles",
    "Gardening",
    "Office Appliances",
}


@dataclass
class Loans:
    """Approved, drawn loans and cards: what the monthly tables are made of."""

    prev_id: np.ndarray
    owner: np.ndarray
    kind: np.ndarray  # CASH, CONSUMER or CARD
    decision: np.ndarray
    first_due: np.ndarray  # day of the first instalment (cards: first statement)
    term: np.ndarray  # planned number of instalments (0 for cards)
    paid_count: np.ndarray  # instalments until the loan ends (early repayment or term)
    annuity: np.ndarray
    credit: np.ndarray  # amount lent, or the card's limit
    finished: np.ndarray
    defaulted: np.ndarray
    default_at: np.ndarray  # instalments paid before the default
    last_due: np.ndarray  # day of the last instalment actually due (finished loans)


@dataclass
class PreviousTables:
    """``previous_application`` rows of one chunk and the loans they became."""

    previous: dict[str, np.ndarray | Codes]
    loans: Loans


def applications_per_applicant(rng: np.random.Generator, people: Applicants) -> np.ndarray:
    """How many earlier applications each applicant made (more for credit-hungry ones)."""
    age = people.age_days / 365.25
    scale = np.clip(0.55 + 0.02 * (age - 20.0), 0.55, 1.15) * np.exp(0.12 * people.behaviour)
    return history_counts(rng, _HAS_PREVIOUS, 1.3, _EXTRA_APPLICATIONS * scale)


def make_previous(
    rng: np.random.Generator, people: Applicants, sk_id_curr: np.ndarray, first_id: int
) -> PreviousTables:
    """Draw the earlier applications of one chunk; their ids are ``first_id`` onwards, shuffled."""
    counts = applications_per_applicant(rng, people)
    owner, position = ragged(counts)
    n = len(owner)
    behaviour = people.behaviour[owner]
    kind = pick_index(rng, np.array([0.448, 0.437, 0.1148, 0.0002]), n)
    status_probs = _STATUS[kind].copy()
    # Refusals follow bad behaviour (the 0.28 keeps the average share where it was).
    status_probs[:, REFUSED] *= np.exp(0.75 * behaviour - 0.28)
    status = pick_per_row(rng, status_probs)
    approved = status == APPROVED
    # Approved loans reach further back; canceled applications are mostly recent.
    reach = np.minimum(_HISTORY_DAYS, people.age_days[owner] - _ADULT_DAYS)
    shape = np.where((kind == CARD)[:, None] & approved[:, None], _CARD_AGE, _DECISION_AGE[status])
    decision = -(1 + np.floor(rng.beta(shape[:, 0], shape[:, 1]) * reach)).astype(np.int64)
    cols: dict[str, np.ndarray | Codes] = {
        "SK_ID_PREV": first_id + rng.permutation(n).astype(np.int64),
        "SK_ID_CURR": sk_id_curr[owner],
        "NAME_CONTRACT_TYPE": codes_of(vocab.PREV_CONTRACT_TYPE, kind),
    }
    money = _amounts(rng, kind, status, people.income[owner])
    cols.update(money.columns)
    cols["WEEKDAY_APPR_PROCESS_START"] = pick(rng, _PREV_WEEKDAY, n)
    cols["HOUR_APPR_PROCESS_START"] = np.clip(
        np.round(12.5 + 3.3 * rng.standard_normal(n)), 0, 23
    ).astype(np.int64)
    cols["FLAG_LAST_APPL_PER_CONTRACT"] = codes_of(("Y", "N"), rng.random(n) < 0.005)
    cols["NFLAG_LAST_APPL_IN_DAY"] = (rng.random(n) >= 0.0035).astype(np.int64)
    cols.update(money.rates)
    cols.update(_descriptors(rng, kind, status, position, money.yield_group, money.interest_free))
    cols["DAYS_DECISION"] = decision

    dates = _dates(rng, kind, approved, decision, money.term, behaviour)
    with_seller = (kind == CONSUMER) | (rng.random(n) < 0.25)
    cols["SELLERPLACE_AREA"] = np.where(
        with_seller, np.floor(np.exp(np.log(40.0) + 2.0 * rng.standard_normal(n))), -1
    ).astype(np.int64)
    cols["CNT_PAYMENT"] = money.columns.pop("CNT_PAYMENT")
    cols.update(dates.columns)
    cols["NFLAG_INSURED_ON_APPROVAL"] = with_missing(
        (rng.random(n) < np.where(kind == CARD, 0.0, 0.34)).astype(float), ~dates.drawn
    )

    drawn = dates.drawn
    loans = Loans(
        prev_id=cols["SK_ID_PREV"][drawn],
        owner=owner[drawn],
        kind=kind[drawn],
        decision=decision[drawn],
        first_due=dates.first_due[drawn],
        term=money.term[drawn],
        paid_count=dates.paid_count[drawn],
        annuity=money.annuity[drawn],
        credit=money.credit[drawn],
        finished=dates.finished[drawn],
        defaulted=dates.defaulted[drawn],
        default_at=dates.default_at[drawn],
        last_due=dates.last_due[drawn],
    )
    return PreviousTables(cols, loans)


@dataclass
class _Money:
    columns: dict[str, np.ndarray]
    rates: dict[str, np.ndarray]
    term: np.ndarray
    annuity: np.ndarray
    credit: np.ndarray
    yield_group: np.ndarray
    interest_free: np.ndarray


def _amounts(
    rng: np.random.Generator, kind: np.ndarray, status: np.ndarray, income: np.ndarray
) -> _Money:
    """Asked amount, granted credit, down payment, goods price, term and annuity."""
    n = len(kind)
    cash, consumer, card = kind == CASH, kind == CONSUMER, kind == CARD
    income_gap = np.log(income) - np.log(147_150.0)
    goods_pos = (
        np.round(np.exp(np.log(70_000.0) + 0.3 * income_gap + 0.85 * rng.standard_normal(n)) * 2)
        / 2
    )
    asked_cash = round_to(
        np.exp(np.log(270_000.0) + 0.5 * income_gap + 0.8 * rng.standard_normal(n)), 4_500.0
    )
    limit = np.clip(
        round_to(
            np.exp(np.log(135_000.0) + 0.4 * income_gap + 0.6 * rng.standard_normal(n)), 22_500.0
        ),
        22_500.0,
        1_350_000.0,
    )
    with_down = consumer & (rng.random(n) < 0.55)
    down_rate = np.where(with_down, rng.uniform(0.03, 0.35, n), 0.0)
    down = np.round(goods_pos * down_rate, 3)
    asked = np.select(
        [cash, consumer, card],
        [asked_cash, goods_pos, np.where(rng.random(n) < 0.44, 0.0, limit)],
        0.0,
    )
    insurance = np.where(rng.random(n) < 0.4, 1.0 + rng.uniform(0.02, 0.15, n), 1.0)
    credit = np.select(
        [cash, consumer, card], [asked_cash * insurance, (goods_pos - down) * insurance, limit], 0.0
    )
    credit = np.round(credit, 1)

    # About one POS loan in five is interest-free ("low_action" or "low_normal" yield).
    interest_free = consumer & (rng.random(n) < 0.18)
    yield_group = pick_per_row(
        rng,
        np.where(
            (kind == CASH)[:, None], [[0.0, 0.03, 0.27, 0.41, 0.29]], [[0.0, 0.0, 0.3, 0.33, 0.37]]
        ),
    )
    yield_group = np.where(interest_free, np.where(rng.random(n) < 0.55, 1, 2), yield_group)
    yield_group = np.where(card, 0, yield_group)
    term = np.where(
        cash,
        _CASH_TERMS[pick_index(rng, _CASH_TERM_WEIGHTS, n)],
        _CONSUMER_TERMS[pick_index(rng, _CONSUMER_TERM_WEIGHTS, n)],
    )
    term = np.where(card, 0, term)
    rate = np.where(interest_free, 0.0, _MONTHLY_RATE[yield_group])
    safe_term = np.maximum(term, 1)
    free = rate == 0
    annuity = credit * np.where(
        free, 1.0 / safe_term, rate / (1.0 - (1.0 + np.where(free, 1.0, rate)) ** -safe_term)
    )
    annuity = np.round(np.where(card, limit * 0.05, annuity), 3)

    # Canceled applications never got amounts; refusals sometimes lack a term.
    canceled = status == CANCELED
    zero_amounts = canceled & (rng.random(n) < np.where(consumer, 0.85, 0.99))
    asked = np.where(zero_amounts, 0.0, asked)
    credit = np.where(
        zero_amounts | ((status == REFUSED) & cash & (rng.random(n) < 0.15)), 0.0, credit
    )
    no_terms = (
        canceled
        | ((status == UNUSED) & (rng.random(n) < 0.97))
        | ((status == REFUSED) & (rng.random(n) < 0.15))
        | (kind == UNKNOWN)
    )
    yield_group = np.where(no_terms | canceled, 0, yield_group)
    goods = np.select([cash, consumer, card], [asked_cash, goods_pos, asked], np.nan)
    goods_missing = (
        (zero_amounts & ~consumer)
        | (card & (rng.random(n) < 0.4))
        | (kind == UNKNOWN)
        | ((status == REFUSED) & cash & (credit == 0))
    )
    goods_missing |= canceled & ~consumer
    down_missing = ~consumer | canceled | ((status == UNUSED) & (rng.random(n) < 0.14))
    down_missing &= ~(cash & ~canceled & (rng.random(n) < 0.11))
    down = np.where(cash & ~down_missing, 0.0, down)
    rate_down = np.where(goods_pos > 0, down / np.maximum(goods_pos, 1.0), 0.0)

    primary_known = cash & (rng.random(n) < 0.008)
    columns = {
        "AMT_ANNUITY": with_missing(annuity, no_terms),
        "AMT_APPLICATION": asked,
        "AMT_CREDIT": credit,
        "AMT_DOWN_PAYMENT": with_missing(down, down_missing),
        "AMT_GOODS_PRICE": with_missing(goods, goods_missing),
        "CNT_PAYMENT": with_missing(term.astype(float), no_terms),
    }
    rates = {
        "RATE_DOWN_PAYMENT": with_missing(rate_down, down_missing),
        "RATE_INTEREST_PRIMARY": with_missing(
            np.where(rng.random(n) < 0.85, rng.uniform(0.14, 0.2, n), rng.uniform(0.6, 0.7, n)),
            ~primary_known,
        ),
        "RATE_INTEREST_PRIVILEGED": with_missing(rng.uniform(0.56, 0.87, n), ~primary_known),
    }
    return _Money(columns, rates, term, annuity, credit, yield_group, interest_free)


def _descriptors(
    rng: np.random.Generator,
    kind: np.ndarray,
    status: np.ndarray,
    position: np.ndarray,
    yield_group: np.ndarray,
    interest_free: np.ndarray,
) -> dict[str, Codes]:
    """Purpose, payment type, reject reason, channel, goods and product labels."""
    n = len(kind)
    cash, consumer, card = kind == CASH, kind == CONSUMER, kind == CARD
    approved, canceled, refused, unused = (status == s for s in range(4))

    purpose = pick(rng, vocab.CASH_LOAN_PURPOSE, n)
    real_purpose = cash & ~canceled & (rng.random(n) < np.where(refused, 0.27, 0.09))
    purpose_codes = np.where(real_purpose, 2 + purpose.codes, np.where(cash, 1, 0))

    payment = pick(rng, vocab.PAYMENT_TYPE, n)
    payment_codes = np.where(card | canceled | (rng.random(n) < 0.11), 3, payment.codes)

    reason = pick(rng, vocab.REJECT_REASON, n)
    reason_codes = np.where(refused, 2 + reason.codes, np.where(unused, 1, 0))

    client = np.where(position == 0, 0, np.where(rng.random(n) < 0.1, 2, 1))
    client = np.where(rng.random(n) < 0.0012, 3, client)

    goods = pick(rng, {k: w for k, (w, _) in vocab.GOODS_CATEGORY.items()}, n)
    has_goods = consumer & ~(refused & (rng.random(n) < 0.12)) & ~canceled
    goods_codes = np.where(has_goods, 1 + goods.codes, 0)
    goods_labels = ("XNA", *goods.labels)
    industry_of = np.array(
        [vocab.SELLER_INDUSTRY.index(industry) for _, industry in vocab.GOODS_CATEGORY.values()]
    )
    industry = np.where(has_goods, industry_of[goods.codes], 0)
    sells_phones = cash & (rng.random(n) < 0.08)
    industry = np.where(sells_phones, np.where(rng.random(n) < 0.6, 1, 2), industry)

    vehicle = has_goods & goods.equals("Vehicles") & (rng.random(n) < 0.1)
    portfolio = np.select(
        [
            consumer & ~canceled & ~unused,
            cash & (approved | (refused & (rng.random(n) < 0.84))),
            card & (approved | (refused & (rng.random(n) < 0.93))),
        ],
        [np.where(vehicle, 4, 0), 1, 3],
        2,
    )
    with_product = (cash | card) & (approved | refused | unused)
    product = np.where(
        with_product, np.where(rng.random(n) < np.where(refused, 0.6, 0.82), 1, 2), 0
    )

    channel_pos = pick(rng, vocab.CHANNEL_POS, n)
    channel_cash = pick(rng, vocab.CHANNEL_CASH, n)
    channel_labels = (*vocab.CHANNEL_CASH, *vocab.CHANNEL_POS)
    offset = len(vocab.CHANNEL_CASH)
    country_wide = offset + channel_pos.labels.index("Country-wide")
    channel = np.where(consumer, offset + channel_pos.codes, channel_cash.codes)
    channel = np.where((cash | card) & ~canceled & (rng.random(n) < 0.12), country_wide, channel)
    channel = np.where(canceled & (rng.random(n) < 0.97), 0, channel)

    suite = pick(rng, _PREV_TYPE_SUITE, n)
    suite_missing = rng.random(n) < np.select(
        [approved, canceled, refused], [0.34, 0.99, 0.38], 0.76
    )

    combination = _product_combination(
        kind, status, product, yield_group, interest_free, goods_labels, goods_codes
    )
    return {
        "NAME_CASH_LOAN_PURPOSE": codes_of(("XAP", "XNA", *purpose.labels), purpose_codes),
        "NAME_CONTRACT_STATUS": codes_of(vocab.PREV_STATUS, status),
        "NAME_PAYMENT_TYPE": codes_of(payment.labels, payment_codes),
        "CODE_REJECT_REASON": codes_of(("XAP", "CLIENT", *reason.labels), reason_codes),
        "NAME_TYPE_SUITE": suite.masked(suite_missing),
        "NAME_CLIENT_TYPE": codes_of(vocab.CLIENT_TYPE, client),
        "NAME_GOODS_CATEGORY": codes_of(goods_labels, goods_codes),
        "NAME_PORTFOLIO": codes_of(vocab.PORTFOLIO, portfolio),
        "NAME_PRODUCT_TYPE": codes_of(vocab.PRODUCT_TYPE, product),
        "CHANNEL_TYPE": codes_of(channel_labels, channel),
        "NAME_SELLER_INDUSTRY": codes_of(vocab.SELLER_INDUSTRY, industry),
        "NAME_YIELD_GROUP": codes_of(vocab.YIELD_GROUP, yield_group),
        "PRODUCT_COMBINATION": combination,
    }


def _product_combination(
    kind: np.ndarray,
    status: np.ndarray,
    product: np.ndarray,
    yield_group: np.ndarray,
    interest_free: np.ndarray,
    goods_labels: tuple[str, ...],
    goods_codes: np.ndarray,
) -> Codes:
    """Kaggle's PRODUCT_COMBINATION, derived from the type, channel, yield and goods."""
    labels = vocab.PRODUCT_COMBINATION
    at = labels.index
    street = product == 2
    # Cash: "Cash Street: low" .. "Cash X-Sell: high" by yield (XNA, low_action, low_normal,
    # middle, high); canceled or unpriced cash applications are plain "Cash".
    level = np.array([0, 0, 0, 1, 2])[yield_group]
    cash_table = np.array(
        [
            [at("Cash X-Sell: low"), at("Cash X-Sell: middle"), at("Cash X-Sell: high")],
            [at("Cash Street: low"), at("Cash Street: middle"), at("Cash Street: high")],
        ]
    )
    cash = np.where(yield_group > 0, cash_table[street.astype(int), level], at("Cash"))
    # POS: the product line of the goods, with or without interest.
    line_of = np.array(
        [
            0 if g == "Mobile" else 1 if g in _HOUSEHOLD else 2 if g in _INDUSTRY else 3
            for g in goods_labels
        ]
    )
    pos_table = np.array(
        [
            [at("POS mobile with interest"), at("POS mobile without interest")],
            [at("POS household with interest"), at("POS household without interest")],
            [at("POS industry with interest"), at("POS industry without interest")],
            [at("POS other with interest"), at("POS others without interest")],
        ]
    )
    pos = pos_table[line_of[goods_codes], interest_free.astype(int)]
    card = np.where(street | (status == CANCELED), at("Card Street"), at("Card X-Sell"))
    codes = np.select([kind == CARD, kind == CONSUMER, kind == CASH], [card, pos, cash], -1)
    return codes_of(labels, codes)


@dataclass
class _Dates:
    columns: dict[str, np.ndarray]
    drawn: np.ndarray
    first_due: np.ndarray
    paid_count: np.ndarray
    finished: np.ndarray
    defaulted: np.ndarray
    default_at: np.ndarray
    last_due: np.ndarray


def _dates(
    rng: np.random.Generator,
    kind: np.ndarray,
    approved: np.ndarray,
    decision: np.ndarray,
    term: np.ndarray,
    behaviour: np.ndarray,
) -> _Dates:
    """First drawing, first and last due dates and termination of approved loans."""
    n = len(kind)
    card = kind == CARD
    drawn = approved & (rng.random(n) >= 0.04)
    first_due = decision + rng.integers(20, 46, n)
    started = first_due < 0
    early = ~card & (rng.random(n) < 0.5) & (term > 1)
    paid_count = np.where(early, 1 + np.floor(rng.random(n) * (term - 1)), term).astype(np.int64)
    defaulted = ~card & started & (rng.random(n) < sigmoid(-5.4 + 1.2 * behaviour))
    default_at = np.floor(rng.random(n) * np.maximum(paid_count, 1)).astype(np.int64)
    offset = np.round((np.maximum(paid_count, 1) - 1) * DAYS_PER_MONTH)
    last_due = first_due + offset
    last_due_planned = first_due + np.round((np.maximum(term, 1) - 1) * DAYS_PER_MONTH)
    finished = ~card & started & (last_due < 0) & ~defaulted
    termination = np.minimum(last_due + rng.integers(0, 13, n), -1)

    # Cards: drawn at once for about half, first statement a month later, no end date.
    card_closed = card & started & (rng.random(n) < 0.5)
    card_end = decision + np.floor((-decision) * rng.uniform(0.3, 1.0, n))

    sentinel = float(DAYS_SENTINEL)
    first_drawing = np.where(
        card & (rng.random(n) < 0.55), decision + rng.integers(0, 10, n), sentinel
    )
    first_drawing = np.where(~card & (rng.random(n) < 0.015), decision + 1.0, first_drawing)
    columns = {
        "DAYS_FIRST_DRAWING": first_drawing,
        "DAYS_FIRST_DUE": np.where(started & ~(card & (rng.random(n) < 0.3)), first_due, sentinel),
        "DAYS_LAST_DUE_1ST_VERSION": np.where(
            card,
            np.where(rng.random(n) < 0.6, sentinel, card_end),
            np.where(started, last_due_planned, sentinel),
        ),
        "DAYS_LAST_DUE": np.where(finished, last_due, np.where(card_closed, card_end, sentinel)),
        "DAYS_TERMINATION": np.where(
            finished, termination, np.where(card_closed, card_end + 1, sentinel)
        ),
    }
    columns = {k: with_missing(v, ~drawn) for k, v in columns.items()}
    return _Dates(
        columns,
        drawn,
        first_due,
        paid_count,
        finished | card_closed,
        defaulted,
        default_at,
        np.where(card_closed, card_end, last_due),
    )
