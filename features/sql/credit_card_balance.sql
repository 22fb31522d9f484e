-- Credit card features: the monthly balances of the applicant's earlier Home
-- Credit cards, one row per SK_ID_CURR that has any.
--
-- The kernel "LightGBM with simple features" (credit_card_balance): every
-- column's min, max, mean, sum and variance. Added: how much of the limit is
-- used, and the last 6 and 12 months alone, since recent use says most.

with source as (
    select * from credit_card_balance
),

encoded as (
    select
        * exclude (SK_ID_PREV, NAME_CONTRACT_STATUS),
        -- NAME_CONTRACT_STATUS: Kaggle's 7 values, and missing
        one_hot(NAME_CONTRACT_STATUS, 'Active') as NAME_CONTRACT_STATUS_Active,
        one_hot(NAME_CONTRACT_STATUS, 'Approved')
            as NAME_CONTRACT_STATUS_Approved,
        one_hot(NAME_CONTRACT_STATUS, 'Completed')
            as NAME_CONTRACT_STATUS_Completed,
        one_hot(NAME_CONTRACT_STATUS, 'Demand') as NAME_CONTRACT_STATUS_Demand,
        one_hot(NAME_CONTRACT_STATUS, 'Refused')
            as NAME_CONTRACT_STATUS_Refused,
        one_hot(NAME_CONTRACT_STATUS, 'Sent proposal')
            as NAME_CONTRACT_STATUS_Sent_proposal,
        one_hot(NAME_CONTRACT_STATUS, 'Signed') as NAME_CONTRACT_STATUS_Signed,
        one_hot(NAME_CONTRACT_STATUS, null) as NAME_CONTRACT_STATUS_nan
    from source
),

-- the kernel's aggregations: every column, five ways
kernel_aggregates as (
    select
        SK_ID_CURR,
        min(columns(* exclude (SK_ID_CURR))) as 'CC_\0_MIN',
        max(columns(* exclude (SK_ID_CURR))) as 'CC_\0_MAX',
        avg(columns(* exclude (SK_ID_CURR))) as 'CC_\0_MEAN',
        total(columns(* exclude (SK_ID_CURR))) as 'CC_\0_SUM',
        var_samp(columns(* exclude (SK_ID_CURR))) as 'CC_\0_VAR',
        count(*) as CC_COUNT
    from encoded
    group by SK_ID_CURR
),

-- MONTHS_BALANCE counts back from the application (-1 = the month before)
windowed as (
    select
        SK_ID_CURR,
        AMT_BALANCE,
        AMT_DRAWINGS_CURRENT,
        SK_DPD,
        -- the balance as a share of the card's limit (missing without limit)
        ratio(AMT_BALANCE, AMT_CREDIT_LIMIT_ACTUAL) as UTILIZATION,
        MONTHS_BALANCE >= -6 as is_last_6m,
        MONTHS_BALANCE >= -12 as is_last_12m
    from source
),

recent_aggregates as (
    select
        SK_ID_CURR,
        avg(UTILIZATION) as CC_UTILIZATION_MEAN,
        max(UTILIZATION) as CC_UTILIZATION_MAX,
        -- a count of 0 when a window has no month
        avg(AMT_BALANCE) filter (where is_last_6m) as CC_AMT_BALANCE_MEAN_6M,
        avg(UTILIZATION) filter (where is_last_6m) as CC_UTILIZATION_MEAN_6M,
        max(UTILIZATION) filter (where is_last_6m) as CC_UTILIZATION_MAX_6M,
        max(SK_DPD) filter (where is_last_6m) as CC_SK_DPD_MAX_6M,
        avg(AMT_DRAWINGS_CURRENT) filter (where is_last_6m)
            as CC_AMT_DRAWINGS_CURRENT_MEAN_6M,
        count(*) filter (where is_last_6m) as CC_COUNT_6M,
        avg(AMT_BALANCE) filter (where is_last_12m) as CC_AMT_BALANCE_MEAN_12M,
        avg(UTILIZATION) filter (where is_last_12m) as CC_UTILIZATION_MEAN_12M,
        max(UTILIZATION) filter (where is_last_12m) as CC_UTILIZATION_MAX_12M,
        max(SK_DPD) filter (where is_last_12m) as CC_SK_DPD_MAX_12M,
        avg(AMT_DRAWINGS_CURRENT) filter (where is_last_12m)
            as CC_AMT_DRAWINGS_CURRENT_MEAN_12M,
        count(*) filter (where is_last_12m) as CC_COUNT_12M
    from windowed
    group by SK_ID_CURR
),

final as (
    select *
    from kernel_aggregates
    inner join recent_aggregates using (SK_ID_CURR)
)

select * from final
