"""Kaggle's category values and their approximate frequencies in the full data.

Labels are spelt exactly as in Home Credit's files (``XNA``/``XAP`` included); the
weights are the counts of the full Kaggle data, rounded, so that the generated shares
look like the real ones. Rare values are kept on purpose: a feature pipeline must
cope with them.
"""

from __future__ import annotations

Weights = dict[str, float]

# --- application ------------------------------------------------------------------

GENDER: Weights = {"F": 202448, "M": 105059, "XNA": 4}

TYPE_SUITE: Weights = {
    "Unaccompanied": 248526,
    "Family": 40149,
    "Spouse, partner": 11370,
    "Children": 3267,
    "Other_B": 1770,
    "Other_A": 866,
    "Group of people": 271,
}

#: Income types of people who work; pensioners and the unemployed are drawn apart.
WORKING_INCOME_TYPE: Weights = {
    "Working": 158774,
    "Commercial associate": 71617,
    "State servant": 21703,
    "Student": 18,
    "Businessman": 10,
    "Maternity leave": 5,
}

EDUCATION: Weights = {
    "Secondary / secondary special": 218391,
    "Higher education": 74863,
    "Incomplete higher": 10277,
    "Lower secondary": 3816,
    "Academic degree": 164,
}

FAMILY_STATUS = (
    "Married",
    "Single / not married",
    "Civil marriage",
    "Separated",
    "Widow",
    "Unknown",
)

HOUSING: Weights = {
    "House / apartment": 272868,
    "With parents": 14840,
    "Municipal apartment": 11183,
    "Rented apartment": 4881,
    "Office apartment": 2617,
    "Co-op apartment": 1122,
}

#: Occupations, with the share of men in each (drivers and labourers are mostly men).
OCCUPATION: dict[str, tuple[float, float]] = {
    "Laborers": (55186, 0.55),
    "Sales staff": (32102, 0.25),
    "Core staff": (27570, 0.15),
    "Managers": (21371, 0.45),
    "Drivers": (18603, 0.95),
    "High skill tech staff": (11380, 0.4),
    "Accountants": (9813, 0.05),
    "Medicine staff": (8537, 0.08),
    "Security staff": (6721, 0.8),
    "Cooking staff": (5946, 0.2),
    "Cleaning staff": (4653, 0.1),
    "Private service staff": (2652, 0.15),
    "Low-skill Laborers": (2093, 0.6),
    "Waiters/barmen staff": (1348, 0.25),
    "Secretaries": (1305, 0.05),
    "Realty agents": (751, 0.2),
    "HR staff": (563, 0.1),
    "IT staff": (526, 0.6),
}

WEEKDAY: Weights = {
    "MONDAY": 50714,
    "TUESDAY": 53901,
    "WEDNESDAY": 51934,
    "THURSDAY": 50591,
    "FRIDAY": 50338,
    "SATURDAY": 33852,
    "SUNDAY": 16181,
}

#: Employers of state servants (the public sector).
PUBLIC_ORGANIZATION: Weights = {
    "Government": 10404,
    "School": 8893,
    "Kindergarten": 6880,
    "Medicine": 11193,
    "Military": 2634,
    "Police": 2341,
    "Security Ministries": 1974,
    "Postal": 2157,
    "University": 1327,
    "Emergency": 560,
    "Culture": 379,
    "Housing": 2958,
}

