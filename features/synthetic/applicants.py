"""The applicants: people, money, work, region and external scores of ``application_*``.

Besides the application columns, each applicant gets two latent scores that the
history generators use: ``behaviour`` (payment discipline, higher is worse) and its
recent drift ``behaviour_recent``. They are *not* written anywhere and the default
mechanism never reads them: it reads only what the CSVs show.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from features.raw_schema import DAYS_SENTINEL
from features.synthetic import vocab
from features.synthetic.housing import building_columns
from features.synthetic.paperwork import paperwork_columns
from features.synthetic.sampling import (
    Codes,
    codes_of,
    pick,
    pick_index,
    pick_per_row,
    round_to,
    sigmoid,
    with_missing,
)
from features.synthetic.scenarios import Scenario

Columns = dict[str, "np.ndarray | Codes"]

DAYS_PER_YEAR = 365.25
#: Age distribution of the baseline, to standardise age in the external scores.
_AGE_MEAN, _AGE_SD = 43.9, 11.9
_MEDIAN_INCOME = 147_150.0

#: Quantiles of the external scores in the real data (probability -> value).
_ES_LEVELS = np.array([0.0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1.0])
_ES_QUANTILES = {
    "EXT_SOURCE_1": np.array(
        [0.0146, 0.0995, 0.212, 0.3366, 0.5046, 0.6734, 0.7777, 0.8785, 0.9627]
    ),
    "EXT_SOURCE_2": np.array(
        [0.0001, 0.0244, 0.2081, 0.3849, 0.5612, 0.6587, 0.7188, 0.7788, 0.855]
    ),
    "EXT_SOURCE_3": np.array(
        [0.0005, 0.0772, 0.2276, 0.3736, 0.5353, 0.6675, 0.7477, 0.8399, 0.896]
    ),
}
#: Loading of each score on the latent creditworthiness and on standardised age.
_ES_LOADINGS = {
    "EXT_SOURCE_1": (0.35, 0.6),
    "EXT_SOURCE_2": (0.35, 0.08),
    "EXT_SOURCE_3": (0.35, 0.2),
}

#: Terms (months) of cash loans.
_CASH_TERMS = np.array([6, 10, 12, 18, 24, 30, 36, 48, 60])


@dataclass
class Applicants:
    """One chunk of applicants: their application columns and the latents behind them."""

    columns: Columns
    age_days: np.ndarray
    income: np.ndarray
    behaviour: np.ndarray
    behaviour_recent: np.ndarray

    def __len__(self) -> int:
        return len(self.age_days)


@cache
def _regions() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A fixed table of 81 regions: relative population, rating, share of applicants."""
    rng = np.random.default_rng(20180517)
    population = np.exp(np.log(0.013) + 0.6 * rng.standard_normal(81))
    population = np.sort(np.round(np.clip(population, 0.00029, 0.0725), 6))
    population[-1] = 0.072508  # the capital
    share = population**0.5
    share /= share.sum()
    # The biggest regions are the best rated: 1 for ~10% of applicants, 3 for ~16%.
    cumulative = np.cumsum(share)
    rating = np.where(cumulative < 0.157, 3, np.where(cumulative < 0.895, 2, 1))
    return population, rating, share


