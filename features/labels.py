"""Plain-word labels and measure kinds of the raw columns, for the feature manifest.

Written for a relationship manager, not a data scientist: "Age", "Credit amount",
"Share of instalments paid late". Each label is a noun phrase; history measures start in
lower case because the manifest puts an aggregation before them ("Highest credit amount").
The kind decides the unit and display scale (``manifest.py``):

``money`` (currency), ``days_ago`` (negative days before the application, shown as years
ago), ``days_until`` (days after the application, shown as years), ``days`` (a duration
in days), ``months_ago`` (negative months, shown as months ago), ``months``, ``years``,
``count``, ``ratio``, ``rate`` (a fraction, shown as %), ``flag`` (0/1), ``score`` and
``number`` (unitless), ``category`` (a text column, one-hot in the features).
"""

from __future__ import annotations

Label = tuple[str, str]

_BUILDING_MEASURES = {
    "APARTMENTS": "apartment size",
    "BASEMENTAREA": "basement area",
    "YEARS_BEGINEXPLUATATION": "years in use",
    "YEARS_BUILD": "age",
    "COMMONAREA": "common area",
    "ELEVATORS": "elevators",
    "ENTRANCES": "entrances",
    "FLOORSMAX": "highest floor",
    "FLOORSMIN": "lowest floor",
    "LANDAREA": "land area",
    "LIVINGAPARTMENTS": "living apartments",
    "LIVINGAREA": "living area",
    "NONLIVINGAPARTMENTS": "non-living apartments",
    "NONLIVINGAREA": "non-living area",
}
_BUILDING_STATISTICS = {"AVG": "average", "MODE": "most common", "MEDI": "median"}
_ENQUIRY_PERIODS = {
    "HOUR": "hour",
    "DAY": "day (before the last hour)",
    "WEEK": "week (before the last day)",
    "MON": "month (before the last week)",
    "QRT": "3 months (before the last month)",
    "YEAR": "year (before the last 3 months)",
}

