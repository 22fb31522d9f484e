-- The feature table: every applicant exactly once, each source's features
-- beside the application's.
--
-- Left joins from the applications: an applicant without rows in a history
-- table keeps the row, with missing values for that table's features. Every
-- feature leaves as a double (flags and counts too), so that the training
-- table and the online vector of a new applicant have one type.

with applications as (
    select * from application_features
),

bureau as (
    select * from bureau_features
),

previous_applications as (
    select * from previous_application_features
),

pos_cash as (
    select * from pos_cash_balance_features
),

instalments as (
    select * from installments_payments_features
),

credit_cards as (
    select * from credit_card_balance_features
),

joined as (
    select *
    from applications
    left join bureau using (SK_ID_CURR)
    left join previous_applications using (SK_ID_CURR)
    left join pos_cash using (SK_ID_CURR)
    left join instalments using (SK_ID_CURR)
    left join credit_cards using (SK_ID_CURR)
),

final as (
    select
        SK_ID_CURR,
        columns(* exclude (SK_ID_CURR))::double
    from joined
)

select * from final
