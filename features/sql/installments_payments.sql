-- Instalment features: every instalment due on the applicant's earlier Home
-- Credit loans and what was paid, one row per SK_ID_CURR that has any.
--
-- The kernel "LightGBM with simple features" (installments_payments), the
-- share of instalments paid late, and the same over the last 6 and 12 months:
-- a recent late payment says more than an old one.

with source as (
    select * from installments_payments
),

cleaned as (
    select
        SK_ID_CURR,
        NUM_INSTALMENT_VERSION,
        DAYS_ENTRY_PAYMENT,
        AMT_INSTALMENT,
        AMT_PAYMENT,
        -- how much of the instalment was paid: the share and the shortfall
        ratio(AMT_PAYMENT, AMT_INSTALMENT) as PAYMENT_PERC,
        AMT_INSTALMENT - AMT_PAYMENT as PAYMENT_DIFF,
        -- days paid after (DPD) or before (DBD) the due date, else 0; an
        -- instalment without a payment date counts 0, as in the kernel
        case
            when DAYS_ENTRY_PAYMENT > DAYS_INSTALMENT
                then DAYS_ENTRY_PAYMENT - DAYS_INSTALMENT
            else 0
        end as DPD,
        case
            when DAYS_INSTALMENT > DAYS_ENTRY_PAYMENT
                then DAYS_INSTALMENT - DAYS_ENTRY_PAYMENT
            else 0
        end as DBD,
        -- due within the 6 (183 days) or 12 months before the application
        DAYS_INSTALMENT >= -183 as is_last_6m,
        DAYS_INSTALMENT >= -365 as is_last_12m
    from source
),

with_late_flag as (
    select
        *,
        (DPD > 0)::double as is_late
    from cleaned
),

final as (
    select
        SK_ID_CURR,
        -- the kernel's aggregations
        count(distinct NUM_INSTALMENT_VERSION)
            as INSTAL_NUM_INSTALMENT_VERSION_NUNIQUE,
        max(DPD) as INSTAL_DPD_MAX,
        avg(DPD) as INSTAL_DPD_MEAN,
        total(DPD) as INSTAL_DPD_SUM,
        max(DBD) as INSTAL_DBD_MAX,
        avg(DBD) as INSTAL_DBD_MEAN,
        total(DBD) as INSTAL_DBD_SUM,
        max(PAYMENT_PERC) as INSTAL_PAYMENT_PERC_MAX,
        avg(PAYMENT_PERC) as INSTAL_PAYMENT_PERC_MEAN,
        total(PAYMENT_PERC) as INSTAL_PAYMENT_PERC_SUM,
        var_samp(PAYMENT_PERC) as INSTAL_PAYMENT_PERC_VAR,
        max(PAYMENT_DIFF) as INSTAL_PAYMENT_DIFF_MAX,
        avg(PAYMENT_DIFF) as INSTAL_PAYMENT_DIFF_MEAN,
        total(PAYMENT_DIFF) as INSTAL_PAYMENT_DIFF_SUM,
        var_samp(PAYMENT_DIFF) as INSTAL_PAYMENT_DIFF_VAR,
        max(AMT_INSTALMENT) as INSTAL_AMT_INSTALMENT_MAX,
        avg(AMT_INSTALMENT) as INSTAL_AMT_INSTALMENT_MEAN,
        total(AMT_INSTALMENT) as INSTAL_AMT_INSTALMENT_SUM,
        min(AMT_PAYMENT) as INSTAL_AMT_PAYMENT_MIN,
        max(AMT_PAYMENT) as INSTAL_AMT_PAYMENT_MAX,
        avg(AMT_PAYMENT) as INSTAL_AMT_PAYMENT_MEAN,
        total(AMT_PAYMENT) as INSTAL_AMT_PAYMENT_SUM,
        max(DAYS_ENTRY_PAYMENT) as INSTAL_DAYS_ENTRY_PAYMENT_MAX,
        avg(DAYS_ENTRY_PAYMENT) as INSTAL_DAYS_ENTRY_PAYMENT_MEAN,
        total(DAYS_ENTRY_PAYMENT) as INSTAL_DAYS_ENTRY_PAYMENT_SUM,
        count(*) as INSTAL_COUNT,
        -- added: the share paid late, over all time and recent windows (a
        -- count of 0 when a window has no instalment)
        avg(is_late) as INSTAL_LATE_SHARE,
        max(DPD) filter (where is_last_6m) as INSTAL_DPD_MAX_6M,
        avg(DPD) filter (where is_last_6m) as INSTAL_DPD_MEAN_6M,
        avg(is_late) filter (where is_last_6m) as INSTAL_LATE_SHARE_6M,
        avg(PAYMENT_PERC) filter (where is_last_6m)
            as INSTAL_PAYMENT_PERC_MEAN_6M,
        sum(PAYMENT_DIFF) filter (where is_last_6m)
            as INSTAL_PAYMENT_DIFF_SUM_6M,
        count(*) filter (where is_last_6m) as INSTAL_COUNT_6M,
        max(DPD) filter (where is_last_12m) as INSTAL_DPD_MAX_12M,
        avg(DPD) filter (where is_last_12m) as INSTAL_DPD_MEAN_12M,
        avg(is_late) filter (where is_last_12m) as INSTAL_LATE_SHARE_12M,
        avg(PAYMENT_PERC) filter (where is_last_12m)
            as INSTAL_PAYMENT_PERC_MEAN_12M,
        sum(PAYMENT_DIFF) filter (where is_last_12m)
            as INSTAL_PAYMENT_DIFF_SUM_12M,
        count(*) filter (where is_last_12m) as INSTAL_COUNT_12M
    from with_late_flag
    group by SK_ID_CURR
)

select * from final
