"""Documents provided, credit-bureau enquiries, social circle and phone change.

These application columns carry little signal but real quirks: one main document
(``FLAG_DOCUMENT_3`` for most), enquiry counts missing together for ~13% of
applicants, and in the test file monthly enquiries folded into the quarterly count.
"""

from __future__ import annotations

import numpy as np

from features.synthetic.sampling import pick_index, sigmoid

#: Share of applicants giving each rare document (the main ones are drawn apart).
_RARE_DOCUMENTS = {
    2: 4.2e-5,
    4: 8.1e-5,
    5: 0.0151,
    7: 1.9e-4,
    9: 0.0039,
    10: 2.3e-5,
    11: 0.0039,
    12: 6.5e-6,
    13: 0.0035,
    14: 0.0029,
    15: 0.0012,
    16: 0.0099,
    17: 2.7e-4,
    18: 0.0081,
    19: 5.9e-4,
    20: 5.1e-4,
    21: 3.3e-4,
}
#: Distribution of each enquiry count (0, 1, 2, ...).
_ENQUIRIES = {
    "HOUR": [0.9939, 0.0058, 0.0003],
    "DAY": [0.9944, 0.0048, 0.0005, 0.0002, 0.0001],
    "WEEK": [0.9679, 0.0306, 0.0009, 0.0004, 0.0002],
    "MON": [0.8355, 0.1245, 0.0199, 0.0063, 0.004, 0.0026, 0.0019, 0.0011, 0.0007, 0.0006, 0.0004],
    "QRT": [0.81, 0.127, 0.0543, 0.0064, 0.0018, 0.0005],
    "YEAR": [0.27, 0.24, 0.19, 0.12, 0.08, 0.045, 0.03, 0.015, 0.006, 0.003, 0.001],
}


def paperwork_columns(
    rng: np.random.Generator, age_days: np.ndarray, behaviour: np.ndarray, is_test: np.ndarray
) -> dict[str, np.ndarray]:
    """Social circle, phone change, documents and bureau enquiries of one chunk."""
    n = len(age_days)
    out: dict[str, np.ndarray] = {}

    # Social circle: how many acquaintances were observed, and how many of them defaulted.
    observed = np.where(rng.random(n) < 0.465, 1 + np.floor(rng.gamma(0.9, 3.0, n)), 0.0)
    observed = np.minimum(observed, 30.0)
    defaulted_30 = rng.binomial(observed.astype(np.int64), sigmoid(-2.3 + 0.3 * behaviour))
    defaulted_60 = rng.binomial(defaulted_30, 0.7)
    observed_60 = observed - ((rng.random(n) < 0.02) & (observed > defaulted_30))
    unknown = rng.random(n) < 0.0033
    for name, value in (
        ("OBS_30", observed),
        ("DEF_30", defaulted_30),
        ("OBS_60", observed_60),
        ("DEF_60", defaulted_60),
    ):
        out[f"{name}_CNT_SOCIAL_CIRCLE"] = np.where(unknown, np.nan, value.astype(float))

    changed = -np.minimum(np.round(rng.gamma(1.1, 900.0, n)), np.minimum(4292, age_days - 6570))
    out["DAYS_LAST_PHONE_CHANGE"] = np.where(rng.random(n) < 0.125, 0.0, changed) + 0.0

    main = rng.random(n)
    doc3_share = np.where(is_test, 0.786, 0.71)
    for number in range(2, 22):
        if number == 3:
            flag = main < doc3_share
        elif number == 6:
            flag = (main >= doc3_share) & (main < doc3_share + 0.088)
        elif number == 8:
            flag = (main >= doc3_share + 0.088) & (main < doc3_share + 0.169)
        else:
            flag = rng.random(n) < _RARE_DOCUMENTS[number]
        out[f"FLAG_DOCUMENT_{number}"] = flag.astype(np.int64)

    counts = {
        period: pick_index(rng, np.array(probs), n).astype(float)
        for period, probs in _ENQUIRIES.items()
    }
    # Kaggle's test file counts the month's enquiries in the quarter (a known quirk).
    counts["QRT"] = np.where(is_test, counts["QRT"] + counts["MON"], counts["QRT"])
    counts["MON"] = np.where(is_test & (rng.random(n) < 0.995), 0.0, counts["MON"])
    none_known = rng.random(n) < np.where(is_test, 0.124, 0.135)
    for period, value in counts.items():
        out[f"AMT_REQ_CREDIT_BUREAU_{period}"] = np.where(none_known, np.nan, value)
    return out
