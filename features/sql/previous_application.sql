-- Previous application features: the applicant's earlier applications at
-- Home Credit, one row per SK_ID_CURR that has any.
--
-- The kernel "LightGBM with simple features" (previous_applications): numeric
-- aggregations over all applications (PREV_), approved ones (APPROVED_) and
-- refused ones (REFUSED_), category shares over all. Added: the count, the
-- dates of the credits that followed, and the most recent application alone.

with source as (
    select * from previous_application
),

cleaned as (
    select
        * replace (
            -- 365243 means "no such date" (never drawn, not yet due, ...)
            without_sentinel(DAYS_FIRST_DRAWING) as DAYS_FIRST_DRAWING,
            without_sentinel(DAYS_FIRST_DUE) as DAYS_FIRST_DUE,
            without_sentinel(DAYS_LAST_DUE_1ST_VERSION)
                as DAYS_LAST_DUE_1ST_VERSION,
            without_sentinel(DAYS_LAST_DUE) as DAYS_LAST_DUE,
            without_sentinel(DAYS_TERMINATION) as DAYS_TERMINATION
        ),
        -- what was asked for, relative to what was granted
        ratio(AMT_APPLICATION, AMT_CREDIT) as APP_CREDIT_PERC
    from source
),

-- the same measures over three subsets of an applicant's applications
applications_by_subset as (
    select
        'PREV' as subset,
        *
    from cleaned
    union all
    select
        'APPROVED' as subset,
        *
    from cleaned
    where NAME_CONTRACT_STATUS = 'Approved'
    union all
    select
        'REFUSED' as subset,
        *
    from cleaned
    where NAME_CONTRACT_STATUS = 'Refused'
),

per_subset as (
    select
        SK_ID_CURR,
        subset,
        -- the kernel's numeric aggregations
        min(AMT_ANNUITY) as AMT_ANNUITY_MIN,
        max(AMT_ANNUITY) as AMT_ANNUITY_MAX,
        avg(AMT_ANNUITY) as AMT_ANNUITY_MEAN,
        min(AMT_APPLICATION) as AMT_APPLICATION_MIN,
        max(AMT_APPLICATION) as AMT_APPLICATION_MAX,
        avg(AMT_APPLICATION) as AMT_APPLICATION_MEAN,
        min(AMT_CREDIT) as AMT_CREDIT_MIN,
        max(AMT_CREDIT) as AMT_CREDIT_MAX,
        avg(AMT_CREDIT) as AMT_CREDIT_MEAN,
        min(APP_CREDIT_PERC) as APP_CREDIT_PERC_MIN,
        max(APP_CREDIT_PERC) as APP_CREDIT_PERC_MAX,
        avg(APP_CREDIT_PERC) as APP_CREDIT_PERC_MEAN,
        var_samp(APP_CREDIT_PERC) as APP_CREDIT_PERC_VAR,
        min(AMT_DOWN_PAYMENT) as AMT_DOWN_PAYMENT_MIN,
        max(AMT_DOWN_PAYMENT) as AMT_DOWN_PAYMENT_MAX,
        avg(AMT_DOWN_PAYMENT) as AMT_DOWN_PAYMENT_MEAN,
        min(AMT_GOODS_PRICE) as AMT_GOODS_PRICE_MIN,
        max(AMT_GOODS_PRICE) as AMT_GOODS_PRICE_MAX,
        avg(AMT_GOODS_PRICE) as AMT_GOODS_PRICE_MEAN,
        min(HOUR_APPR_PROCESS_START) as HOUR_APPR_PROCESS_START_MIN,
        max(HOUR_APPR_PROCESS_START) as HOUR_APPR_PROCESS_START_MAX,
        avg(HOUR_APPR_PROCESS_START) as HOUR_APPR_PROCESS_START_MEAN,
        min(RATE_DOWN_PAYMENT) as RATE_DOWN_PAYMENT_MIN,
        max(RATE_DOWN_PAYMENT) as RATE_DOWN_PAYMENT_MAX,
        avg(RATE_DOWN_PAYMENT) as RATE_DOWN_PAYMENT_MEAN,
        min(DAYS_DECISION) as DAYS_DECISION_MIN,
        max(DAYS_DECISION) as DAYS_DECISION_MAX,
        avg(DAYS_DECISION) as DAYS_DECISION_MEAN,
        avg(CNT_PAYMENT) as CNT_PAYMENT_MEAN,
        total(CNT_PAYMENT) as CNT_PAYMENT_SUM,
        -- added: how many, and when the resulting credits were drawn, due
        -- and ended (the latest and the average)
        count(*) as COUNT,
        max(DAYS_FIRST_DRAWING) as DAYS_FIRST_DRAWING_MAX,
        avg(DAYS_FIRST_DRAWING) as DAYS_FIRST_DRAWING_MEAN,
        max(DAYS_FIRST_DUE) as DAYS_FIRST_DUE_MAX,
        avg(DAYS_FIRST_DUE) as DAYS_FIRST_DUE_MEAN,
        max(DAYS_LAST_DUE_1ST_VERSION) as DAYS_LAST_DUE_1ST_VERSION_MAX,
        avg(DAYS_LAST_DUE_1ST_VERSION) as DAYS_LAST_DUE_1ST_VERSION_MEAN,
        max(DAYS_LAST_DUE) as DAYS_LAST_DUE_MAX,
        avg(DAYS_LAST_DUE) as DAYS_LAST_DUE_MEAN,
        max(DAYS_TERMINATION) as DAYS_TERMINATION_MAX,
        avg(DAYS_TERMINATION) as DAYS_TERMINATION_MEAN
    from applications_by_subset
    group by SK_ID_CURR, subset
),

