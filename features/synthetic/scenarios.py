"""Named populations for drift drills: each shifts how applicants are drawn.

The default mechanism (:mod:`features.synthetic.default_mechanism`) is the same in
every scenario, so the true probability of default follows from the shifted data:
a drift drill can check both that the monitor sees the shift and how much the risk
really moved.

``baseline``
    The reference population, calibrated on the real Kaggle data (about 8.1% defaults).
``younger``
    Applicants about 6 years younger on average (fewer pensioners, shorter jobs,
    thinner credit histories).
``lower_income``
    Declared incomes 28% lower at the same credit amounts (heavier annuity burden).
``larger_credit``
    Credits, goods prices and annuities 40% larger at the same incomes.
``worse_payment``
    Worse payment behaviour in the history tables: more late and partial
    instalments, more days past due, more overdue bureau credits and refusals.
``combined``
    All four shifts at once.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scenario:
    """How a population differs from the baseline."""

    name: str
    description: str
    #: Beta(a, b) shape of age between 20.5 and 69.5 years.
    age_shape: tuple[float, float] = (1.6, 1.75)
    #: Multiplier of the declared income.
    income_factor: float = 1.0
    #: Multiplier of credit, goods price and annuity.
    credit_factor: float = 1.0
    #: Added to the latent payment-behaviour score (higher is worse).
    behaviour_shift: float = 0.0


_YOUNGER = (1.3, 2.45)
_LOWER_INCOME = 0.72
_LARGER_CREDIT = 1.4
_WORSE_PAYMENT = 0.6

SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario("baseline", "the reference population, like the real data"),
        Scenario("younger", "applicants about 6 years younger", age_shape=_YOUNGER),
        Scenario("lower_income", "incomes 28% lower", income_factor=_LOWER_INCOME),
        Scenario("larger_credit", "credits 40% larger", credit_factor=_LARGER_CREDIT),
        Scenario(
            "worse_payment",
            "worse payment behaviour in the history",
            behaviour_shift=_WORSE_PAYMENT,
        ),
        Scenario(
            "combined",
            "all four shifts at once",
            age_shape=_YOUNGER,
            income_factor=_LOWER_INCOME,
            credit_factor=_LARGER_CREDIT,
            behaviour_shift=_WORSE_PAYMENT,
        ),
    )
}


def get_scenario(name: str) -> Scenario:
    """The scenario called ``name``; a ``ValueError`` lists the valid names otherwise."""
    try:
        return SCENARIOS[name]
    except KeyError:
        valid = ", ".join(SCENARIOS)
        raise ValueError(f"unknown scenario {name!r}; choose one of: {valid}") from None