#: Employers of everybody else who works (XNA is reserved for pensioners and the unemployed).
PRIVATE_ORGANIZATION: Weights = {
    "Business Entity Type 3": 67992,
    "Self-employed": 38412,
    "Other": 16683,
    "Business Entity Type 2": 10553,
    "Trade: type 7": 7831,
    "Construction": 6721,
    "Business Entity Type 1": 5984,
    "Transport: type 4": 5398,
    "Trade: type 3": 3492,
    "Industry: type 9": 3368,
    "Industry: type 3": 3278,
    "Security": 3247,
    "Industry: type 11": 2704,
    "Bank": 2507,
    "Agriculture": 2454,
    "Transport: type 2": 2204,
    "Trade: type 2": 1900,
    "Restaurant": 1811,
    "Services": 1575,
    "Industry: type 7": 1307,
    "Transport: type 3": 1187,
    "Industry: type 1": 1039,
    "Hotel": 966,
    "Electricity": 950,
    "Industry: type 4": 877,
    "Trade: type 6": 631,
    "Industry: type 5": 599,
    "Insurance": 597,
    "Telecom": 577,
    "Industry: type 2": 458,
    "Advertising": 429,
    "Realtor": 396,
    "Industry: type 12": 369,
    "Trade: type 1": 348,
    "Mobile": 317,
    "Legal Services": 305,
    "Cleaning": 260,
    "Transport: type 1": 201,
    "Industry: type 6": 112,
    "Industry: type 10": 109,
    "Religion": 85,
    "Industry: type 13": 67,
    "Trade: type 4": 64,
    "Trade: type 5": 49,
    "Industry: type 8": 24,
}

FONDKAPREMONT: Weights = {
    "reg oper account": 73830,
    "reg oper spec account": 12080,
    "not specified": 5687,
    "org spec account": 5619,
}
HOUSETYPE: Weights = {"block of flats": 150503, "specific housing": 1499, "terraced house": 1212}
WALLSMATERIAL: Weights = {
    "Panel": 66040,
    "Stone, brick": 64815,
    "Block": 9253,
    "Wooden": 5362,
    "Mixed": 2296,
    "Monolithic": 1779,
    "Others": 1625,
}
EMERGENCYSTATE: Weights = {"No": 159428, "Yes": 2328}

# --- bureau ---------------------------------------------------------------------

CREDIT_TYPE: Weights = {
    "Consumer credit": 1251615,
    "Credit card": 402195,
    "Car loan": 27690,
    "Mortgage": 18391,
    "Microloan": 12413,
    "Loan for business development": 1975,
    "Another type of loan": 1017,
    "Unknown type of loan": 555,
    "Loan for working capital replenishment": 469,
    "Cash loan (non-earmarked)": 56,
    "Real estate loan": 27,
    "Loan for the purchase of equipment": 19,
    "Loan for purchase of shares (margin lending)": 4,
    "Interbank credit": 1,
    "Mobile operator loan": 1,
}
CREDIT_ACTIVE = ("Active", "Closed", "Sold", "Bad debt")
CREDIT_CURRENCY: Weights = {
    "currency 1": 1715020,
    "currency 2": 1224,
    "currency 3": 174,
    "currency 4": 10,
}
#: bureau_balance STATUS: C closed, X unknown, 0 no DPD, 1..5 DPD buckets of 30 days.
BUREAU_STATUS = ("C", "X", "0", "1", "2", "3", "4", "5")

# --- previous_application ----------------------------------------------------------