-- the kernel's category shares, over all applications
categories_per_applicant as (
    select
        SK_ID_CURR,
        -- NAME_CONTRACT_TYPE: Kaggle's 4 values, and missing
        avg(one_hot(NAME_CONTRACT_TYPE, 'Cash loans'))
            as PREV_NAME_CONTRACT_TYPE_Cash_loans_MEAN,
        avg(one_hot(NAME_CONTRACT_TYPE, 'Consumer loans'))
            as PREV_NAME_CONTRACT_TYPE_Consumer_loans_MEAN,
        avg(one_hot(NAME_CONTRACT_TYPE, 'Revolving loans'))
            as PREV_NAME_CONTRACT_TYPE_Revolving_loans_MEAN,
        avg(one_hot(NAME_CONTRACT_TYPE, 'XNA'))
            as PREV_NAME_CONTRACT_TYPE_XNA_MEAN,
        avg(one_hot(NAME_CONTRACT_TYPE, null))
            as PREV_NAME_CONTRACT_TYPE_nan_MEAN,
        -- WEEKDAY_APPR_PROCESS_START: Kaggle's 7 values, and missing
        avg(one_hot(WEEKDAY_APPR_PROCESS_START, 'FRIDAY'))
            as PREV_WEEKDAY_APPR_PROCESS_START_FRIDAY_MEAN,
        avg(one_hot(WEEKDAY_APPR_PROCESS_START, 'MONDAY'))
            as PREV_WEEKDAY_APPR_PROCESS_START_MONDAY_MEAN,
        avg(one_hot(WEEKDAY_APPR_PROCESS_START, 'SATURDAY'))
            as PREV_WEEKDAY_APPR_PROCESS_START_SATURDAY_MEAN,
        avg(one_hot(WEEKDAY_APPR_PROCESS_START, 'SUNDAY'))
            as PREV_WEEKDAY_APPR_PROCESS_START_SUNDAY_MEAN,
        avg(one_hot(WEEKDAY_APPR_PROCESS_START, 'THURSDAY'))
            as PREV_WEEKDAY_APPR_PROCESS_START_THURSDAY_MEAN,
        avg(one_hot(WEEKDAY_APPR_PROCESS_START, 'TUESDAY'))
            as PREV_WEEKDAY_APPR_PROCESS_START_TUESDAY_MEAN,
        avg(one_hot(WEEKDAY_APPR_PROCESS_START, 'WEDNESDAY'))
            as PREV_WEEKDAY_APPR_PROCESS_START_WEDNESDAY_MEAN,
        avg(one_hot(WEEKDAY_APPR_PROCESS_START, null))
            as PREV_WEEKDAY_APPR_PROCESS_START_nan_MEAN,
        -- FLAG_LAST_APPL_PER_CONTRACT: Kaggle's 2 values, and missing
        avg(one_hot(FLAG_LAST_APPL_PER_CONTRACT, 'N'))
            as PREV_FLAG_LAST_APPL_PER_CONTRACT_N_MEAN,
        avg(one_hot(FLAG_LAST_APPL_PER_CONTRACT, 'Y'))
            as PREV_FLAG_LAST_APPL_PER_CONTRACT_Y_MEAN,
        avg(one_hot(FLAG_LAST_APPL_PER_CONTRACT, null))
            as PREV_FLAG_LAST_APPL_PER_CONTRACT_nan_MEAN,
        -- NAME_CASH_LOAN_PURPOSE: Kaggle's 25 values, and missing
        avg(one_hot(NAME_CASH_LOAN_PURPOSE, 'Building a house or an annex'))
            as PREV_NAME_CASH_LOAN_PURPOSE_Building_a_house_or_an_annex_MEAN,
        avg(one_hot(NAME_CASH_LOAN_PURPOSE, 'Business development'))
            as PREV_NAME_CASH_LOAN_PURPOSE_Business_development_MEAN,
        avg(one_hot(NAME_CASH_LOAN_PURPOSE, 'Buying a garage'))
            as PREV_NAME_CASH_LOAN_PURPOSE_Buying_a_garage_MEAN,
        avg(one_hot(NAME_CASH_LOAN_PURPOSE, 'Buying a holiday home / land'))
            as PREV_NAME_CASH_LOAN_PURPOSE_Buying_a_holiday_home___land_MEAN,
        avg(one_hot(NAME_CASH_LOAN_PURPOSE, 'Buying a home'))
            as PREV_NAME_CASH_LOAN_PURPOSE_Buying_a_home_MEAN,
        avg(one_hot(NAME_CASH_LOAN_PURPOSE, 'Buying a new car'))
            as PREV_NAME_CASH_LOAN_PURPOSE_Buying_a_new_car_MEAN,
        avg(one_hot(NAME_CASH_LOAN_PURPOSE, 'Buying a used car'))
            as PREV_NAME_CASH_LOAN_PURPOSE_Buying_a_used_car_MEAN,
        avg(one_hot(NAME_CASH_LOAN_PURPOSE, 'Car repairs'))
            as PREV_NAME_CASH_LOAN_PURPOSE_Car_repairs_MEAN,
        avg(one_hot(NAME_CASH_LOAN_PURPOSE, 'Education'))
            as PREV_NAME_CASH_LOAN_PURPOSE_Education_MEAN,
        avg(one_hot(NAME_CASH_LOAN_PURPOSE, 'Everyday expenses'))
            as PREV_NAME_CASH_LOAN_PURPOSE_Everyday_expenses_MEAN,
        avg(one_hot(NAME_CASH_LOAN_PURPOSE, 'Furniture'))
            as PREV_NAME_CASH_LOAN_PURPOSE_Furniture_MEAN,
        avg(one_hot(NAME_CASH_LOAN_PURPOSE, 'Gasification / water supply'))
            as PREV_NAME_CASH_LOAN_PURPOSE_Gasification___water_supply_MEAN,
        avg(one_hot(NAME_CASH_LOAN_PURPOSE, 'Hobby'))
            as PREV_NAME_CASH_LOAN_PURPOSE_Hobby_MEAN,
        avg(one_hot(NAME_CASH_LOAN_PURPOSE, 'Journey'))
            as PREV_NAME_CASH_LOAN_PURPOSE_Journey_MEAN,
        avg(one_hot(NAME_CASH_LOAN_PURPOSE, 'Medicine'))
            as PREV_NAME_CASH_LOAN_PURPOSE_Medicine_MEAN,
        avg(one_hot(NAME_CASH_LOAN_PURPOSE, 'Money for a third person'))
            as PREV_NAME_CASH_LOAN_PURPOSE_Money_for_a_third_person_MEAN,
        avg(one_hot(NAME_CASH_LOAN_PURPOSE, 'Other'))
            as PREV_NAME_CASH_LOAN_PURPOSE_Other_MEAN,
        avg(one_hot(NAME_CASH_LOAN_PURPOSE, 'Payments on other loans'))
            as PREV_NAME_CASH_LOAN_PURPOSE_Payments_on_other_loans_MEAN,
        avg(one_hot(NAME_CASH_LOAN_PURPOSE, 'Purchase of electronic equipment'))
            as PREV_NAME_CASH_LOAN_PURPOSE_Purchase_of_electronic_equipment_MEAN,
        avg(one_hot(NAME_CASH_LOAN_PURPOSE, 'Refusal to name the goal'))
            as PREV_NAME_CASH_LOAN_PURPOSE_Refusal_to_name_the_goal_MEAN,
        avg(one_hot(NAME_CASH_LOAN_PURPOSE, 'Repairs'))
            as PREV_NAME_CASH_LOAN_PURPOSE_Repairs_MEAN,
        avg(one_hot(NAME_CASH_LOAN_PURPOSE, 'Urgent needs'))
            as PREV_NAME_CASH_LOAN_PURPOSE_Urgent_needs_MEAN,
        avg(one_hot(NAME_CASH_LOAN_PURPOSE, 'Wedding / gift / holiday'))
            as PREV_NAME_CASH_LOAN_PURPOSE_Wedding___gift___holiday_MEAN,
        avg(one_hot(NAME_CASH_LOAN_PURPOSE, 'XAP'))
            as PREV_NAME_CASH_LOAN_PURPOSE_XAP_MEAN,
        avg(one_hot(NAME_CASH_LOAN_PURPOSE, 'XNA'))
            as PREV_NAME_CASH_LOAN_PURPOSE_XNA_MEAN,
        avg(one_hot(NAME_CASH_LOAN_PURPOSE, null))
            as PREV_NAME_CASH_LOAN_PURPOSE_nan_MEAN,
        -- NAME_CONTRACT_STATUS: Kaggle's 4 values, and missing
        avg(one_hot(NAME_CONTRACT_STATUS, 'Approved'))
            as PREV_NAME_CONTRACT_STATUS_Approved_MEAN,
        avg(one_hot(NAME_CONTRACT_STATUS, 'Canceled'))
            as PREV_NAME_CONTRACT_STATUS_Canceled_MEAN,
        avg(one_hot(NAME_CONTRACT_STATUS, 'Refused'))
            as PREV_NAME_CONTRACT_STATUS_Refused_MEAN,
        avg(one_hot(NAME_CONTRACT_STATUS, 'Unused offer'))
            as PREV_NAME_CONTRACT_STATUS_Unused_offer_MEAN,
        avg(one_hot(NAME_CONTRACT_STATUS, null))
            as PREV_NAME_CONTRACT_STATUS_nan_MEAN,
        -- NAME_PAYMENT_TYPE: Kaggle's 4 values, and missing
        avg(one_hot(NAME_PAYMENT_TYPE, 'Cash through the bank'))
            as PREV_NAME_PAYMENT_TYPE_Cash_through_the_bank_MEAN,
        avg(one_hot(NAME_PAYMENT_TYPE, 'Cashless from the account of the employer'))
            as PREV_NAME_PAYMENT_TYPE_Cashless_from_the_account_of_the_employer_MEAN,
        avg(one_hot(NAME_PAYMENT_TYPE, 'Non-cash from your account'))
            as PREV_NAME_PAYMENT_TYPE_Non_cash_from_your_account_MEAN,
        avg(one_hot(NAME_PAYMENT_TYPE, 'XNA'))
            as PREV_NAME_PAYMENT_TYPE_XNA_MEAN,
        avg(one_hot(NAME_PAYMENT_TYPE, null))
            as PREV_NAME_PAYMENT_TYPE_nan_MEAN,
        -- CODE_REJECT_REASON: Kaggle's 9 values, and missing
        avg(one_hot(CODE_REJECT_REASON, 'CLIENT'))
            as PREV_CODE_REJECT_REASON_CLIENT_MEAN,
        avg(one_hot(CODE_REJECT_REASON, 'HC'))
            as PREV_CODE_REJECT_REASON_HC_MEAN,
        avg(one_hot(CODE_REJECT_REASON, 'LIMIT'))
            as PREV_CODE_REJECT_REASON_LIMIT_MEAN,
        avg(one_hot(CODE_REJECT_REASON, 'SCO'))
            as PREV_CODE_REJECT_REASON_SCO_MEAN,
        avg(one_hot(CODE_REJECT_REASON, 'SCOFR'))
            as PREV_CODE_REJECT_REASON_SCOFR_MEAN,
        avg(one_hot(CODE_REJECT_REASON, 'SYSTEM'))
            as PREV_CODE_REJECT_REASON_SYSTEM_MEAN,
        avg(one_hot(CODE_REJECT_REASON, 'VERIF'))
            as PREV_CODE_REJECT_REASON_VERIF_MEAN,
        avg(one_hot(CODE_REJECT_REASON, 'XAP'))
            as PREV_CODE_REJECT_REASON_XAP_MEAN,
        avg(one_hot(CODE_REJECT_REASON, 'XNA'))
            as PREV_CODE_REJECT_REASON_XNA_MEAN,
        avg(one_hot(CODE_REJECT_REASON, null))
            as PREV_CODE_REJECT_REASON_nan_MEAN,
        -- NAME_TYPE_SUITE: Kaggle's 7 values, and missing
        avg(one_hot(NAME_TYPE_SUITE, 'Children'))
            as PREV_NAME_TYPE_SUITE_Children_MEAN,
        avg(one_hot(NAME_TYPE_SUITE, 'Family'))
            as PREV_NAME_TYPE_SUITE_Family_MEAN,
        avg(one_hot(NAME_TYPE_SUITE, 'Group of people'))
            as PREV_NAME_TYPE_SUITE_Group_of_people_MEAN,
        avg(one_hot(NAME_TYPE_SUITE, 'Other_A'))
            as PREV_NAME_TYPE_SUITE_Other_A_MEAN,
        avg(one_hot(NAME_TYPE_SUITE, 'Other_B'))
            as PREV_NAME_TYPE_SUITE_Other_B_MEAN,
        avg(one_hot(NAME_TYPE_SUITE, 'Spouse, partner'))
            as PREV_NAME_TYPE_SUITE_Spouse__partner_MEAN,
        avg(one_hot(NAME_TYPE_SUITE, 'Unaccompanied'))
            as PREV_NAME_TYPE_SUITE_Unaccompanied_MEAN,
        avg(one_hot(NAME_TYPE_SUITE, null)) as PREV_NAME_TYPE_SUITE_nan_MEAN,
        -- NAME_CLIENT_TYPE: Kaggle's 4 values, and missing
        avg(one_hot(NAME_CLIENT_TYPE, 'New')) as PREV_NAME_CLIENT_TYPE_New_MEAN,
        avg(one_hot(NAME_CLIENT_TYPE, 'Refreshed'))
            as PREV_NAME_CLIENT_TYPE_Refreshed_MEAN,
        avg(one_hot(NAME_CLIENT_TYPE, 'Repeater'))
            as PREV_NAME_CLIENT_TYPE_Repeater_MEAN,
        avg(one_hot(NAME_CLIENT_TYPE, 'XNA')) as PREV_NAME_CLIENT_TYPE_XNA_MEAN,
        avg(one_hot(NAME_CLIENT_TYPE, null)) as PREV_NAME_CLIENT_TYPE_nan_MEAN,
        -- NAME_GOODS_CATEGORY: Kaggle's 28 values, and missing
        avg(one_hot(NAME_GOODS_CATEGORY, 'Additional Service'))
            as PREV_NAME_GOODS_CATEGORY_Additional_Service_MEAN,
        avg(one_hot(NAME_GOODS_CATEGORY, 'Animals'))
            as PREV_NAME_GOODS_CATEGORY_Animals_MEAN,
        avg(one_hot(NAME_GOODS_CATEGORY, 'Audio/Video'))
            as PREV_NAME_GOODS_CATEGORY_Audio_Video_MEAN,
        avg(one_hot(NAME_GOODS_CATEGORY, 'Auto Accessories'))
            as PREV_NAME_GOODS_CATEGORY_Auto_Accessories_MEAN,
        avg(one_hot(NAME_GOODS_CATEGORY, 'Clothing and Accessories'))
            as PREV_NAME_GOODS_CATEGORY_Clothing_and_Accessories_MEAN,
        avg(one_hot(NAME_GOODS_CATEGORY, 'Computers'))
            as PREV_NAME_GOODS_CATEGORY_Computers_MEAN,
        avg(one_hot(NAME_GOODS_CATEGORY, 'Construction Materials'))
            as PREV_NAME_GOODS_CATEGORY_Construction_Materials_MEAN,
        avg(one_hot(NAME_GOODS_CATEGORY, 'Consumer Electronics'))
            as PREV_NAME_GOODS_CATEGORY_Consumer_Electronics_MEAN,
        avg(one_hot(NAME_GOODS_CATEGORY, 'Direct Sales'))
            as PREV_NAME_GOODS_CATEGORY_Direct_Sales_MEAN,
        avg(one_hot(NAME_GOODS_CATEGORY, 'Education'))
            as PREV_NAME_GOODS_CATEGORY_Education_MEAN,
        avg(one_hot(NAME_GOODS_CATEGORY, 'Fitness'))
            as PREV_NAME_GOODS_CATEGORY_Fitness_MEAN,
        avg(one_hot(NAME_GOODS_CATEGORY, 'Furniture'))
            as PREV_NAME_GOODS_CATEGORY_Furniture_MEAN,
        avg(one_hot(NAME_GOODS_CATEGORY, 'Gardening'))
            as PREV_NAME_GOODS_CATEGORY_Gardening_MEAN,
        avg(one_hot(NAME_GOODS_CATEGORY, 'Homewares'))
            as PREV_NAME_GOODS_CATEGORY_Homewares_MEAN,
        avg(one_hot(NAME_GOODS_CATEGORY, 'House Construction'))
            as PREV_NAME_GOODS_CATEGORY_House_Construction_MEAN,
        avg(one_hot(NAME_GOODS_CATEGORY, 'Insurance'))
            as PREV_NAME_GOODS_CATEGORY_Insurance_MEAN,
        avg(one_hot(NAME_GOODS_CATEGORY, 'Jewelry'))
            as PREV_NAME_GOODS_CATEGORY_Jewelry_MEAN,
        avg(one_hot(NAME_GOODS_CATEGORY, 'Medical Supplies'))
            as PREV_NAME_GOODS_CATEGORY_Medical_Supplies_MEAN,
        avg(one_hot(NAME_GOODS_CATEGORY, 'Medicine'))
            as PREV_NAME_GOODS_CATEGORY_Medicine_MEAN,
        avg(one_hot(NAME_GOODS_CATEGORY, 'Mobile'))
            as PREV_NAME_GOODS_CATEGORY_Mobile_MEAN,
        avg(one_hot(NAME_GOODS_CATEGORY, 'Office Appliances'))
            as PREV_NAME_GOODS_CATEGORY_Office_Appliances_MEAN,
        avg(one_hot(NAME_GOODS_CATEGORY, 'Other'))
            as PREV_NAME_GOODS_CATEGORY_Other_MEAN,
        avg(one_hot(NAME_GOODS_CATEGORY, 'Photo / Cinema Equipment'))
            as PREV_NAME_GOODS_CATEGORY_Photo___Cinema_Equipment_MEAN,
        avg(one_hot(NAME_GOODS_CATEGORY, 'Sport and Leisure'))
            as PREV_NAME_GOODS_CATEGORY_Sport_and_Leisure_MEAN,
        avg(one_hot(NAME_GOODS_CATEGORY, 'Tourism'))
            as PREV_NAME_GOODS_CATEGORY_Tourism_MEAN,
        avg(one_hot(NAME_GOODS_CATEGORY, 'Vehicles'))
            as PREV_NAME_GOODS_CATEGORY_Vehicles_MEAN,
        avg(one_hot(NAME_GOODS_CATEGORY, 'Weapon'))
            as PREV_NAME_GOODS_CATEGORY_Weapon_MEAN,
        avg(one_hot(NAME_GOODS_CATEGORY, 'XNA'))
            as PREV_NAME_GOODS_CATEGORY_XNA_MEAN,
        avg(one_hot(NAME_GOODS_CATEGORY, null))
            as PREV_NAME_GOODS_CATEGORY_nan_MEAN,
        -- NAME_PORTFOLIO: Kaggle's 5 values, and missing
        avg(one_hot(NAME_PORTFOLIO, 'Cards')) as PREV_NAME_PORTFOLIO_Cards_MEAN,
        avg(one_hot(NAME_PORTFOLIO, 'Cars')) as PREV_NAME_PORTFOLIO_Cars_MEAN,
        avg(one_hot(NAME_PORTFOLIO, 'Cash')) as PREV_NAME_PORTFOLIO_Cash_MEAN,
        avg(one_hot(NAME_PORTFOLIO, 'POS')) as PREV_NAME_PORTFOLIO_POS_MEAN,
        avg(one_hot(NAME_PORTFOLIO, 'XNA')) as PREV_NAME_PORTFOLIO_XNA_MEAN,
        avg(one_hot(NAME_PORTFOLIO, null)) as PREV_NAME_PORTFOLIO_nan_MEAN,
        -- NAME_PRODUCT_TYPE: Kaggle's 3 values, and missing
        avg(one_hot(NAME_PRODUCT_TYPE, 'XNA'))
            as PREV_NAME_PRODUCT_TYPE_XNA_MEAN,
        avg(one_hot(NAME_PRODUCT_TYPE, 'walk-in'))
            as PREV_NAME_PRODUCT_TYPE_walk_in_MEAN,
        avg(one_hot(NAME_PRODUCT_TYPE, 'x-sell'))
            as PREV_NAME_PRODUCT_TYPE_x_sell_MEAN,
        avg(one_hot(NAME_PRODUCT_TYPE, null))
            as PREV_NAME_PRODUCT_TYPE_nan_MEAN,
        -- CHANNEL_TYPE: Kaggle's 8 values, and missing
        avg(one_hot(CHANNEL_TYPE, 'AP+ (Cash loan)'))
            as PREV_CHANNEL_TYPE_AP___Cash_loan__MEAN,
        avg(one_hot(CHANNEL_TYPE, 'Car dealer'))
            as PREV_CHANNEL_TYPE_Car_dealer_MEAN,
        avg(one_hot(CHANNEL_TYPE, 'Channel of corporate sales'))
            as PREV_CHANNEL_TYPE_Channel_of_corporate_sales_MEAN,
        avg(one_hot(CHANNEL_TYPE, 'Contact center'))
            as PREV_CHANNEL_TYPE_Contact_center_MEAN,
        avg(one_hot(CHANNEL_TYPE, 'Country-wide'))
            as PREV_CHANNEL_TYPE_Country_wide_MEAN,
        avg(one_hot(CHANNEL_TYPE, 'Credit and cash offices'))
            as PREV_CHANNEL_TYPE_Credit_and_cash_offices_MEAN,
        avg(one_hot(CHANNEL_TYPE, 'Regional / Local'))
            as PREV_CHANNEL_TYPE_Regional___Local_MEAN,
        avg(one_hot(CHANNEL_TYPE, 'Stone')) as PREV_CHANNEL_TYPE_Stone_MEAN,
        avg(one_hot(CHANNEL_TYPE, null)) as PREV_CHANNEL_TYPE_nan_MEAN,
        -- NAME_SELLER_INDUSTRY: Kaggle's 11 values, and missing
        avg(one_hot(NAME_SELLER_INDUSTRY, 'Auto technology'))
            as PREV_NAME_SELLER_INDUSTRY_Auto_technology_MEAN,
        avg(one_hot(NAME_SELLER_INDUSTRY, 'Clothing'))
            as PREV_NAME_SELLER_INDUSTRY_Clothing_MEAN,
        avg(one_hot(NAME_SELLER_INDUSTRY, 'Connectivity'))
            as PREV_NAME_SELLER_INDUSTRY_Connectivity_MEAN,
        avg(one_hot(NAME_SELLER_INDUSTRY, 'Construction'))
            as PREV_NAME_SELLER_INDUSTRY_Construction_MEAN,
        avg(one_hot(NAME_SELLER_INDUSTRY, 'Consumer electronics'))
            as PREV_NAME_SELLER_INDUSTRY_Consumer_electronics_MEAN,
        avg(one_hot(NAME_SELLER_INDUSTRY, 'Furniture'))
            as PREV_NAME_SELLER_INDUSTRY_Furniture_MEAN,
        avg(one_hot(NAME_SELLER_INDUSTRY, 'Industry'))
            as PREV_NAME_SELLER_INDUSTRY_Industry_MEAN,
        avg(one_hot(NAME_SELLER_INDUSTRY, 'Jewelry'))
            as PREV_NAME_SELLER_INDUSTRY_Jewelry_MEAN,
        avg(one_hot(NAME_SELLER_INDUSTRY, 'MLM partners'))
            as PREV_NAME_SELLER_INDUSTRY_MLM_partners_MEAN,
        avg(one_hot(NAME_SELLER_INDUSTRY, 'Tourism'))
            as PREV_NAME_SELLER_INDUSTRY_Tourism_MEAN,
        avg(one_hot(NAME_SELLER_INDUSTRY, 'XNA'))
            as PREV_NAME_SELLER_INDUSTRY_XNA_MEAN,
        avg(one_hot(NAME_SELLER_INDUSTRY, null))
            as PREV_NAME_SELLER_INDUSTRY_nan_MEAN,
        -- NAME_YIELD_GROUP: Kaggle's 5 values, and missing
        avg(one_hot(NAME_YIELD_GROUP, 'XNA')) as PREV_NAME_YIELD_GROUP_XNA_MEAN,
        avg(one_hot(NAME_YIELD_GROUP, 'high'))
            as PREV_NAME_YIELD_GROUP_high_MEAN,
        avg(one_hot(NAME_YIELD_GROUP, 'low_action'))
            as PREV_NAME_YIELD_GROUP_low_action_MEAN,
        avg(one_hot(NAME_YIELD_GROUP, 'low_normal'))
            as PREV_NAME_YIELD_GROUP_low_normal_MEAN,
        avg(one_hot(NAME_YIELD_GROUP, 'middle'))
            as PREV_NAME_YIELD_GROUP_middle_MEAN,
        avg(one_hot(NAME_YIELD_GROUP, null)) as PREV_NAME_YIELD_GROUP_nan_MEAN,
        -- PRODUCT_COMBINATION: Kaggle's 17 values, and missing
        avg(one_hot(PRODUCT_COMBINATION, 'Card Street'))
            as PREV_PRODUCT_COMBINATION_Card_Street_MEAN,
        avg(one_hot(PRODUCT_COMBINATION, 'Card X-Sell'))
            as PREV_PRODUCT_COMBINATION_Card_X_Sell_MEAN,
        avg(one_hot(PRODUCT_COMBINATION, 'Cash'))
            as PREV_PRODUCT_COMBINATION_Cash_MEAN,
        avg(one_hot(PRODUCT_COMBINATION, 'Cash Street: high'))
            as PREV_PRODUCT_COMBINATION_Cash_Street__high_MEAN,
        avg(one_hot(PRODUCT_COMBINATION, 'Cash Street: low'))
            as PREV_PRODUCT_COMBINATION_Cash_Street__low_MEAN,
        avg(one_hot(PRODUCT_COMBINATION, 'Cash Street: middle'))
            as PREV_PRODUCT_COMBINATION_Cash_Street__middle_MEAN,
        avg(one_hot(PRODUCT_COMBINATION, 'Cash X-Sell: high'))
            as PREV_PRODUCT_COMBINATION_Cash_X_Sell__high_MEAN,
        avg(one_hot(PRODUCT_COMBINATION, 'Cash X-Sell: low'))
            as PREV_PRODUCT_COMBINATION_Cash_X_Sell__low_MEAN,
        avg(one_hot(PRODUCT_COMBINATION, 'Cash X-Sell: middle'))
            as PREV_PRODUCT_COMBINATION_Cash_X_Sell__middle_MEAN,
        avg(one_hot(PRODUCT_COMBINATION, 'POS household with interest'))
            as PREV_PRODUCT_COMBINATION_POS_household_with_interest_MEAN,
        avg(one_hot(PRODUCT_COMBINATION, 'POS household without interest'))
            as PREV_PRODUCT_COMBINATION_POS_household_without_interest_MEAN,
        avg(one_hot(PRODUCT_COMBINATION, 'POS industry with interest'))
            as PREV_PRODUCT_COMBINATION_POS_industry_with_interest_MEAN,
        avg(one_hot(PRODUCT_COMBINATION, 'POS industry without interest'))
            as PREV_PRODUCT_COMBINATION_POS_industry_without_interest_MEAN,
        avg(one_hot(PRODUCT_COMBINATION, 'POS mobile with interest'))
            as PREV_PRODUCT_COMBINATION_POS_mobile_with_interest_MEAN,
        avg(one_hot(PRODUCT_COMBINATION, 'POS mobile without interest'))
            as PREV_PRODUCT_COMBINATION_POS_mobile_without_interest_MEAN,
        avg(one_hot(PRODUCT_COMBINATION, 'POS other with interest'))
            as PREV_PRODUCT_COMBINATION_POS_other_with_interest_MEAN,
        avg(one_hot(PRODUCT_COMBINATION, 'POS others without interest'))
            as PREV_PRODUCT_COMBINATION_POS_others_without_interest_MEAN,
        avg(one_hot(PRODUCT_COMBINATION, null))
            as PREV_PRODUCT_COMBINATION_nan_MEAN
    from cleaned
    group by SK_ID_CURR
),