APPLICATION: dict[str, Label] = {
    "CODE_GENDER": ("Female", "flag"),
    "FLAG_OWN_CAR": ("Owns a car", "flag"),
    "FLAG_OWN_REALTY": ("Owns real estate", "flag"),
    "CNT_CHILDREN": ("Number of children", "count"),
    "AMT_INCOME_TOTAL": ("Income", "money"),
    "AMT_CREDIT": ("Credit amount", "money"),
    "AMT_ANNUITY": ("Annuity (regular repayment)", "money"),
    "AMT_GOODS_PRICE": ("Price of the goods financed", "money"),
    "REGION_POPULATION_RELATIVE": ("Population of the home region (normalised)", "number"),
    "DAYS_BIRTH": ("Age", "days_ago"),
    "DAYS_EMPLOYED": ("Time in the current job", "days_ago"),
    "DAYS_REGISTRATION": ("Time since the registration changed", "days_ago"),
    "DAYS_ID_PUBLISH": ("Time since the identity document changed", "days_ago"),
    "OWN_CAR_AGE": ("Age of own car", "years"),
    "FLAG_MOBIL": ("Gave a mobile phone", "flag"),
    "FLAG_EMP_PHONE": ("Gave an employer phone", "flag"),
    "FLAG_WORK_PHONE": ("Gave a work phone", "flag"),
    "FLAG_CONT_MOBILE": ("Mobile phone reachable", "flag"),
    "FLAG_PHONE": ("Gave a home phone", "flag"),
    "FLAG_EMAIL": ("Gave an email address", "flag"),
    "CNT_FAM_MEMBERS": ("Number of family members", "count"),
    "REGION_RATING_CLIENT": ("Rating of the home region (1 to 3)", "number"),
    "REGION_RATING_CLIENT_W_CITY": ("Rating of the home region and city (1 to 3)", "number"),
    "HOUR_APPR_PROCESS_START": ("Hour of the application", "number"),
    "REG_REGION_NOT_LIVE_REGION": ("Permanent and contact addresses in different regions", "flag"),
    "REG_REGION_NOT_WORK_REGION": ("Permanent and work addresses in different regions", "flag"),
    "LIVE_REGION_NOT_WORK_REGION": ("Contact and work addresses in different regions", "flag"),
    "REG_CITY_NOT_LIVE_CITY": ("Permanent and contact addresses in different cities", "flag"),
    "REG_CITY_NOT_WORK_CITY": ("Permanent and work addresses in different cities", "flag"),
    "LIVE_CITY_NOT_WORK_CITY": ("Contact and work addresses in different cities", "flag"),
    "EXT_SOURCE_1": ("External credit score 1", "score"),
    "EXT_SOURCE_2": ("External credit score 2", "score"),
    "EXT_SOURCE_3": ("External credit score 3", "score"),
    **{
        f"{measure}_{statistic}": (f"Home building: {words} ({how}, normalised)", "number")
        for measure, words in _BUILDING_MEASURES.items()
        for statistic, how in _BUILDING_STATISTICS.items()
    },
    "TOTALAREA_MODE": ("Home building: total area (most common, normalised)", "number"),
    "OBS_30_CNT_SOCIAL_CIRCLE": ("People around the client seen 30 days late", "count"),
    "DEF_30_CNT_SOCIAL_CIRCLE": ("People around the client in default after 30 days late", "count"),
    "OBS_60_CNT_SOCIAL_CIRCLE": ("People around the client seen 60 days late", "count"),
    "DEF_60_CNT_SOCIAL_CIRCLE": ("People around the client in default after 60 days late", "count"),
    "DAYS_LAST_PHONE_CHANGE": ("Time since the phone changed", "days_ago"),
    **{f"FLAG_DOCUMENT_{n}": (f"Provided document {n}", "flag") for n in range(2, 22)},
    **{
        f"AMT_REQ_CREDIT_BUREAU_{period}": (f"Credit bureau enquiries in the last {words}", "count")
        for period, words in _ENQUIRY_PERIODS.items()
    },
    # categories (one-hot: "<label>: <category>")
    "NAME_CONTRACT_TYPE": ("Contract type", "category"),
    "NAME_TYPE_SUITE": ("Accompanied by", "category"),
    "NAME_INCOME_TYPE": ("Income type", "category"),
    "NAME_EDUCATION_TYPE": ("Education", "category"),
    "NAME_FAMILY_STATUS": ("Family status", "category"),
    "NAME_HOUSING_TYPE": ("Housing", "category"),
    "OCCUPATION_TYPE": ("Occupation", "category"),
    "WEEKDAY_APPR_PROCESS_START": ("Weekday of the application", "category"),
    "ORGANIZATION_TYPE": ("Employer type", "category"),
    "FONDKAPREMONT_MODE": ("Home building: repair fund", "category"),
    "HOUSETYPE_MODE": ("Home building: type", "category"),
    "WALLSMATERIAL_MODE": ("Home building: walls", "category"),
    "EMERGENCYSTATE_MODE": ("Home building: emergency state", "category"),
}

#: Features computed in application.sql from several fields: the whole label.
APPLICATION_DERIVED: dict[str, Label] = {
    "DAYS_EMPLOYED_PERC": ("Share of life in the current job", "rate"),
    "INCOME_CREDIT_PERC": ("Income relative to the credit amount", "ratio"),
    "INCOME_PER_PERSON": ("Income per family member", "money"),
    "ANNUITY_INCOME_PERC": ("Annuity as a share of income", "rate"),
    "PAYMENT_RATE": ("Annuity as a share of the credit amount", "rate"),
    "CREDIT_TO_GOODS_RATIO": ("Credit amount relative to the goods price", "ratio"),
    "CREDIT_TERM": ("Estimated credit term (credit amount ÷ annuity)", "months"),
    "EXT_SOURCES_MEAN": ("Average external credit score", "score"),
    "EXT_SOURCES_MIN": ("Lowest external credit score", "score"),
    "EXT_SOURCES_MAX": ("Highest external credit score", "score"),
    "EXT_SOURCES_STD": ("Spread of the external credit scores", "score"),
    "EXT_SOURCES_PROD": ("Product of the three external credit scores", "score"),
    "EXT_SOURCES_WEIGHTED": ("Weighted sum of the external credit scores", "score"),
    "EXT_SOURCES_MISSING": ("Number of missing external credit scores", "count"),
}