def make_applicants(
    rng: np.random.Generator, is_test: np.ndarray, scenario: Scenario
) -> Applicants:
    """Draw the application rows of one chunk (``is_test`` marks test applicants)."""
    n = len(is_test)
    credit_latent = rng.standard_normal(n)
    behaviour = -0.55 * credit_latent + 0.835 * rng.standard_normal(n) + scenario.behaviour_shift
    behaviour_recent = behaviour + 0.6 * rng.standard_normal(n)

    cols: Columns = {}
    gender = pick(rng, vocab.GENDER, n)
    male = gender.equals("M")
    cols["CODE_GENDER"] = gender
    age = 20.5 + 49.0 * rng.beta(*scenario.age_shape, n)
    age_days = np.round(age * DAYS_PER_YEAR).astype(np.int64)
    age = age_days / DAYS_PER_YEAR

    income_type, retired = _income_type(rng, age, male)
    no_job = retired | income_type.equals("Unemployed")
    education = pick(rng, vocab.EDUCATION, n)
    family = _family_status(rng, age)
    married = (family.codes == 0) | (family.codes == 2)
    children = rng.poisson(np.where(married, 1.05, 0.42) * np.exp(-(((age - 36.0) / 12.0) ** 2)))

    log_income = (
        np.log(130_000.0)
        + 0.35 * education.equals("Higher education")
        + 0.4 * education.equals("Academic degree")
        + 0.15 * education.equals("Incomplete higher")
        - 0.15 * education.equals("Lower secondary")
        + 0.22 * male
        + 0.12 * income_type.equals("Commercial associate")
        - 0.38 * retired
        + 0.47 * rng.standard_normal(n)
    )
    income = _round_income(rng, np.exp(log_income) * scenario.income_factor)

    cols["NAME_CONTRACT_TYPE"] = codes_of(
        ("Cash loans", "Revolving loans"),
        rng.random(n) < np.where(is_test, 0.01, 0.095),
    )
    revolving = cols["NAME_CONTRACT_TYPE"].codes == 1
    cols["FLAG_OWN_CAR"] = codes_of(
        ("N", "Y"),
        rng.random(n)
        < sigmoid(-0.95 + 1.0 * male + 0.7 * (log_income - np.log(_MEDIAN_INCOME)) - 0.8 * retired),
    )
    cols["FLAG_OWN_REALTY"] = codes_of(("N", "Y"), rng.random(n) < 0.55 + 0.005 * (age - 20))
    cols["CNT_CHILDREN"] = children
    cols["AMT_INCOME_TOTAL"] = income
    # Credit demand follows the income before the scenario's shift: lower incomes then
    # carry the same credits (a heavier burden), as the scenario promises.
    cols.update(_amounts(rng, income / scenario.income_factor, revolving, scenario.credit_factor))
    suite = pick(rng, vocab.TYPE_SUITE, n)
    cols["NAME_TYPE_SUITE"] = suite.masked(rng.random(n) < 0.0042)
    cols["NAME_INCOME_TYPE"] = income_type
    cols["NAME_EDUCATION_TYPE"] = education
    cols["NAME_FAMILY_STATUS"] = family
    cols["NAME_HOUSING_TYPE"] = _housing(rng, age)

    population, rating, share = _regions()
    region = pick_index(rng, share, n)
    cols["REGION_POPULATION_RELATIVE"] = population[region]
    cols["DAYS_BIRTH"] = -age_days
    cols.update(_dates(rng, age, no_job))
    car_age = np.where(
        rng.random(n) < 0.03,
        rng.choice([64.0, 65.0], n),
        np.minimum(np.round(rng.gamma(1.7, 6.5, n)), 50.0),
    )
    cols["OWN_CAR_AGE"] = with_missing(car_age, cols["FLAG_OWN_CAR"].codes == 0)
    cols.update(_contact_flags(rng, retired, no_job))
    cols["OCCUPATION_TYPE"] = _occupation(rng, male, no_job)
    cols["CNT_FAM_MEMBERS"] = (children + 1 + married).astype(float)
    city_rating = rating[region] - (
        rng.random(n) < np.select([rating[region] == 3, rating[region] == 2], [0.1, 0.005], 0.0)
    )
    cols["REGION_RATING_CLIENT"] = rating[region].astype(np.int64)
    cols["REGION_RATING_CLIENT_W_CITY"] = city_rating.astype(np.int64)
    cols["WEEKDAY_APPR_PROCESS_START"] = pick(rng, vocab.WEEKDAY, n)
    hour = np.round(12.0 + 3.2 * rng.standard_normal(n) - 1.5 * (rating[region] == 3))
    cols["HOUR_APPR_PROCESS_START"] = np.clip(hour, 0, 23).astype(np.int64)
    cols.update(_addresses(rng, no_job))
    cols["ORGANIZATION_TYPE"] = _organization(rng, income_type, no_job)
    cols.update(_external_scores(rng, credit_latent, age, is_test))
    cols.update(building_columns(rng, n))
    cols.update(paperwork_columns(rng, age_days, behaviour, is_test))
    return Applicants(cols, age_days, income, behaviour, behaviour_recent)


