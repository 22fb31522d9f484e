"""Generation in chunks of applicants, each with its own random streams.

The applicants (train and test, interleaved in one ``SK_ID_CURR`` range) are cut into
chunks of :data:`CHUNK_APPLICANTS`. Every chunk draws from random streams derived
from ``(seed, chunk index, table)``, so its content depends on nothing else; only
the first ``SK_ID_BUREAU``/``SK_ID_PREV`` of a chunk follows from the row counts of
the chunks before it. All rows of an applicant stay in the applicant's chunk.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from features.synthetic.applicants import make_applicants
from features.synthetic.balances import make_loan_balances
from features.synthetic.bureau import make_bureau
from features.synthetic.cards import make_cards
from features.synthetic.default_mechanism import history_signals, true_pd
from features.synthetic.previous import make_previous
from features.synthetic.sampling import Codes
from features.synthetic.scenarios import Scenario

Columns = dict[str, "np.ndarray | Codes"]

#: Applicants (train and test) per chunk: bounds memory at any size.
CHUNK_APPLICANTS = 20_000
FIRST_SK_ID_CURR = 100_002
FIRST_SK_ID_BUREAU = 5_000_000
FIRST_SK_ID_PREV = 1_000_000
#: Kaggle's test/train ratio: 48,744 test applicants for 307,511 train applicants.
TEST_PER_TRAIN = 48_744 / 307_511

_STREAMS = ("split", "applicants", "bureau", "previous", "balances", "cards", "target")


def count_test_applicants(train: int) -> int:
    """How many test applicants go with ``train`` train applicants."""
    return round(train * TEST_PER_TRAIN)


@dataclass(frozen=True)
class ChunkPlan:
    """Which applicants a chunk holds: global positions ``start`` .. ``start + size``."""

    index: int
    start: int
    size: int
    tests: int


def plan_chunks(train: int, test: int) -> list[ChunkPlan]:
    """Cut ``train + test`` applicants into chunks with exact train/test totals."""
    total = train + test
    plans = []
    for index, start in enumerate(range(0, total, CHUNK_APPLICANTS)):
        end = min(start + CHUNK_APPLICANTS, total)
        tests = end * test // total - start * test // total
        plans.append(ChunkPlan(index, start, end - start, tests))
    return plans


@dataclass
class Chunk:
    """Every table's rows for one chunk, plus the truth of its applicants."""

    tables: dict[str, Columns]
    sk_id_curr: np.ndarray
    is_test: np.ndarray
    true_pd: np.ndarray
    target: np.ndarray


def _streams(seed: int, index: int) -> dict[str, np.random.Generator]:
    """Independent random generators of one chunk, one per part of the data."""
    root = np.random.SeedSequence(seed, spawn_key=(index,))
    return {
        name: np.random.default_rng(child)
        for name, child in zip(_STREAMS, root.spawn(len(_STREAMS)), strict=True)
    }


def make_chunk(
    seed: int, scenario: Scenario, plan: ChunkPlan, first_bureau_id: int, first_prev_id: int
) -> Chunk:
    """Generate all rows of the applicants of ``plan``."""
    rng = _streams(seed, plan.index)
    is_test = np.zeros(plan.size, dtype=bool)
    is_test[rng["split"].choice(plan.size, plan.tests, replace=False)] = True
    sk_id_curr = FIRST_SK_ID_CURR + plan.start + np.arange(plan.size, dtype=np.int64)

    people = make_applicants(rng["applicants"], is_test, scenario)
    bureau = make_bureau(rng["bureau"], people, sk_id_curr, first_bureau_id)
    previous = make_previous(rng["previous"], people, sk_id_curr, first_prev_id)
    pos, loan_instalments = make_loan_balances(rng["balances"], people, previous.loans, sk_id_curr)
    cards, card_instalments = make_cards(rng["cards"], people, previous.loans, sk_id_curr)
    instalments = {
        name: np.concatenate([loan_instalments[name], card_instalments[name]])
        for name in loan_instalments
    }
    tables: dict[str, Columns] = {
        "bureau": bureau.bureau,
        "bureau_balance": bureau.balance,
        "previous_application": previous.previous,
        "POS_CASH_balance": pos,
        "installments_payments": instalments,
        "credit_card_balance": cards,
    }
    probability = true_pd(people.columns, history_signals(sk_id_curr, tables))
    target = (rng["target"].random(plan.size) < probability).astype(np.int64)

    app = {"SK_ID_CURR": sk_id_curr, "TARGET": target, **people.columns}
    tables["application_train"] = _rows(app, ~is_test)
    del app["TARGET"]
    tables["application_test"] = _rows(app, is_test)
    return Chunk(tables, sk_id_curr, is_test, probability, target)


def _rows(columns: Columns, keep: np.ndarray) -> Columns:
    """The rows of ``columns`` where ``keep`` holds."""
    return {
        name: value.take(np.flatnonzero(keep)) if isinstance(value, Codes) else value[keep]
        for name, value in columns.items()
    }
