"""The 47 normalised building columns (``APARTMENTS_AVG`` .. ``EMERGENCYSTATE_MODE``).

In the real data they come from a building register: about 47% of applicants have
none of them, and the others miss some measures more than others. Each measure has
three versions (``_AVG``, ``_MODE``, ``_MEDI``) that are missing together and are
nearly equal. Values are normalised to [0, 1] with four decimals.
"""

from __future__ import annotations

import numpy as np

from features.synthetic import vocab
from features.synthetic.sampling import Codes, pick, sigmoid

#: Share of applicants without any building information.
_NO_BUILDING = 0.474

#: Measure -> share missing in the real data.
_MEASURES = {
    "APARTMENTS": 0.507,
    "BASEMENTAREA": 0.585,
    "YEARS_BEGINEXPLUATATION": 0.488,
    "YEARS_BUILD": 0.665,
    "COMMONAREA": 0.699,
    "ELEVATORS": 0.533,
    "ENTRANCES": 0.503,
    "FLOORSMAX": 0.498,
    "FLOORSMIN": 0.678,
    "LANDAREA": 0.594,
    "LIVINGAPARTMENTS": 0.684,
    "LIVINGAREA": 0.502,
    "NONLIVINGAPARTMENTS": 0.694,
    "NONLIVINGAREA": 0.552,
}
_CATEGORIES = {
    "FONDKAPREMONT_MODE": (vocab.FONDKAPREMONT, 0.684),
    "HOUSETYPE_MODE": (vocab.HOUSETYPE, 0.502),
    "WALLSMATERIAL_MODE": (vocab.WALLSMATERIAL, 0.508),
    "EMERGENCYSTATE_MODE": (vocab.EMERGENCYSTATE, 0.474),
}
_TOTALAREA_MISSING = 0.483
#: Measures counted in whole units (floors of 24, entrances of 29, lifts of 25).
_STEPS = {"FLOORSMAX": 1 / 24, "FLOORSMIN": 1 / 24, "ENTRANCES": 1 / 29, "ELEVATORS": 1 / 25}


def _area(
    rng: np.random.Generator,
    size: np.ndarray,
    median: float,
    spread: float,
    zero_share: float = 0.0,
) -> np.ndarray:
    """A lognormal share that grows with the building's size, some of them exactly zero."""
    n = len(size)
    value = np.exp(np.log(median) + spread * (0.75 * size + 0.66 * rng.standard_normal(n)))
    return np.where(rng.random(n) < zero_share, 0.0, value)


def _averages(rng: np.random.Generator, size: np.ndarray) -> dict[str, np.ndarray]:
    """The ``_AVG`` value of each measure, all driven by the latent building ``size``."""
    n = len(size)
    apartments = _area(rng, size, 0.0876, 0.75)
    floors_max = np.clip(np.round(4.3 * np.exp(0.45 * size + 0.3 * rng.standard_normal(n))), 0, 24)
    return {
        "APARTMENTS": apartments,
        "BASEMENTAREA": _area(rng, size, 0.0763, 0.7, zero_share=0.1),
        "YEARS_BEGINEXPLUATATION": 1.0 - np.exp(np.log(0.0185) + 0.45 * rng.standard_normal(n)),
        "YEARS_BUILD": np.clip(0.755 + 0.11 * rng.standard_normal(n), 0.0, 1.0),
        "COMMONAREA": _area(rng, size, 0.0211, 1.2),
        "ELEVATORS": np.where(floors_max >= 6, np.round(np.exp(0.6 * size + 1.3)), 0.0)
        * _STEPS["ELEVATORS"],
        "ENTRANCES": (1 + rng.poisson(np.exp(1.0 + 0.5 * size))) * _STEPS["ENTRANCES"],
        "FLOORSMAX": floors_max * _STEPS["FLOORSMAX"],
        "FLOORSMIN": np.floor(floors_max * rng.uniform(0.75, 1.05, n)) * _STEPS["FLOORSMIN"],
        "LANDAREA": _area(rng, size, 0.0481, 0.85, zero_share=0.12),
        "LIVINGAPARTMENTS": apartments * rng.uniform(0.75, 0.95, n),
        "LIVINGAREA": apartments * np.exp(-0.15 + 0.2 * rng.standard_normal(n)),
        "NONLIVINGAPARTMENTS": _area(rng, size, 0.006, 1.6, zero_share=0.55),
        "NONLIVINGAREA": _area(rng, size, 0.02, 1.3, zero_share=0.45),
        "TOTALAREA": apartments * np.exp(-0.1 + 0.1 * rng.standard_normal(n)),
    }


def _snap(name: str, value: np.ndarray) -> np.ndarray:
    """Clip to [0, 1] and round to the measure's unit (or to four decimals)."""
    step = _STEPS.get(name)
    value = np.clip(value, 0.0, 1.0)
    if step is not None:
        value = np.round(value / step) * step
    return np.round(value, 4)


def building_columns(rng: np.random.Generator, n: int) -> dict[str, np.ndarray | Codes]:
    """The building columns of ``n`` applicants, with the real missing pattern."""
    no_building = rng.random(n) < _NO_BUILDING
    size = rng.standard_normal(n)
    averages = _averages(rng, size)
    # The register knows more about big buildings: small ones miss more measures (the
    # factor averages 1 over the sizes, so the overall missing rates stay as in Kaggle).
    small = 2.0 * sigmoid(-1.5 * size)

    def missing(rate: float) -> np.ndarray:
        extra = (rate - _NO_BUILDING) / (1.0 - _NO_BUILDING)
        return no_building | (rng.random(n) < extra * small)

    out: dict[str, np.ndarray | Codes] = {}
    for name, rate in _MEASURES.items():
        avg = averages[name]
        gone = missing(rate)
        # The mode differs from the average a little: relatively for areas, in absolute
        # terms for the building age shares that sit close to 1.
        nudge = 0.004 if name.startswith("YEARS") else 0.08 * avg
        mode = np.where(rng.random(n) < 0.5, avg, avg + nudge * rng.standard_normal(n))
        medi = np.where(rng.random(n) < 0.6, avg, avg * rng.uniform(0.98, 1.02, n))
        for suffix, value in (("AVG", avg), ("MODE", mode), ("MEDI", medi)):
            out[f"{name}_{suffix}"] = np.where(gone, np.nan, _snap(name, value))
    for name, (weights, rate) in _CATEGORIES.items():
        out[name] = pick(rng, weights, n).masked(missing(rate))
    out["TOTALAREA_MODE"] = np.where(
        missing(_TOTALAREA_MISSING), np.nan, _snap("TOTALAREA", averages["TOTALAREA"])
    )
    return out