def _income_type(
    rng: np.random.Generator, age: np.ndarray, male: np.ndarray
) -> tuple[Codes, np.ndarray]:
    """Pensioners (mostly past retirement age: 55 for women, 60 for men), then the rest."""
    n = len(age)
    retire_at = np.where(male, 60.0, 55.0)
    retired = rng.random(n) < 0.015 + 0.95 * sigmoid((age - retire_at + 0.5) / 1.5)
    unemployed = ~retired & (rng.random(n) < 7e-5)
    working = pick(rng, vocab.WORKING_INCOME_TYPE, n)
    labels = (*working.labels, "Pensioner", "Unemployed")
    codes = np.where(retired, len(labels) - 2, np.where(unemployed, len(labels) - 1, working.codes))
    return codes_of(labels, codes), retired


def _family_status(rng: np.random.Generator, age: np.ndarray) -> Codes:
    """Young applicants are more often single, old ones more often widowed."""
    young = np.clip((40.0 - age) / 20.0, 0.0, 1.0)
    old = np.clip((age - 48.0) / 20.0, 0.0, 1.0)
    probs = np.column_stack(
        [
            0.68 - 0.38 * young - 0.2 * old,  # Married
            0.09 + 0.32 * young,  # Single / not married
            0.08 + 0.06 * young,  # Civil marriage
            np.full_like(age, 0.064),  # Separated
            0.005 + 0.26 * old,  # Widow
            np.full_like(age, 7e-6),  # Unknown
        ]
    )
    return codes_of(vocab.FAMILY_STATUS, pick_per_row(rng, probs))


def _housing(rng: np.random.Generator, age: np.ndarray) -> Codes:
    """Young applicants live with their parents or rent more often."""
    weights = np.fromiter(vocab.HOUSING.values(), dtype=float)
    weights /= weights.sum()
    young = np.clip((35.0 - age) / 12.0, 0.0, 1.0)[:, None]
    boost = np.array([1.0, 2.2, 1.0, 2.0, 1.0, 1.0])
    probs = weights * (1.0 + young * (boost - 1.0))
    return codes_of(tuple(vocab.HOUSING), pick_per_row(rng, probs))


def _round_income(rng: np.random.Generator, income: np.ndarray) -> np.ndarray:
    """Declared incomes are round figures: mostly multiples of 22,500 or 4,500."""
    u = rng.random(len(income))
    rounded = np.where(
        u < 0.6,
        round_to(income, 22_500.0),
        np.where(u < 0.97, round_to(income, 4_500.0), round_to(income, 9.0)),
    )
    return np.maximum(rounded, 25_650.0)