-- added: the latest application (by decision date; the higher SK_ID_PREV
-- breaks a tie), since what happened last weighs most
last_application as (
    select
        SK_ID_CURR,
        AMT_APPLICATION as PREV_AMT_APPLICATION_LAST,
        AMT_CREDIT as PREV_AMT_CREDIT_LAST,
        AMT_ANNUITY as PREV_AMT_ANNUITY_LAST,
        APP_CREDIT_PERC as PREV_APP_CREDIT_PERC_LAST,
        CNT_PAYMENT as PREV_CNT_PAYMENT_LAST,
        DAYS_DECISION as PREV_DAYS_DECISION_LAST,
        one_hot(NAME_CONTRACT_STATUS, 'Approved')
            as PREV_NAME_CONTRACT_STATUS_Approved_LAST,
        one_hot(NAME_CONTRACT_STATUS, 'Refused')
            as PREV_NAME_CONTRACT_STATUS_Refused_LAST
    from cleaned
    qualify row_number() over (
        partition by SK_ID_CURR
        order by DAYS_DECISION desc, SK_ID_PREV desc
    ) = 1
),

all_applications as (
    select * exclude (subset) from per_subset where subset = 'PREV'
),

approved_applications as (
    select * exclude (subset) from per_subset where subset = 'APPROVED'
),

refused_applications as (
    select * exclude (subset) from per_subset where subset = 'REFUSED'
),

-- one row per applicant, the subset as the name's prefix; an applicant
-- never approved (refused) has missing APPROVED_ (REFUSED_) values
final as (
    select
        SK_ID_CURR,
        columns(all_applications.* exclude (SK_ID_CURR)) as 'PREV_\0',
        columns(approved_applications.* exclude (SK_ID_CURR))
            as 'APPROVED_\0',
        columns(refused_applications.* exclude (SK_ID_CURR)) as 'REFUSED_\0',
        columns(categories_per_applicant.* exclude (SK_ID_CURR)),
        columns(last_application.* exclude (SK_ID_CURR))
    from all_applications
    left join approved_applications using (SK_ID_CURR)
    left join refused_applications using (SK_ID_CURR)
    inner join categories_per_applicant using (SK_ID_CURR)
    inner join last_application using (SK_ID_CURR)
)

select * from final
