-- Small helpers shared by the feature files, created before them.
--
-- They keep the kernel's pandas semantics in one place, so that each feature
-- file reads as a list of measures rather than of null-handling tricks.

-- 1.0 when value is the category, else 0.0; one_hot(x, null) flags a missing
-- value. pandas.get_dummies never yields a missing flag, and neither does this.
create or replace macro one_hot(value, category) as
    (value is not distinct from category)::double;

-- pandas' groupby sum: a group whose values are all missing sums to 0.
-- (An applicant without any row still gets a missing value from the join.)
create or replace macro total(value) as
    coalesce(sum(value), 0);

-- A ratio that is missing when the denominator is zero or missing, where
-- pandas would give +/-inf or NaN: a model and a person can both read it.
create or replace macro ratio(numerator, denominator) as
    numerator / nullif(denominator, 0);

-- Kaggle writes 365243 (a thousand years ahead) for "no such date" in DAYS_
-- columns; it is read as missing, as the kernel does.
create or replace macro without_sentinel(days) as
    nullif(days, 365243);
