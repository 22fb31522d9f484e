"""The loan terms a client can act on, and the search for a change that turns a refusal.

Pure arithmetic on the application's own fields (no model here): what the manager
types becomes the application fields the feature SQL reads (``AMT_CREDIT``,
``AMT_ANNUITY``, ``AMT_GOODS_PRICE``), so that every derived ratio follows when the
features are recomputed. The term is the one implied by the application itself,
credit ÷ annuity in months; a down payment lowers the amount financed at that term.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

#: The search never proposes a credit below this share of the request: a smaller
#: loan would not serve the purpose the client asked for.
CREDIT_FLOOR_SHARE = 0.3
#: Shares of the request tried, then refined by bisection between the last refusal and
#: the first grant (credit amounts are money: one currency unit is precise enough).
GRID_STEPS = 14
BISECTION_ROUNDS = 6


def _positive(value: object) -> bool:
    return isinstance(value, int | float) and math.isfinite(value) and value > 0


@dataclass(frozen=True)
class LoanTerms:
    """What the manager can change: credit amount, annuity, goods price, down payment."""

    credit: float
    annuity: float
    goods_price: float | None
    down_payment: float = 0.0

    def __post_init__(self) -> None:
        if not _positive(self.credit):
            raise ValueError(f"credit amount must be a positive number, got {self.credit!r}")
        if not _positive(self.annuity):
            raise ValueError(f"annuity must be a positive number, got {self.annuity!r}")
        if self.down_payment < 0:
            raise ValueError(f"down payment cannot be negative, got {self.down_payment!r}")
        if self.down_payment >= self.credit:
            raise ValueError(
                f"down payment ({self.down_payment:,.0f}) must be less than the credit "
                f"amount ({self.credit:,.0f})"
            )

    @property
    def term_months(self) -> float:
        """Months to repay at this annuity, as the application implies (credit ÷ annuity)."""
        return self.credit / self.annuity

    @property
    def financed(self) -> float:
        """The amount actually lent: credit minus the down payment."""
        return self.credit - self.down_payment

    def application_fields(self) -> dict[str, float | None]:
        """The application fields the feature SQL reads, for these terms.

        The down payment lowers the amount financed and, at the same term, the annuity.
        """
        share = self.financed / self.credit
        return {
            "AMT_CREDIT": self.financed,
            "AMT_ANNUITY": self.annuity * share,
            "AMT_GOODS_PRICE": self.goods_price,
        }

    def with_credit(self, credit: float) -> LoanTerms:
        """The same loan for another amount at the same term (the annuity follows)."""
        return LoanTerms(
            credit=credit,
            annuity=credit / self.term_months,
            goods_price=self.goods_price,
            down_payment=self.down_payment,
        )


def annuity_for_term(credit: float, term_months: float) -> float:
    """The annuity that repays ``credit`` in ``term_months`` at the application's own rate."""
    if term_months <= 0:
        raise ValueError(f"term must be a positive number of months, got {term_months!r}")
    return credit / term_months


def smallest_granted_credit(
    terms: LoanTerms,
    is_granted: Callable[[list[LoanTerms]], list[bool]],
    *,
    floor_share: float = CREDIT_FLOOR_SHARE,
) -> LoanTerms | None:
    """The largest credit amount (smallest reduction) at which the application is granted.

    Scans credit amounts from the request down to ``floor_share`` of it (one batch of
    ``GRID_STEPS`` candidates), then bisects between the last refused and the first
    granted amount. The model is not monotone in the credit amount, so the answer is
    the first grant found going down, not a guarantee that every smaller loan passes.

    Parameters
    ----------
    terms : LoanTerms
        The application as it stands (refused).
    is_granted : callable
        Scores a batch of candidate terms through the real scoring path; one bool each.
    floor_share : float
        Smallest share of the requested credit to try.

    Returns
    -------
    LoanTerms or None
        The granted terms closest to the request, or None when none within bounds is.
    """
    shares = [1 - (1 - floor_share) * (i + 1) / GRID_STEPS for i in range(GRID_STEPS)]
    candidates = [terms.with_credit(terms.credit * share) for share in shares]
    granted = is_granted(candidates)
    first = next((i for i, ok in enumerate(granted) if ok), None)
    if first is None:
        return None
    high = terms.credit if first == 0 else candidates[first - 1].credit  # refused
    low = candidates[first].credit  # granted
    best = candidates[first]
    for _ in range(BISECTION_ROUNDS):
        if high - low < 1:
            break
        middle = terms.with_credit((high + low) / 2)
        if is_granted([middle])[0]:
            low, best = middle.credit, middle
        else:
            high = middle.credit
    return best
