"""Feature values and money as people read them: the one formatter of the platform.

The plain-language reasons of ``service.scoring``, the ``/client`` information of
``service.describe`` and every value on the dashboard go through ``format_value``, so
that a value reads the same everywhere (years not days, yes/no not 1/0, "not provided"
for a missing value). Money stays in the data's currency; no symbol is invented.
"""

from __future__ import annotations

import math
from typing import Any

NOT_PROVIDED = "not provided"


def is_missing(value: Any) -> bool:
    """Whether ``value`` means "no information" (None, NaN, empty text)."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return False


def trim_zero(text: str) -> str:
    """``"9.0"`` → ``"9"``: a trailing zero decimal adds nothing for a reader."""
    return text[:-2] if text.endswith(".0") else text


def format_money(amount: Any) -> str:
    """An amount in the data's currency with thousands separators: ``"406,598"``.

    Amounts under 100 keep two decimals (an annuity ratio should never be rounded to 0).
    """
    if is_missing(amount):
        return NOT_PROVIDED
    value = float(amount)
    return f"{value:,.2f}" if abs(value) < 100 and value != int(value) else f"{value:,.0f}"


def format_percent(probability: Any) -> str:
    """A probability in 0..1 as a percentage: 0.1423 → ``"14%"``, 0.091 → ``"9.1%"``.

    Below 10 % one decimal is kept, because the bank's limit often sits there and
    "9% against 9%" would hide which side of it the client is on.
    """
    if is_missing(probability):
        return NOT_PROVIDED
    percent = float(probability) * 100
    if abs(percent) >= 10:
        return f"{percent:.0f}%"
    return trim_zero(f"{percent:.1f}") + "%"


def format_points(difference: float) -> str:
    """A difference of two probabilities in percentage points: 0.052 → ``"5.2 points"``."""
    points = abs(difference) * 100
    text = trim_zero(f"{points:.1f}") if points < 10 else f"{points:.0f}"
    return f"{text} percentage point" + ("" if text == "1" else "s")


def format_number(value: Any, decimals: int = 1) -> str:
    """A plain number with separators, a trailing ``.0`` dropped."""
    if is_missing(value):
        return NOT_PROVIDED
    return trim_zero(f"{float(value):,.{decimals}f}") if decimals else f"{float(value):,.0f}"


def format_value(
    value: Any, *, unit: str = "", kind: str = "numeric", display_scale: float | None = None
) -> str:
    """One feature value in human units, from its manifest entry.

    Parameters
    ----------
    value : number or None
        The raw feature value (NaN or None = missing).
    unit : str
        The manifest's unit: ``"years"``, ``"months"``, ``"days"``, ``"currency"``,
        ``"ratio"``, ``"%"``, ``"count"`` or ``""``.
    kind : str
        The manifest's type: ``"numeric"``, ``"binary"`` (shown yes/no) or ``"share"``
        (a fraction 0..1, shown as a percentage unless the unit says otherwise).
    display_scale : float, optional
        Multiplier from the raw value to the unit (-1/365.25 for days before today to years).
    """
    if is_missing(value):
        return NOT_PROVIDED
    number = float(value) * (display_scale if display_scale else 1.0)
    if kind == "binary":
        return "yes" if number >= 0.5 else "no"
    if unit == "currency":
        return format_money(number)
    if unit == "%":
        return trim_zero(f"{number:.1f}") + "%"
    if kind == "share" and unit in ("", "share"):
        return format_percent(number)
    if unit == "count":
        return format_number(number, decimals=0 if number == int(number) else 1)
    if unit == "ratio":
        return trim_zero(f"{number:,.2f}")
    if unit in ("years", "months", "days"):
        decimals = 0 if unit == "days" else 1
        text = format_number(number, decimals)
        singular = text in ("1", "-1")
        return f"{text} {unit[:-1] if singular else unit}"
    text = format_number(number, 2 if abs(number) < 10 else 1)
    return f"{text} {unit}" if unit else text
