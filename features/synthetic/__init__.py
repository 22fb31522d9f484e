"""The embedded default data: Kaggle-shaped Home Credit tables with a known default mechanism.

``generate(out, applicants=N)`` writes Kaggle's 8 CSVs (same names, columns, order and
value conventions) for N train applicants and 48,744/307,511 of that in test, plus
``truth/ground_truth.csv`` with every applicant's true probability of default and
``truth/generation.json``. See :mod:`features.synthetic.default_mechanism` for how the
probability is made and :mod:`features.synthetic.scenarios` for the drift scenarios:

- ``baseline``: the reference population, like the real data (about 8.1% defaults);
- ``younger``: applicants about 6 years younger;
- ``lower_income``: incomes 28% lower;
- ``larger_credit``: credits 40% larger;
- ``worse_payment``: worse payment behaviour in the history tables;
- ``combined``: all four shifts at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from features.synthetic.scenarios import SCENARIOS

if TYPE_CHECKING:
    from features.synthetic.generation import GenerationSummary, generate

__all__ = ["SCENARIOS", "GenerationSummary", "generate"]


def __getattr__(name: str) -> Any:
    # numpy, pyarrow and DuckDB load on first use, so that `credit-scoring --help` stays
    # instant: the command registers itself through this package.
    if name in ("generate", "GenerationSummary"):
        from features.synthetic import generation

        return getattr(generation, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