def _amounts(
    rng: np.random.Generator, income: np.ndarray, revolving: np.ndarray, credit_factor: float
) -> Columns:
    """Goods price, credit (goods plus insurance) and an annuity from a 6-60 month term."""
    n = len(income)
    income_gap = np.log(income) - np.log(_MEDIAN_INCOME)
    goods = np.exp(np.log(450_000.0) + 0.6 * income_gap + 0.5 * rng.standard_normal(n))
    goods = np.clip(goods * credit_factor, 40_500.0, 4_050_000.0)
    u = rng.random(n)
    goods = np.where(
        u < 0.45,
        round_to(goods, 45_000.0),
        np.where(u < 0.75, round_to(goods, 22_500.0), round_to(goods, 4_500.0)),
    )
    goods = np.maximum(goods, 40_500.0)
    insured = rng.random(n) >= 0.35
    factor = np.where(insured, np.minimum(1.02 + rng.gamma(3.0, 0.05, n), 1.6), 1.0)
    credit = np.round(goods * factor * 2.0) / 2.0
    # Larger credits run longer: the term grows with the (unshifted) goods price.
    size = np.log(goods / (450_000.0 * credit_factor))
    wanted = 27.0 * np.exp(0.8 * size + 0.3 * rng.standard_normal(n))
    nearest = np.abs(np.log(wanted)[:, None] - np.log(_CASH_TERMS)[None, :]).argmin(axis=1)
    term = _CASH_TERMS[nearest]
    monthly_rate = rng.uniform(0.01, 0.025, n)
    annuity = credit * monthly_rate / (1.0 - (1.0 + monthly_rate) ** -term)

    limit = np.exp(np.log(270_000.0) + 0.4 * income_gap + 0.5 * rng.standard_normal(n))
    limit = np.clip(round_to(limit * credit_factor, 22_500.0), 45_000.0, 1_350_000.0)
    credit = np.where(revolving, limit, credit)
    goods = np.where(revolving, limit, goods)
    annuity = np.where(revolving, limit * 0.05, annuity)
    annuity = round_to(annuity, 1.5)
    return {
        "AMT_CREDIT": credit,
        "AMT_ANNUITY": with_missing(annuity, rng.random(n) < 4e-5),
        "AMT_GOODS_PRICE": with_missing(goods, revolving & (rng.random(n) < 0.0095)),
    }


def _dates(rng: np.random.Generator, age: np.ndarray, no_job: np.ndarray) -> Columns:
    """Employment after 18, registration and ID documents consistent with the age."""
    n = len(age)
    years_employed = np.minimum(
        np.exp(np.log(4.3) + 1.1 * rng.standard_normal(n)), (age - 18.0) * rng.uniform(0.75, 1.0, n)
    )
    employed_days = -np.round(years_employed * DAYS_PER_YEAR).astype(np.int64)
    registration = -np.round(age * rng.beta(1.2, 2.6, n) * DAYS_PER_YEAR)
    # Russian passports are (re)issued at 20 and 45; some are replaced in between.
    issued_at = np.where(age >= 45.0, 45.0, 20.0)
    years_since_id = (age - issued_at) * np.where(rng.random(n) < 0.35, rng.random(n), 1.0)
    # Today's passports were all issued after ~2000, so few are older than 12-14 years.
    oldest = 12.0 + 7.7 * rng.beta(1.0, 6.0, n)
    id_days = -np.round(np.minimum(years_since_id, oldest) * DAYS_PER_YEAR).astype(np.int64)
    return {
        "DAYS_EMPLOYED": np.where(no_job, DAYS_SENTINEL, employed_days),
        "DAYS_REGISTRATION": registration,
        "DAYS_ID_PUBLISH": id_days,
    }


def _contact_flags(rng: np.random.Generator, retired: np.ndarray, no_job: np.ndarray) -> Columns:
    """Phones and e-mail: pensioners have no work phone, more often a home phone."""
    n = len(retired)

    def flag(p: np.ndarray | float) -> np.ndarray:
        return (rng.random(n) < p).astype(np.int64)

    return {
        "FLAG_MOBIL": flag(0.999997),
        "FLAG_EMP_PHONE": (~no_job).astype(np.int64),
        "FLAG_WORK_PHONE": flag(np.where(no_job, 0.01, 0.245)),
        "FLAG_CONT_MOBILE": flag(0.998),
        "FLAG_PHONE": flag(np.where(retired, 0.42, 0.25)),
        "FLAG_EMAIL": flag(np.where(retired, 0.015, 0.066)),
    }


def _occupation(rng: np.random.Generator, male: np.ndarray, no_job: np.ndarray) -> Codes:
    """Occupation by gender; missing for those without a job and for ~16% of workers."""
    labels = tuple(vocab.OCCUPATION)
    counts = np.array([w for w, _ in vocab.OCCUPATION.values()])
    male_share = np.array([s for _, s in vocab.OCCUPATION.values()])
    by_gender = np.where(male[:, None], counts * male_share, counts * (1.0 - male_share))
    occupation = codes_of(labels, pick_per_row(rng, by_gender))
    return occupation.masked(no_job | (rng.random(len(male)) < 0.165))


