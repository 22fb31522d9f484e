-- Credit bureau features: the applicant's credits at other lenders, one row
-- per SK_ID_CURR that has any.
--
-- The kernel "LightGBM with simple features" (bureau_and_balance): the monthly
-- bureau_balance is summarised per credit first, then everything per
-- applicant, over all credits (BURO_), active ones (ACTIVE_) and closed ones
-- (CLOSED_). Added: how many credits, and how much of them is still owed.

with source as (
    select * from bureau
),

balance_source as (
    select * from bureau_balance
),

-- one row per credit: how long its monthly history is, and the share of
-- months in each status (0 = no delay, 1-5 = delay bands, C = closed,
-- X = unknown)
balance_per_credit as (
    select
        SK_ID_BUREAU,
        min(MONTHS_BALANCE) as MONTHS_BALANCE_MIN,
        max(MONTHS_BALANCE) as MONTHS_BALANCE_MAX,
        count(*) as MONTHS_BALANCE_SIZE,
        avg(one_hot(STATUS, '0')) as STATUS_0_MEAN,
        avg(one_hot(STATUS, '1')) as STATUS_1_MEAN,
        avg(one_hot(STATUS, '2')) as STATUS_2_MEAN,
        avg(one_hot(STATUS, '3')) as STATUS_3_MEAN,
        avg(one_hot(STATUS, '4')) as STATUS_4_MEAN,
        avg(one_hot(STATUS, '5')) as STATUS_5_MEAN,
        avg(one_hot(STATUS, 'C')) as STATUS_C_MEAN,
        avg(one_hot(STATUS, 'X')) as STATUS_X_MEAN,
        avg(one_hot(STATUS, null)) as STATUS_nan_MEAN
    from balance_source
    group by SK_ID_BUREAU
),

-- a credit without monthly history keeps missing values (left join)
credits as (
    select *
    from source
    left join balance_per_credit using (SK_ID_BUREAU)
),

-- the same measures over three subsets of an applicant's credits
credits_by_subset as (
    select
        'BURO' as subset,
        *
    from credits
    union all
    select
        'ACTIVE' as subset,
        *
    from credits
    where CREDIT_ACTIVE = 'Active'
    union all
    select
        'CLOSED' as subset,
        *
    from credits
    where CREDIT_ACTIVE = 'Closed'
),

per_subset as (
    select
        SK_ID_CURR,
        subset,
        -- the kernel's numeric aggregations
        min(DAYS_CREDIT) as DAYS_CREDIT_MIN,
        max(DAYS_CREDIT) as DAYS_CREDIT_MAX,
        avg(DAYS_CREDIT) as DAYS_CREDIT_MEAN,
        var_samp(DAYS_CREDIT) as DAYS_CREDIT_VAR,
        min(DAYS_CREDIT_ENDDATE) as DAYS_CREDIT_ENDDATE_MIN,
        max(DAYS_CREDIT_ENDDATE) as DAYS_CREDIT_ENDDATE_MAX,
        avg(DAYS_CREDIT_ENDDATE) as DAYS_CREDIT_ENDDATE_MEAN,
        avg(DAYS_CREDIT_UPDATE) as DAYS_CREDIT_UPDATE_MEAN,
        max(CREDIT_DAY_OVERDUE) as CREDIT_DAY_OVERDUE_MAX,
        avg(CREDIT_DAY_OVERDUE) as CREDIT_DAY_OVERDUE_MEAN,
        avg(AMT_CREDIT_MAX_OVERDUE) as AMT_CREDIT_MAX_OVERDUE_MEAN,
        max(AMT_CREDIT_SUM) as AMT_CREDIT_SUM_MAX,
        avg(AMT_CREDIT_SUM) as AMT_CREDIT_SUM_MEAN,
        total(AMT_CREDIT_SUM) as AMT_CREDIT_SUM_SUM,
        max(AMT_CREDIT_SUM_DEBT) as AMT_CREDIT_SUM_DEBT_MAX,
        avg(AMT_CREDIT_SUM_DEBT) as AMT_CREDIT_SUM_DEBT_MEAN,
        total(AMT_CREDIT_SUM_DEBT) as AMT_CREDIT_SUM_DEBT_SUM,
        avg(AMT_CREDIT_SUM_OVERDUE) as AMT_CREDIT_SUM_OVERDUE_MEAN,
        avg(AMT_CREDIT_SUM_LIMIT) as AMT_CREDIT_SUM_LIMIT_MEAN,
        total(AMT_CREDIT_SUM_LIMIT) as AMT_CREDIT_SUM_LIMIT_SUM,
        max(AMT_ANNUITY) as AMT_ANNUITY_MAX,
        avg(AMT_ANNUITY) as AMT_ANNUITY_MEAN,
        total(CNT_CREDIT_PROLONG) as CNT_CREDIT_PROLONG_SUM,
        min(MONTHS_BALANCE_MIN) as MONTHS_BALANCE_MIN_MIN,
        max(MONTHS_BALANCE_MAX) as MONTHS_BALANCE_MAX_MAX,
        avg(MONTHS_BALANCE_SIZE) as MONTHS_BALANCE_SIZE_MEAN,
        total(MONTHS_BALANCE_SIZE) as MONTHS_BALANCE_SIZE_SUM,
        -- added: the number of credits, and the share of their amount still
        -- owed (a borrower near the end of repayment owes little)
        count(*) as COUNT,
        ratio(sum(AMT_CREDIT_SUM_DEBT), sum(AMT_CREDIT_SUM))
            as DEBT_CREDIT_RATIO
    from credits_by_subset
    group by SK_ID_CURR, subset
),