#: Per history table: its columns and the per-row measures its SQL derives.
HISTORY: dict[str, dict[str, Label]] = {
    "bureau": {
        "DAYS_CREDIT": ("time since a bureau credit was opened", "days_ago"),
        "CREDIT_DAY_OVERDUE": ("days overdue on a bureau credit", "days"),
        "DAYS_CREDIT_ENDDATE": ("time left until a bureau credit ends", "days_until"),
        "DAYS_ENDDATE_FACT": ("time since a bureau credit ended", "days_ago"),
        "AMT_CREDIT_MAX_OVERDUE": ("largest amount ever overdue on a bureau credit", "money"),
        "CNT_CREDIT_PROLONG": ("prolongations of bureau credits", "count"),
        "AMT_CREDIT_SUM": ("bureau credit amount", "money"),
        "AMT_CREDIT_SUM_DEBT": ("debt on bureau credits", "money"),
        "AMT_CREDIT_SUM_LIMIT": ("card limit of bureau credits", "money"),
        "AMT_CREDIT_SUM_OVERDUE": ("amount overdue on bureau credits", "money"),
        "DAYS_CREDIT_UPDATE": ("time since a bureau credit was last updated", "days_ago"),
        "AMT_ANNUITY": ("annuity of bureau credits", "money"),
        "CREDIT_ACTIVE": ("Bureau credit status", "category"),
        "CREDIT_CURRENCY": ("Bureau credit currency", "category"),
        "CREDIT_TYPE": ("Bureau credit type", "category"),
    },
    "bureau_balance": {
        "MONTHS_BALANCE_MIN": ("time since a bureau credit's first monthly record", "months_ago"),
        "MONTHS_BALANCE_MAX": ("time since a bureau credit's last monthly record", "months_ago"),
        "MONTHS_BALANCE_SIZE": ("monthly records per bureau credit", "count"),
        "STATUS_0_MEAN": ("share of months without delay per bureau credit", "rate"),
        "STATUS_1_MEAN": ("share of months 1-30 days late per bureau credit", "rate"),
        "STATUS_2_MEAN": ("share of months 31-60 days late per bureau credit", "rate"),
        "STATUS_3_MEAN": ("share of months 61-90 days late per bureau credit", "rate"),
        "STATUS_4_MEAN": ("share of months 91-120 days late per bureau credit", "rate"),
        "STATUS_5_MEAN": (
            "share of months over 120 days late or written off per bureau credit",
            "rate",
        ),
        "STATUS_C_MEAN": ("share of months closed per bureau credit", "rate"),
        "STATUS_X_MEAN": ("share of months with unknown status per bureau credit", "rate"),
        "STATUS_nan_MEAN": ("share of months without status per bureau credit", "rate"),
    },
    "previous_application": {
        "AMT_ANNUITY": ("annuity of previous applications", "money"),
        "AMT_APPLICATION": ("amount asked on previous applications", "money"),
        "AMT_CREDIT": ("amount granted on previous applications", "money"),
        "APP_CREDIT_PERC": ("amount asked relative to amount granted", "ratio"),
        "AMT_DOWN_PAYMENT": ("down payment on previous applications", "money"),
        "AMT_GOODS_PRICE": ("goods price on previous applications", "money"),
        "HOUR_APPR_PROCESS_START": ("hour of previous applications", "number"),
        "RATE_DOWN_PAYMENT": ("down payment rate on previous applications", "rate"),
        "DAYS_DECISION": ("time since the decision on a previous application", "days_ago"),
        "CNT_PAYMENT": ("term of previous credits", "months"),
        "DAYS_FIRST_DRAWING": ("time since a previous credit was first drawn", "days_ago"),
        "DAYS_FIRST_DUE": ("time since a previous credit's first due date", "days_ago"),
        "DAYS_LAST_DUE_1ST_VERSION": (
            "time since a previous credit's planned last due date",
            "days_ago",
        ),
        "DAYS_LAST_DUE": ("time since a previous credit's last due date", "days_ago"),
        "DAYS_TERMINATION": ("time since a previous credit ended", "days_ago"),
        "NAME_CONTRACT_TYPE": ("Contract type", "category"),
        "WEEKDAY_APPR_PROCESS_START": ("Weekday of the application", "category"),
        "FLAG_LAST_APPL_PER_CONTRACT": ("Last application for its contract", "category"),
        "NAME_CASH_LOAN_PURPOSE": ("Cash loan purpose", "category"),
        "NAME_CONTRACT_STATUS": ("Application status", "category"),
        "NAME_PAYMENT_TYPE": ("Payment method", "category"),
        "CODE_REJECT_REASON": ("Refusal reason", "category"),
        "NAME_TYPE_SUITE": ("Accompanied by", "category"),
        "NAME_CLIENT_TYPE": ("Client type", "category"),
        "NAME_GOODS_CATEGORY": ("Goods category", "category"),
        "NAME_PORTFOLIO": ("Portfolio", "category"),
        "NAME_PRODUCT_TYPE": ("Product type", "category"),
        "CHANNEL_TYPE": ("Sales channel", "category"),
        "NAME_SELLER_INDUSTRY": ("Seller industry", "category"),
        "NAME_YIELD_GROUP": ("Interest rate group", "category"),
        "PRODUCT_COMBINATION": ("Product combination", "category"),
    },
    "POS_CASH_balance": {
        "MONTHS_BALANCE": ("time since a POS or cash loan monthly record", "months_ago"),
        "SK_DPD": ("days past due on POS or cash loans", "days"),
        "SK_DPD_DEF": ("days past due on POS or cash loans (small debts ignored)", "days"),
        "NAME_CONTRACT_STATUS": ("POS or cash loan status", "category"),
    },
    "installments_payments": {
        "NUM_INSTALMENT_VERSION": ("instalment calendar versions", "number"),
        "DAYS_ENTRY_PAYMENT": ("time since an instalment was paid", "days_ago"),
        "AMT_INSTALMENT": ("instalment amount due", "money"),
        "AMT_PAYMENT": ("instalment amount paid", "money"),
        "PAYMENT_PERC": ("share of an instalment paid", "ratio"),
        "PAYMENT_DIFF": ("instalment amount left unpaid", "money"),
        "DPD": ("days an instalment was paid late", "days"),
        "DBD": ("days an instalment was paid early", "days"),
        "LATE": ("instalments paid late", "flag"),
    },
    "credit_card_balance": {
        "MONTHS_BALANCE": ("time since a card's monthly record", "months_ago"),
        "AMT_BALANCE": ("card balance", "money"),
        "AMT_CREDIT_LIMIT_ACTUAL": ("card limit", "money"),
        "AMT_DRAWINGS_ATM_CURRENT": ("card cash withdrawals in a month", "money"),
        "AMT_DRAWINGS_CURRENT": ("card drawings in a month", "money"),
        "AMT_DRAWINGS_OTHER_CURRENT": ("other card drawings in a month", "money"),
        "AMT_DRAWINGS_POS_CURRENT": ("card purchases in a month", "money"),
        "AMT_INST_MIN_REGULARITY": ("minimum card instalment", "money"),
        "AMT_PAYMENT_CURRENT": ("card payment in a month", "money"),
        "AMT_PAYMENT_TOTAL_CURRENT": ("total card payment in a month", "money"),
        "AMT_RECEIVABLE_PRINCIPAL": ("card principal receivable", "money"),
        "AMT_RECIVABLE": ("card amount receivable", "money"),
        "AMT_TOTAL_RECEIVABLE": ("card total receivable", "money"),
        "CNT_DRAWINGS_ATM_CURRENT": ("card cash withdrawals per month", "count"),
        "CNT_DRAWINGS_CURRENT": ("card drawings per month", "count"),
        "CNT_DRAWINGS_OTHER_CURRENT": ("other card drawings per month", "count"),
        "CNT_DRAWINGS_POS_CURRENT": ("card purchases per month", "count"),
        "CNT_INSTALMENT_MATURE_CUM": ("card instalments paid", "count"),
        "SK_DPD": ("days past due on cards", "days"),
        "SK_DPD_DEF": ("days past due on cards (small debts ignored)", "days"),
        "UTILIZATION": ("card balance as a share of the limit", "rate"),
        "NAME_CONTRACT_STATUS": ("Card contract status", "category"),
    },
}
