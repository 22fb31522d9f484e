-- Application features: the applicant's own record, one row per SK_ID_CURR.
--
-- The kernel "LightGBM with simple features" (application_train_test): every
-- numeric field as it is, yes/no fields as 0/1, the categories one-hot against
-- Kaggle's fixed lists, and its five ratios. Then combinations of the external
-- scores and two views of the loan's structure that strong solutions added.
-- Column names stay Kaggle's (upper case) so that data scientists find them.

with source as (
    select * from application
),

cleaned as (
    select
        * replace (
            -- the kernel's pd.factorize numbering depends on the row order;
            -- fixed here as female, owns a car, owns real estate = 1. An
            -- unknown gender (XNA) is missing: the kernel drops those rows,
            -- we never drop an applicant.
            case CODE_GENDER when 'F' then 1 when 'M' then 0 end
                as CODE_GENDER,
            case FLAG_OWN_CAR when 'Y' then 1 when 'N' then 0 end
                as FLAG_OWN_CAR,
            case FLAG_OWN_REALTY when 'Y' then 1 when 'N' then 0 end
                as FLAG_OWN_REALTY,
            -- 365243 is given to pensioners and the unemployed: no job
            without_sentinel(DAYS_EMPLOYED) as DAYS_EMPLOYED
        ),
        -- the three external scores as one list, for their summaries below
        [EXT_SOURCE_1, EXT_SOURCE_2, EXT_SOURCE_3] as external_scores
    from source
),

with_ratios as (
    select
        *,
        -- the kernel's ratios
        ratio(DAYS_EMPLOYED, DAYS_BIRTH) as DAYS_EMPLOYED_PERC,
        ratio(AMT_INCOME_TOTAL, AMT_CREDIT) as INCOME_CREDIT_PERC,
        ratio(AMT_INCOME_TOTAL, CNT_FAM_MEMBERS) as INCOME_PER_PERSON,
        ratio(AMT_ANNUITY, AMT_INCOME_TOTAL) as ANNUITY_INCOME_PERC,
        ratio(AMT_ANNUITY, AMT_CREDIT) as PAYMENT_RATE,
        -- a loan larger than the goods it pays for finances something else
        ratio(AMT_CREDIT, AMT_GOODS_PRICE) as CREDIT_TO_GOODS_RATIO,
        -- months to repay at this annuity, ignoring interest: the data has no
        -- term, and this is the estimate the what-if view keeps fixed
        ratio(AMT_CREDIT, AMT_ANNUITY) as CREDIT_TERM
    from cleaned
),

with_external_scores as (
    select
        *,
        -- the three external scores are the strongest fields of the data;
        -- their summaries stay defined when one or two are missing
        list_avg(external_scores) as EXT_SOURCES_MEAN,
        list_min(external_scores) as EXT_SOURCES_MIN,
        list_max(external_scores) as EXT_SOURCES_MAX,
        list_stddev_samp(external_scores) as EXT_SOURCES_STD,
        EXT_SOURCE_1 * EXT_SOURCE_2 * EXT_SOURCE_3 as EXT_SOURCES_PROD,
        -- the weights of a well-known top solution (missing if any is missing)
        2 * EXT_SOURCE_1 + EXT_SOURCE_2 + 3 * EXT_SOURCE_3
            as EXT_SOURCES_WEIGHTED,
        (EXT_SOURCE_1 is null)::int
        + (EXT_SOURCE_2 is null)::int
        + (EXT_SOURCE_3 is null)::int as EXT_SOURCES_MISSING
    from with_ratios
),