-- the kernel's category shares, over all credits; the monthly status shares
-- are averaged over the credits that have a monthly history
categories_per_applicant as (
    select
        SK_ID_CURR,
        -- CREDIT_ACTIVE: Kaggle's 4 values, and missing
        avg(one_hot(CREDIT_ACTIVE, 'Active')) as BURO_CREDIT_ACTIVE_Active_MEAN,
        avg(one_hot(CREDIT_ACTIVE, 'Bad debt'))
            as BURO_CREDIT_ACTIVE_Bad_debt_MEAN,
        avg(one_hot(CREDIT_ACTIVE, 'Closed')) as BURO_CREDIT_ACTIVE_Closed_MEAN,
        avg(one_hot(CREDIT_ACTIVE, 'Sold')) as BURO_CREDIT_ACTIVE_Sold_MEAN,
        avg(one_hot(CREDIT_ACTIVE, null)) as BURO_CREDIT_ACTIVE_nan_MEAN,
        -- CREDIT_CURRENCY: Kaggle's 4 values, and missing
        avg(one_hot(CREDIT_CURRENCY, 'currency 1'))
            as BURO_CREDIT_CURRENCY_currency_1_MEAN,
        avg(one_hot(CREDIT_CURRENCY, 'currency 2'))
            as BURO_CREDIT_CURRENCY_currency_2_MEAN,
        avg(one_hot(CREDIT_CURRENCY, 'currency 3'))
            as BURO_CREDIT_CURRENCY_currency_3_MEAN,
        avg(one_hot(CREDIT_CURRENCY, 'currency 4'))
            as BURO_CREDIT_CURRENCY_currency_4_MEAN,
        avg(one_hot(CREDIT_CURRENCY, null)) as BURO_CREDIT_CURRENCY_nan_MEAN,
        -- CREDIT_TYPE: Kaggle's 15 values, and missing
        avg(one_hot(CREDIT_TYPE, 'Another type of loan'))
            as BURO_CREDIT_TYPE_Another_type_of_loan_MEAN,
        avg(one_hot(CREDIT_TYPE, 'Car loan')) as BURO_CREDIT_TYPE_Car_loan_MEAN,
        avg(one_hot(CREDIT_TYPE, 'Cash loan (non-earmarked)'))
            as BURO_CREDIT_TYPE_Cash_loan__non_earmarked__MEAN,
        avg(one_hot(CREDIT_TYPE, 'Consumer credit'))
            as BURO_CREDIT_TYPE_Consumer_credit_MEAN,
        avg(one_hot(CREDIT_TYPE, 'Credit card'))
            as BURO_CREDIT_TYPE_Credit_card_MEAN,
        avg(one_hot(CREDIT_TYPE, 'Interbank credit'))
            as BURO_CREDIT_TYPE_Interbank_credit_MEAN,
        avg(one_hot(CREDIT_TYPE, 'Loan for business development'))
            as BURO_CREDIT_TYPE_Loan_for_business_development_MEAN,
        avg(one_hot(CREDIT_TYPE, 'Loan for purchase of shares (margin lending)'))
            as BURO_CREDIT_TYPE_Loan_for_purchase_of_shares__margin_lending__MEAN,
        avg(one_hot(CREDIT_TYPE, 'Loan for the purchase of equipment'))
            as BURO_CREDIT_TYPE_Loan_for_the_purchase_of_equipment_MEAN,
        avg(one_hot(CREDIT_TYPE, 'Loan for working capital replenishment'))
            as BURO_CREDIT_TYPE_Loan_for_working_capital_replenishment_MEAN,
        avg(one_hot(CREDIT_TYPE, 'Microloan'))
            as BURO_CREDIT_TYPE_Microloan_MEAN,
        avg(one_hot(CREDIT_TYPE, 'Mobile operator loan'))
            as BURO_CREDIT_TYPE_Mobile_operator_loan_MEAN,
        avg(one_hot(CREDIT_TYPE, 'Mortgage')) as BURO_CREDIT_TYPE_Mortgage_MEAN,
        avg(one_hot(CREDIT_TYPE, 'Real estate loan'))
            as BURO_CREDIT_TYPE_Real_estate_loan_MEAN,
        avg(one_hot(CREDIT_TYPE, 'Unknown type of loan'))
            as BURO_CREDIT_TYPE_Unknown_type_of_loan_MEAN,
        avg(one_hot(CREDIT_TYPE, null)) as BURO_CREDIT_TYPE_nan_MEAN,
        avg(STATUS_0_MEAN) as BURO_STATUS_0_MEAN_MEAN,
        avg(STATUS_1_MEAN) as BURO_STATUS_1_MEAN_MEAN,
        avg(STATUS_2_MEAN) as BURO_STATUS_2_MEAN_MEAN,
        avg(STATUS_3_MEAN) as BURO_STATUS_3_MEAN_MEAN,
        avg(STATUS_4_MEAN) as BURO_STATUS_4_MEAN_MEAN,
        avg(STATUS_5_MEAN) as BURO_STATUS_5_MEAN_MEAN,
        avg(STATUS_C_MEAN) as BURO_STATUS_C_MEAN_MEAN,
        avg(STATUS_X_MEAN) as BURO_STATUS_X_MEAN_MEAN,
        avg(STATUS_nan_MEAN) as BURO_STATUS_nan_MEAN_MEAN
    from credits
    group by SK_ID_CURR
),

all_credits as (
    select * exclude (subset) from per_subset where subset = 'BURO'
),

active_credits as (
    select * exclude (subset) from per_subset where subset = 'ACTIVE'
),

closed_credits as (
    select * exclude (subset) from per_subset where subset = 'CLOSED'
),

-- one row per applicant, the subset as the name's prefix; an applicant
-- without active (closed) credits has missing ACTIVE_ (CLOSED_) values
final as (
    select
        SK_ID_CURR,
        columns(all_credits.* exclude (SK_ID_CURR)) as 'BURO_\0',
        columns(active_credits.* exclude (SK_ID_CURR)) as 'ACTIVE_\0',
        columns(closed_credits.* exclude (SK_ID_CURR)) as 'CLOSED_\0',
        columns(categories_per_applicant.* exclude (SK_ID_CURR))
    from all_credits
    left join active_credits using (SK_ID_CURR)
    left join closed_credits using (SK_ID_CURR)
    inner join categories_per_applicant using (SK_ID_CURR)
)

select * from final
