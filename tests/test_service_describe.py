"""Client information in human units: labels, groups, years, money, yes/no, not provided."""

from __future__ import annotations

import pytest

from service.describe import APPLICATION_GROUPS, HISTORY_TITLE, describe_client, format_field


@pytest.mark.parametrize(
    ("value", "kind", "text"),
    [
        (-12_784, "years_ago", "35 years"),
        (-365, "years_ago", "1 year"),
        (365_243, "years_ago", "not provided"),  # Kaggle's "no date" (e.g. not employed)
        (None, "years_ago", "not provided"),
        (float("nan"), "money", "not provided"),
        (406_597.5, "money", "406,598"),
        ("Y", "yes_no", "yes"),
        ("N", "yes_no", "no"),
        (1, "yes_no", "yes"),
        (0, "yes_no", "no"),
        (2.0, "count", "2"),
        (0.5124, "score", "0.51"),
        ("Married", "text", "Married"),
        ("", "text", "not provided"),
    ],
)
def test_format_field_reads_like_a_person_would_say_it(value, kind, text) -> None:
    assert format_field(value, kind) == text


def test_format_field_rejects_an_unknown_kind() -> None:
    with pytest.raises(ValueError, match="unknown field kind 'weird'"):
        format_field(1, "weird")


def test_describe_client_groups_every_field_and_says_not_provided() -> None:
    """Four groups in order; absent columns read 'not provided'; history from the manifest."""
    manifest = {
        "features": [
            {"name": "BURO_COUNT", "label": "Credits at other lenders", "unit": "count"},
            {"name": "AMT_CREDIT", "label": "Credit amount", "unit": "currency"},
        ]
    }
    groups = describe_client(
        {"CODE_GENDER": "F", "DAYS_BIRTH": -10_000, "AMT_CREDIT": 250_000.0},
        {"BURO_COUNT": 3.0},
        manifest,
    )
    assert [g.title for g in groups] == [t for t, _ in APPLICATION_GROUPS] + [HISTORY_TITLE]
    fields = {f.name: f for g in groups for f in g.fields}
    assert fields["DAYS_BIRTH"].value == "27.4 years"
    assert fields["AMT_CREDIT"].value == "250,000"
    assert fields["OCCUPATION_TYPE"].value == "not provided"
    assert fields["BURO_COUNT"].label == "Credits at other lenders"
    assert fields["BURO_COUNT"].value == "3"