def _addresses(rng: np.random.Generator, no_job: np.ndarray) -> Columns:
    """Registration, living and work addresses: a different region implies a different city."""
    n = len(no_job)
    has_job = ~no_job
    reg_not_live_region = rng.random(n) < 0.015
    live_not_work_region = has_job & (rng.random(n) < 0.05)
    reg_not_work_region = live_not_work_region | (
        has_job & reg_not_live_region & (rng.random(n) < 0.6)
    )
    reg_not_live_city = reg_not_live_region | (rng.random(n) < 0.065)
    live_not_work_city = live_not_work_region | (has_job & (rng.random(n) < 0.17))
    reg_not_work_city = (
        live_not_work_city | (has_job & reg_not_live_city) | (has_job & (rng.random(n) < 0.01))
    )
    return {
        "REG_REGION_NOT_LIVE_REGION": reg_not_live_region.astype(np.int64),
        "REG_REGION_NOT_WORK_REGION": reg_not_work_region.astype(np.int64),
        "LIVE_REGION_NOT_WORK_REGION": live_not_work_region.astype(np.int64),
        "REG_CITY_NOT_LIVE_CITY": reg_not_live_city.astype(np.int64),
        "REG_CITY_NOT_WORK_CITY": reg_not_work_city.astype(np.int64),
        "LIVE_CITY_NOT_WORK_CITY": live_not_work_city.astype(np.int64),
    }


def _organization(rng: np.random.Generator, income_type: Codes, no_job: np.ndarray) -> Codes:
    """XNA without a job, the public sector for state servants, otherwise the private sector."""
    n = len(no_job)
    public = pick(rng, vocab.PUBLIC_ORGANIZATION, n)
    private = pick(rng, vocab.PRIVATE_ORGANIZATION, n)
    labels = ("XNA", *public.labels, *private.labels)
    codes = np.where(
        no_job,
        0,
        np.where(
            income_type.equals("State servant") | (rng.random(n) < 0.18),
            1 + public.codes,
            1 + len(public.labels) + private.codes,
        ),
    )
    return codes_of(labels, codes)


@cache
def _es3_grid() -> np.ndarray:
    """EXT_SOURCE_3 takes ~800 distinct values in the real data; this is its grid."""
    rng = np.random.default_rng(3)
    return np.sort(rng.random(814))


def _external_scores(
    rng: np.random.Generator, credit_latent: np.ndarray, age: np.ndarray, is_test: np.ndarray
) -> Columns:
    """The three external scores: real marginals, loaded on creditworthiness and age."""
    n = len(age)
    age_std = (age - _AGE_MEAN) / _AGE_SD
    out: Columns = {}
    for name, (on_credit, on_age) in _ES_LOADINGS.items():
        noise = np.sqrt(1.0 - on_credit**2 - on_age**2)
        latent = on_credit * credit_latent + on_age * age_std + noise * rng.standard_normal(n)
        if name == "EXT_SOURCE_1":
            latent += 0.25  # it is known mostly for the young: keep its known values' real spread
        level = sigmoid(1.702 * latent)  # the normal CDF to within 0.01
        if name == "EXT_SOURCE_3":
            grid = _es3_grid()
            level = grid[np.minimum(np.searchsorted(grid, level), len(grid) - 1)]
        out[name] = np.interp(level, _ES_LEVELS, _ES_QUANTILES[name])
    # EXT_SOURCE_1 is missing mostly for older applicants, and less often in the test file.
    es1_missing = rng.random(n) < sigmoid(0.24 - 0.57 * is_test + 0.052 * (age - 44.0))
    out["EXT_SOURCE_1"] = with_missing(out["EXT_SOURCE_1"], es1_missing)
    out["EXT_SOURCE_2"] = with_missing(out["EXT_SOURCE_2"], rng.random(n) < 0.0021)
    es3_rate = np.where(is_test, 0.178, 0.198)
    out["EXT_SOURCE_3"] = with_missing(out["EXT_SOURCE_3"], rng.random(n) < es3_rate)
    return out