PREV_CONTRACT_TYPE = ("Cash loans", "Consumer loans", "Revolving loans", "XNA")
PREV_STATUS = ("Approved", "Canceled", "Refused", "Unused offer")
PAYMENT_TYPE: Weights = {
    "Cash through the bank": 1033552,
    "Non-cash from your account": 8193,
    "Cashless from the account of the employer": 1085,
    "XNA": 627384,
}
REJECT_REASON: Weights = {
    "HC": 175231,
    "LIMIT": 55680,
    "SCO": 37467,
    "SCOFR": 12811,
    "XNA": 5244,
    "VERIF": 3535,
    "SYSTEM": 717,
}
CLIENT_TYPE = ("New", "Repeater", "Refreshed", "XNA")
CASH_LOAN_PURPOSE: Weights = {
    "Repairs": 23765,
    "Other": 15608,
    "Urgent needs": 8412,
    "Buying a used car": 2888,
    "Building a house or an annex": 2693,
    "Everyday expenses": 2416,
    "Medicine": 2174,
    "Payments on other loans": 1931,
    "Education": 1573,
    "Journey": 1239,
    "Purchase of electronic equipment": 1061,
    "Buying a new car": 1012,
    "Wedding / gift / holiday": 962,
    "Buying a home": 865,
    "Car repairs": 797,
    "Furniture": 749,
    "Buying a holiday home / land": 533,
    "Business development": 426,
    "Gasification / water supply": 300,
    "Buying a garage": 136,
    "Hobby": 55,
    "Money for a third person": 25,
    "Refusal to name the goal": 15,
}
#: Goods bought on a POS loan, with the seller industry that sells them.
GOODS_CATEGORY: dict[str, tuple[float, str]] = {
    "Mobile": (224708, "Connectivity"),
    "Consumer Electronics": (121576, "Consumer electronics"),
    "Computers": (105769, "Consumer electronics"),
    "Audio/Video": (99441, "Consumer electronics"),
    "Furniture": (53656, "Furniture"),
    "Photo / Cinema Equipment": (25021, "Consumer electronics"),
    "Construction Materials": (24995, "Construction"),
    "Clothing and Accessories": (23554, "Clothing"),
    "Auto Accessories": (7381, "Auto technology"),
    "Jewelry": (6290, "Jewelry"),
    "Homewares": (5023, "Industry"),
    "Medical Supplies": (3843, "Industry"),
    "Vehicles": (3370, "Auto technology"),
    "Sport and Leisure": (2981, "Industry"),
    "Gardening": (2668, "Industry"),
    "Other": (2554, "Industry"),
    "Office Appliances": (2333, "Industry"),
    "Tourism": (1659, "Tourism"),
    "Medicine": (1550, "Industry"),
    "Direct Sales": (446, "MLM partners"),
    "Fitness": (209, "Industry"),
    "Additional Service": (128, "Industry"),
    "Education": (107, "Industry"),
    "Weapon": (77, "Industry"),
    "Insurance": (64, "Industry"),
}
SELLER_INDUSTRY = (
    "XNA",
    "Consumer electronics",
    "Connectivity",
    "Furniture",
    "Construction",
    "Clothing",
    "Industry",
    "Auto technology",
    "Jewelry",
    "MLM partners",
    "Tourism",
)
PORTFOLIO = ("POS", "Cash", "XNA", "Cards", "Cars")
PRODUCT_TYPE = ("XNA", "x-sell", "walk-in")
CHANNEL_POS: Weights = {
    "Country-wide": 494690,
    "Stone": 212083,
    "Regional / Local": 108528,
    "Car dealer": 452,
}
CHANNEL_CASH: Weights = {
    "Credit and cash offices": 719968,
    "Contact center": 40000,
    "AP+ (Cash loan)": 57046,
    "Channel of corporate sales": 6150,
}
YIELD_GROUP = ("XNA", "low_action", "low_normal", "middle", "high")
PRODUCT_COMBINATION = (
    "Cash",
    "POS household with interest",
    "POS mobile with interest",
    "Cash X-Sell: middle",
    "Cash X-Sell: low",
    "Card Street",
    "POS industry with interest",
    "POS household without interest",
    "Card X-Sell",
    "Cash Street: high",
    "Cash X-Sell: high",
    "Cash Street: middle",
    "Cash Street: low",
    "POS mobile without interest",
    "POS other with interest",
    "POS industry without interest",
    "POS others without interest",
)

# --- monthly balances --------------------------------------------------------------

POS_STATUS = (
    "Active",
    "Completed",
    "Signed",
    "Demand",
    "Returned to the store",
    "Approved",
    "Amortized debt",
    "Canceled",
)
CARD_STATUS = ("Active", "Completed", "Signed", "Demand", "Sent proposal", "Refused", "Approved")