final as (
    select
        * exclude (
            TARGET,
            SPLIT,
            external_scores,
            NAME_CONTRACT_TYPE,
            NAME_TYPE_SUITE,
            NAME_INCOME_TYPE,
            NAME_EDUCATION_TYPE,
            NAME_FAMILY_STATUS,
            NAME_HOUSING_TYPE,
            OCCUPATION_TYPE,
            WEEKDAY_APPR_PROCESS_START,
            ORGANIZATION_TYPE,
            FONDKAPREMONT_MODE,
            HOUSETYPE_MODE,
            WALLSMATERIAL_MODE,
            EMERGENCYSTATE_MODE
        ),
        -- one-hot against fixed lists, so that the columns never depend on
        -- the data; a missing value is all zeros (the kernel's application
        -- encoding has no "nan" column)
        -- NAME_CONTRACT_TYPE: Kaggle's 2 values
        one_hot(NAME_CONTRACT_TYPE, 'Cash loans')
            as NAME_CONTRACT_TYPE_Cash_loans,
        one_hot(NAME_CONTRACT_TYPE, 'Revolving loans')
            as NAME_CONTRACT_TYPE_Revolving_loans,
        -- NAME_TYPE_SUITE: Kaggle's 7 values
        one_hot(NAME_TYPE_SUITE, 'Children') as NAME_TYPE_SUITE_Children,
        one_hot(NAME_TYPE_SUITE, 'Family') as NAME_TYPE_SUITE_Family,
        one_hot(NAME_TYPE_SUITE, 'Group of people')
            as NAME_TYPE_SUITE_Group_of_people,
        one_hot(NAME_TYPE_SUITE, 'Other_A') as NAME_TYPE_SUITE_Other_A,
        one_hot(NAME_TYPE_SUITE, 'Other_B') as NAME_TYPE_SUITE_Other_B,
        one_hot(NAME_TYPE_SUITE, 'Spouse, partner')
            as NAME_TYPE_SUITE_Spouse__partner,
        one_hot(NAME_TYPE_SUITE, 'Unaccompanied')
            as NAME_TYPE_SUITE_Unaccompanied,
        -- NAME_INCOME_TYPE: Kaggle's 8 values
        one_hot(NAME_INCOME_TYPE, 'Businessman')
            as NAME_INCOME_TYPE_Businessman,
        one_hot(NAME_INCOME_TYPE, 'Commercial associate')
            as NAME_INCOME_TYPE_Commercial_associate,
        one_hot(NAME_INCOME_TYPE, 'Maternity leave')
            as NAME_INCOME_TYPE_Maternity_leave,
        one_hot(NAME_INCOME_TYPE, 'Pensioner') as NAME_INCOME_TYPE_Pensioner,
        one_hot(NAME_INCOME_TYPE, 'State servant')
            as NAME_INCOME_TYPE_State_servant,
        one_hot(NAME_INCOME_TYPE, 'Student') as NAME_INCOME_TYPE_Student,
        one_hot(NAME_INCOME_TYPE, 'Unemployed') as NAME_INCOME_TYPE_Unemployed,
        one_hot(NAME_INCOME_TYPE, 'Working') as NAME_INCOME_TYPE_Working,
        -- NAME_EDUCATION_TYPE: Kaggle's 5 values
        one_hot(NAME_EDUCATION_TYPE, 'Academic degree')
            as NAME_EDUCATION_TYPE_Academic_degree,
        one_hot(NAME_EDUCATION_TYPE, 'Higher education')
            as NAME_EDUCATION_TYPE_Higher_education,
        one_hot(NAME_EDUCATION_TYPE, 'Incomplete higher')
            as NAME_EDUCATION_TYPE_Incomplete_higher,
        one_hot(NAME_EDUCATION_TYPE, 'Lower secondary')
            as NAME_EDUCATION_TYPE_Lower_secondary,
        one_hot(NAME_EDUCATION_TYPE, 'Secondary / secondary special')
            as NAME_EDUCATION_TYPE_Secondary___secondary_special,
        -- NAME_FAMILY_STATUS: Kaggle's 6 values
        one_hot(NAME_FAMILY_STATUS, 'Civil marriage')
            as NAME_FAMILY_STATUS_Civil_marriage,
        one_hot(NAME_FAMILY_STATUS, 'Married') as NAME_FAMILY_STATUS_Married,
        one_hot(NAME_FAMILY_STATUS, 'Separated')
            as NAME_FAMILY_STATUS_Separated,
        one_hot(NAME_FAMILY_STATUS, 'Single / not married')
            as NAME_FAMILY_STATUS_Single___not_married,
        one_hot(NAME_FAMILY_STATUS, 'Unknown') as NAME_FAMILY_STATUS_Unknown,
        one_hot(NAME_FAMILY_STATUS, 'Widow') as NAME_FAMILY_STATUS_Widow,
        -- NAME_HOUSING_TYPE: Kaggle's 6 values
        one_hot(NAME_HOUSING_TYPE, 'Co-op apartment')
            as NAME_HOUSING_TYPE_Co_op_apartment,
        one_hot(NAME_HOUSING_TYPE, 'House / apartment')
            as NAME_HOUSING_TYPE_House___apartment,
        one_hot(NAME_HOUSING_TYPE, 'Municipal apartment')
            as NAME_HOUSING_TYPE_Municipal_apartment,
        one_hot(NAME_HOUSING_TYPE, 'Office apartment')
            as NAME_HOUSING_TYPE_Office_apartment,
        one_hot(NAME_HOUSING_TYPE, 'Rented apartment')
            as NAME_HOUSING_TYPE_Rented_apartment,
        one_hot(NAME_HOUSING_TYPE, 'With parents')
            as NAME_HOUSING_TYPE_With_parents,
        -- OCCUPATION_TYPE: Kaggle's 18 values
        one_hot(OCCUPATION_TYPE, 'Accountants') as OCCUPATION_TYPE_Accountants,
        one_hot(OCCUPATION_TYPE, 'Cleaning staff')
            as OCCUPATION_TYPE_Cleaning_staff,
        one_hot(OCCUPATION_TYPE, 'Cooking staff')
            as OCCUPATION_TYPE_Cooking_staff,
        one_hot(OCCUPATION_TYPE, 'Core staff') as OCCUPATION_TYPE_Core_staff,
        one_hot(OCCUPATION_TYPE, 'Drivers') as OCCUPATION_TYPE_Drivers,
        one_hot(OCCUPATION_TYPE, 'HR staff') as OCCUPATION_TYPE_HR_staff,
        one_hot(OCCUPATION_TYPE, 'High skill tech staff')
            as OCCUPATION_TYPE_High_skill_tech_staff,
        one_hot(OCCUPATION_TYPE, 'IT staff') as OCCUPATION_TYPE_IT_staff,
        one_hot(OCCUPATION_TYPE, 'Laborers') as OCCUPATION_TYPE_Laborers,
        one_hot(OCCUPATION_TYPE, 'Low-skill Laborers')
            as OCCUPATION_TYPE_Low_skill_Laborers,
        one_hot(OCCUPATION_TYPE, 'Managers') as OCCUPATION_TYPE_Managers,
        one_hot(OCCUPATION_TYPE, 'Medicine staff')
            as OCCUPATION_TYPE_Medicine_staff,
        one_hot(OCCUPATION_TYPE, 'Private service staff')
            as OCCUPATION_TYPE_Private_service_staff,
        one_hot(OCCUPATION_TYPE, 'Realty agents')
            as OCCUPATION_TYPE_Realty_agents,
        one_hot(OCCUPATION_TYPE, 'Sales staff') as OCCUPATION_TYPE_Sales_staff,
        one_hot(OCCUPATION_TYPE, 'Secretaries') as OCCUPATION_TYPE_Secretaries,
        one_hot(OCCUPATION_TYPE, 'Security staff')
            as OCCUPATION_TYPE_Security_staff,
        one_hot(OCCUPATION_TYPE, 'Waiters/barmen staff')
            as OCCUPATION_TYPE_Waiters_barmen_staff,
        -- WEEKDAY_APPR_PROCESS_START: Kaggle's 7 values
        one_hot(WEEKDAY_APPR_PROCESS_START, 'FRIDAY')
            as WEEKDAY_APPR_PROCESS_START_FRIDAY,
        one_hot(WEEKDAY_APPR_PROCESS_START, 'MONDAY')
            as WEEKDAY_APPR_PROCESS_START_MONDAY,
        one_hot(WEEKDAY_APPR_PROCESS_START, 'SATURDAY')
            as WEEKDAY_APPR_PROCESS_START_SATURDAY,
        one_hot(WEEKDAY_APPR_PROCESS_START, 'SUNDAY')
            as WEEKDAY_APPR_PROCESS_START_SUNDAY,
        one_hot(WEEKDAY_APPR_PROCESS_START, 'THURSDAY')
            as WEEKDAY_APPR_PROCESS_START_THURSDAY,
        one_hot(WEEKDAY_APPR_PROCESS_START, 'TUESDAY')
            as WEEKDAY_APPR_PROCESS_START_TUESDAY,
        one_hot(WEEKDAY_APPR_PROCESS_START, 'WEDNESDAY')
            as WEEKDAY_APPR_PROCESS_START_WEDNESDAY,
        -- ORGANIZATION_TYPE: Kaggle's 58 values
        one_hot(ORGANIZATION_TYPE, 'Advertising')
            as ORGANIZATION_TYPE_Advertising,
        one_hot(ORGANIZATION_TYPE, 'Agriculture')
            as ORGANIZATION_TYPE_Agriculture,
        one_hot(ORGANIZATION_TYPE, 'Bank') as ORGANIZATION_TYPE_Bank,
        one_hot(ORGANIZATION_TYPE, 'Business Entity Type 1')
            as ORGANIZATION_TYPE_Business_Entity_Type_1,
        one_hot(ORGANIZATION_TYPE, 'Business Entity Type 2')
            as ORGANIZATION_TYPE_Business_Entity_Type_2,
        one_hot(ORGANIZATION_TYPE, 'Business Entity Type 3')
            as ORGANIZATION_TYPE_Business_Entity_Type_3,
        one_hot(ORGANIZATION_TYPE, 'Cleaning') as ORGANIZATION_TYPE_Cleaning,
        one_hot(ORGANIZATION_TYPE, 'Construction')
            as ORGANIZATION_TYPE_Construction,
        one_hot(ORGANIZATION_TYPE, 'Culture') as ORGANIZATION_TYPE_Culture,
        one_hot(ORGANIZATION_TYPE, 'Electricity')
            as ORGANIZATION_TYPE_Electricity,
        one_hot(ORGANIZATION_TYPE, 'Emergency') as ORGANIZATION_TYPE_Emergency,
        one_hot(ORGANIZATION_TYPE, 'Government')
            as ORGANIZATION_TYPE_Government,
        one_hot(ORGANIZATION_TYPE, 'Hotel') as ORGANIZATION_TYPE_Hotel,
        one_hot(ORGANIZATION_TYPE, 'Housing') as ORGANIZATION_TYPE_Housing,
        one_hot(ORGANIZATION_TYPE, 'Industry: type 1')
            as ORGANIZATION_TYPE_Industry__type_1,
        one_hot(ORGANIZATION_TYPE, 'Industry: type 10')
            as ORGANIZATION_TYPE_Industry__type_10,
        one_hot(ORGANIZATION_TYPE, 'Industry: type 11')
            as ORGANIZATION_TYPE_Industry__type_11,
        one_hot(ORGANIZATION_TYPE, 'Industry: type 12')
            as ORGANIZATION_TYPE_Industry__type_12,
        one_hot(ORGANIZATION_TYPE, 'Industry: type 13')
            as ORGANIZATION_TYPE_Industry__type_13,
        one_hot(ORGANIZATION_TYPE, 'Industry: type 2')
            as ORGANIZATION_TYPE_Industry__type_2,
        one_hot(ORGANIZATION_TYPE, 'Industry: type 3')
            as ORGANIZATION_TYPE_Industry__type_3,
        one_hot(ORGANIZATION_TYPE, 'Industry: type 4')
            as ORGANIZATION_TYPE_Industry__type_4,
        one_hot(ORGANIZATION_TYPE, 'Industry: type 5')
            as ORGANIZATION_TYPE_Industry__type_5,
        one_hot(ORGANIZATION_TYPE, 'Industry: type 6')
            as ORGANIZATION_TYPE_Industry__type_6,
        one_hot(ORGANIZATION_TYPE, 'Industry: type 7')
            as ORGANIZATION_TYPE_Industry__type_7,
        one_hot(ORGANIZATION_TYPE, 'Industry: type 8')
            as ORGANIZATION_TYPE_Industry__type_8,
        one_hot(ORGANIZATION_TYPE, 'Industry: type 9')
            as ORGANIZATION_TYPE_Industry__type_9,
        one_hot(ORGANIZATION_TYPE, 'Insurance') as ORGANIZATION_TYPE_Insurance,
        one_hot(ORGANIZATION_TYPE, 'Kindergarten')
            as ORGANIZATION_TYPE_Kindergarten,
        one_hot(ORGANIZATION_TYPE, 'Legal Services')
            as ORGANIZATION_TYPE_Legal_Services,
        one_hot(ORGANIZATION_TYPE, 'Medicine') as ORGANIZATION_TYPE_Medicine,
        one_hot(ORGANIZATION_TYPE, 'Military') as ORGANIZATION_TYPE_Military,
        one_hot(ORGANIZATION_TYPE, 'Mobile') as ORGANIZATION_TYPE_Mobile,
        one_hot(ORGANIZATION_TYPE, 'Other') as ORGANIZATION_TYPE_Other,
        one_hot(ORGANIZATION_TYPE, 'Police') as ORGANIZATION_TYPE_Police,
        one_hot(ORGANIZATION_TYPE, 'Postal') as ORGANIZATION_TYPE_Postal,
        one_hot(ORGANIZATION_TYPE, 'Realtor') as ORGANIZATION_TYPE_Realtor,
        one_hot(ORGANIZATION_TYPE, 'Religion') as ORGANIZATION_TYPE_Religion,
        one_hot(ORGANIZATION_TYPE, 'Restaurant')
            as ORGANIZATION_TYPE_Restaurant,
        one_hot(ORGANIZATION_TYPE, 'School') as ORGANIZATION_TYPE_School,
        one_hot(ORGANIZATION_TYPE, 'Security') as ORGANIZATION_TYPE_Security,
        one_hot(ORGANIZATION_TYPE, 'Security Ministries')
            as ORGANIZATION_TYPE_Security_Ministries,
        one_hot(ORGANIZATION_TYPE, 'Self-employed')
            as ORGANIZATION_TYPE_Self_employed,
        one_hot(ORGANIZATION_TYPE, 'Services') as ORGANIZATION_TYPE_Services,
        one_hot(ORGANIZATION_TYPE, 'Telecom') as ORGANIZATION_TYPE_Telecom,
        one_hot(ORGANIZATION_TYPE, 'Trade: type 1')
            as ORGANIZATION_TYPE_Trade__type_1,
        one_hot(ORGANIZATION_TYPE, 'Trade: type 2')
            as ORGANIZATION_TYPE_Trade__type_2,
        one_hot(ORGANIZATION_TYPE, 'Trade: type 3')
            as ORGANIZATION_TYPE_Trade__type_3,
        one_hot(ORGANIZATION_TYPE, 'Trade: type 4')
            as ORGANIZATION_TYPE_Trade__type_4,
        one_hot(ORGANIZATION_TYPE, 'Trade: type 5')
            as ORGANIZATION_TYPE_Trade__type_5,
        one_hot(ORGANIZATION_TYPE, 'Trade: type 6')
            as ORGANIZATION_TYPE_Trade__type_6,
        one_hot(ORGANIZATION_TYPE, 'Trade: type 7')
            as ORGANIZATION_TYPE_Trade__type_7,
        one_hot(ORGANIZATION_TYPE, 'Transport: type 1')
            as ORGANIZATION_TYPE_Transport__type_1,
        one_hot(ORGANIZATION_TYPE, 'Transport: type 2')
            as ORGANIZATION_TYPE_Transport__type_2,
        one_hot(ORGANIZATION_TYPE, 'Transport: type 3')
            as ORGANIZATION_TYPE_Transport__type_3,
        one_hot(ORGANIZATION_TYPE, 'Transport: type 4')
            as ORGANIZATION_TYPE_Transport__type_4,
        one_hot(ORGANIZATION_TYPE, 'University')
            as ORGANIZATION_TYPE_University,
        one_hot(ORGANIZATION_TYPE, 'XNA') as ORGANIZATION_TYPE_XNA,
        -- FONDKAPREMONT_MODE: Kaggle's 4 values
        one_hot(FONDKAPREMONT_MODE, 'not specified')
            as FONDKAPREMONT_MODE_not_specified,
        one_hot(FONDKAPREMONT_MODE, 'org spec account')
            as FONDKAPREMONT_MODE_org_spec_account,
        one_hot(FONDKAPREMONT_MODE, 'reg oper account')
            as FONDKAPREMONT_MODE_reg_oper_account,
        one_hot(FONDKAPREMONT_MODE, 'reg oper spec account')
            as FONDKAPREMONT_MODE_reg_oper_spec_account,
        -- HOUSETYPE_MODE: Kaggle's 3 values
        one_hot(HOUSETYPE_MODE, 'block of flats')
            as HOUSETYPE_MODE_block_of_flats,
        one_hot(HOUSETYPE_MODE, 'specific housing')
            as HOUSETYPE_MODE_specific_housing,
        one_hot(HOUSETYPE_MODE, 'terraced house')
            as HOUSETYPE_MODE_terraced_house,
        -- WALLSMATERIAL_MODE: Kaggle's 7 values
        one_hot(WALLSMATERIAL_MODE, 'Block') as WALLSMATERIAL_MODE_Block,
        one_hot(WALLSMATERIAL_MODE, 'Mixed') as WALLSMATERIAL_MODE_Mixed,
        one_hot(WALLSMATERIAL_MODE, 'Monolithic')
            as WALLSMATERIAL_MODE_Monolithic,
        one_hot(WALLSMATERIAL_MODE, 'Others') as WALLSMATERIAL_MODE_Others,
        one_hot(WALLSMATERIAL_MODE, 'Panel') as WALLSMATERIAL_MODE_Panel,
        one_hot(WALLSMATERIAL_MODE, 'Stone, brick')
            as WALLSMATERIAL_MODE_Stone__brick,
        one_hot(WALLSMATERIAL_MODE, 'Wooden') as WALLSMATERIAL_MODE_Wooden,
        -- EMERGENCYSTATE_MODE: Kaggle's 2 values
        one_hot(EMERGENCYSTATE_MODE, 'No') as EMERGENCYSTATE_MODE_No,
        one_hot(EMERGENCYSTATE_MODE, 'Yes') as EMERGENCYSTATE_MODE_Yes
    from with_external_scores
)

select * from final
