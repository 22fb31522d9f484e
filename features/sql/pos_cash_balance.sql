-- POS and cash loan features: the monthly balances of the applicant's earlier
-- Home Credit point-of-sale and cash loans, one row per SK_ID_CURR that has
-- any.
--
-- The kernel "LightGBM with simple features" (pos_cash), then the same delays
-- over the last 6 and 12 months only: a recent delay says more than an old
-- one.

with source as (
    select * from POS_CASH_balance
),

-- MONTHS_BALANCE counts back from the application (-1 = the month before)
windowed as (
    select
        *,
        MONTHS_BALANCE >= -6 as is_last_6m,
        MONTHS_BALANCE >= -12 as is_last_12m
    from source
),

final as (
    select
        SK_ID_CURR,
        -- the kernel's aggregations
        max(MONTHS_BALANCE) as POS_MONTHS_BALANCE_MAX,
        avg(MONTHS_BALANCE) as POS_MONTHS_BALANCE_MEAN,
        count(*) as POS_MONTHS_BALANCE_SIZE,
        max(SK_DPD) as POS_SK_DPD_MAX,
        avg(SK_DPD) as POS_SK_DPD_MEAN,
        max(SK_DPD_DEF) as POS_SK_DPD_DEF_MAX,
        avg(SK_DPD_DEF) as POS_SK_DPD_DEF_MEAN,
        -- NAME_CONTRACT_STATUS: Kaggle's 9 values, and missing
        avg(one_hot(NAME_CONTRACT_STATUS, 'Active'))
            as POS_NAME_CONTRACT_STATUS_Active_MEAN,
        avg(one_hot(NAME_CONTRACT_STATUS, 'Amortized debt'))
            as POS_NAME_CONTRACT_STATUS_Amortized_debt_MEAN,
        avg(one_hot(NAME_CONTRACT_STATUS, 'Approved'))
            as POS_NAME_CONTRACT_STATUS_Approved_MEAN,
        avg(one_hot(NAME_CONTRACT_STATUS, 'Canceled'))
            as POS_NAME_CONTRACT_STATUS_Canceled_MEAN,
        avg(one_hot(NAME_CONTRACT_STATUS, 'Completed'))
            as POS_NAME_CONTRACT_STATUS_Completed_MEAN,
        avg(one_hot(NAME_CONTRACT_STATUS, 'Demand'))
            as POS_NAME_CONTRACT_STATUS_Demand_MEAN,
        avg(one_hot(NAME_CONTRACT_STATUS, 'Returned to the store'))
            as POS_NAME_CONTRACT_STATUS_Returned_to_the_store_MEAN,
        avg(one_hot(NAME_CONTRACT_STATUS, 'Signed'))
            as POS_NAME_CONTRACT_STATUS_Signed_MEAN,
        avg(one_hot(NAME_CONTRACT_STATUS, 'XNA'))
            as POS_NAME_CONTRACT_STATUS_XNA_MEAN,
        avg(one_hot(NAME_CONTRACT_STATUS, null))
            as POS_NAME_CONTRACT_STATUS_nan_MEAN,
        count(*) as POS_COUNT,
        -- added: the last 6 and 12 months (a count of 0 when there are none)
        max(SK_DPD) filter (where is_last_6m) as POS_SK_DPD_MAX_6M,
        avg(SK_DPD) filter (where is_last_6m) as POS_SK_DPD_MEAN_6M,
        max(SK_DPD_DEF) filter (where is_last_6m) as POS_SK_DPD_DEF_MAX_6M,
        avg(SK_DPD_DEF) filter (where is_last_6m) as POS_SK_DPD_DEF_MEAN_6M,
        count(*) filter (where is_last_6m) as POS_COUNT_6M,
        max(SK_DPD) filter (where is_last_12m) as POS_SK_DPD_MAX_12M,
        avg(SK_DPD) filter (where is_last_12m) as POS_SK_DPD_MEAN_12M,
        max(SK_DPD_DEF) filter (where is_last_12m) as POS_SK_DPD_DEF_MAX_12M,
        avg(SK_DPD_DEF) filter (where is_last_12m) as POS_SK_DPD_DEF_MEAN_12M,
        count(*) filter (where is_last_12m) as POS_COUNT_12M
    from windowed
    group by SK_ID_CURR
)

select * from final
