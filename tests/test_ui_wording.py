"""The dashboard's wording and formatting, and the what-if arithmetic (no Gradio, no model)."""

from __future__ import annotations

import math

import pytest

from ui import wording
from ui.whatif import LoanTerms, annuity_for_term, smallest_granted_credit


@pytest.mark.parametrize(
    ("probability", "expected"),
    [
        (0.1423, "14%"),
        (0.091, "9.1%"),
        (0.09, "9%"),
        (0.0049, "0.5%"),
        (1.0, "100%"),
        (float("nan"), "not provided"),
    ],
)
def test_format_percent_keeps_a_decimal_only_below_ten(probability, expected):
    """Percentages under 10 keep one decimal so the side of a ~9% limit stays visible."""
    assert wording.format_percent(probability) == expected


@pytest.mark.parametrize(
    ("amount", "expected"),
    [(406597.5, "406,598"), (1_000_000, "1,000,000"), (12.5, "12.50"), (None, "not provided")],
)
def test_format_money_separates_thousands(amount, expected):
    """Money reads with separators and no invented currency symbol."""
    assert wording.format_money(amount) == expected


@pytest.mark.parametrize(
    ("value", "entry", "expected"),
    [
        (-9461, {"unit": "years", "display_scale": -1 / 365.25}, "25.9 years"),
        (-365.25, {"unit": "years", "display_scale": -1 / 365.25}, "1 year"),
        (3, {"unit": "count"}, "3"),
        (1, {"unit": "", "kind": "binary"}, "yes"),
        (0, {"unit": "", "kind": "binary"}, "no"),
        (0.25, {"unit": "", "kind": "share"}, "25%"),
        (0.1234, {"unit": "ratio"}, "0.12"),
        (250000.0, {"unit": "currency"}, "250,000"),
        (12, {"unit": "months"}, "12 months"),
        (-30, {"unit": "days", "display_scale": -1}, "30 days"),
        (float("nan"), {"unit": "years"}, "not provided"),
        (None, {"unit": "currency"}, "not provided"),
    ],
)
def test_format_value_uses_manifest_units(value, entry, expected):
    """Days become years, booleans yes/no, shares percentages, missing 'not provided'."""
    assert wording.format_value(value, **entry) == expected


def test_decision_sentence_refused_gives_distance_above_limit():
    """The example sentence of the issue, with the gap in percentage points."""
    text = wording.decision_sentence(0.14, 0.09, "refused")
    assert text == (
        "Estimated risk of default 14%. The bank's limit is 9%, so the application "
        "is refused: the risk is 5 percentage points above the limit."
    )


def test_decision_sentence_granted_gives_distance_below_limit():
    """A granted client hears how far under the limit they are."""
    text = wording.decision_sentence(0.052, 0.09, "granted")
    assert "granted" in text and "3.8 percentage points below the limit" in text


def test_decision_sentence_at_the_limit_says_so():
    """A score exactly at the limit is refused, and the sentence does not say 'above'."""
    text = wording.decision_sentence(0.09, 0.09, "refused")
    assert "exactly at the limit" in text and "above" not in text


@pytest.mark.parametrize(
    ("probability", "decision"), [(0.2, "refused"), (0.09, "refused"), (0.0899, "granted")]
)
def test_decide_refuses_from_the_threshold_up(probability, decision):
    """The rule the dashboard's sentences use: refuse when p >= threshold."""
    assert wording.decide(probability, 0.09) == decision


def test_decision_badge_never_relies_on_colour():
    """The badge names the decision in words."""
    assert "GRANTED" in wording.decision_badge("granted")
    assert "REFUSED" in wording.decision_badge("refused")


def test_reasons_markdown_keeps_at_most_four():
    """No more than four reasons reach the client, numbered."""
    text = wording.reasons_markdown([f"reason {i}" for i in range(6)], "refused")
    assert "4. reason 3" in text and "reason 4" not in text
    assert text.startswith("**Main reasons for the refusal**")


def test_reasons_markdown_without_reasons_says_so():
    """An empty list is explained rather than shown as a blank."""
    assert "No single factor" in wording.reasons_markdown([], "granted")


def test_population_sentence_counts_clients_below():
    """The share of clients with a lower score."""
    text = wording.population_sentence(0.5, [0.1, 0.2, 0.3, 0.6, float("nan")])
    assert text == "Riskier than 75% of the 4 clients in the portfolio."


def test_client_choice_label_reads_as_one_line():
    """The pick list shows id, gender, age, contract, amount and decision."""
    row = {
        "SK_ID_CURR": 100002,
        "CODE_GENDER": "M",
        "AGE_YEARS": 25.9,
        "NAME_CONTRACT_TYPE": "Cash loans",
        "AMT_CREDIT": 406597.5,
        "decision": "refused",
    }
    assert wording.client_choice_label(row) == (
        "100002 · M · 26 years · Cash loans · 406,598 · refused"
    )


def test_client_choice_label_skips_missing_fields():
    """Missing descriptive fields are left out, not shown as 'nan'."""
    row = {"SK_ID_CURR": 7, "CODE_GENDER": None, "AMT_CREDIT": math.nan}
    assert wording.client_choice_label(row) == "7"


@pytest.mark.parametrize(
    ("count", "shown", "fragment"),
    [
        (0, 0, "No client matches"),
        (1, 1, "1 client matches"),
        (250, 100, "250 clients match (the first 100 are listed)"),
    ],
)
def test_matches_sentence(count, shown, fragment):
    """The search result count, with a hint what to do next."""
    assert fragment in wording.matches_sentence(count, shown)


def test_what_if_sentence_reports_a_turned_decision():
    """Crossing the limit is spelt out."""
    text = wording.what_if_sentence(0.12, 0.08, 0.09)
    assert text == (
        "The estimated risk goes down from 12% to 8%; the application would now be granted."
    )


def test_what_if_sentence_reports_an_unchanged_decision():
    """Staying on the same side is spelt out too."""
    assert "still be refused" in wording.what_if_sentence(0.12, 0.13, 0.09)


def test_what_if_sentence_does_not_claim_a_move_it_cannot_show():
    """A change smaller than the shown precision reads as 'stays at about'."""
    text = wording.what_if_sentence(0.8012, 0.7961, 0.079)
    assert text == "The estimated risk stays at about 80%; the application would still be refused."


def test_suggestion_sentence_gives_amounts_and_share():
    """The advice gives both amounts, the reduction and the new risk."""
    text = wording.suggestion_sentence("Credit amount", 500_000, 400_000, 0.085, 0.09)
    assert "from 500,000 to 400,000 (20% less)" in text and "8.5%" in text


def test_loan_terms_down_payment_lowers_credit_and_annuity_at_same_term():
    """A down payment lowers the amount financed; the term stays, so the annuity follows."""
    terms = LoanTerms(credit=300_000, annuity=15_000, goods_price=280_000, down_payment=60_000)
    fields = terms.application_fields()
    assert fields["AMT_CREDIT"] == 240_000
    assert fields["AMT_ANNUITY"] == pytest.approx(12_000)
    assert fields["AMT_CREDIT"] / fields["AMT_ANNUITY"] == pytest.approx(terms.term_months)


def test_loan_terms_rejects_down_payment_above_credit():
    """An impossible down payment is named in the error."""
    with pytest.raises(ValueError, match="down payment"):
        LoanTerms(credit=100, annuity=10, goods_price=None, down_payment=100)


def test_annuity_for_term_repays_credit():
    """Annuity times term gives back the credit."""
    assert annuity_for_term(240_000, 24) * 24 == pytest.approx(240_000)


def test_smallest_granted_credit_finds_the_threshold_amount():
    """With a risk rising in the credit amount, the search lands just under the cut."""
    terms = LoanTerms(credit=500_000, annuity=25_000, goods_price=450_000)

    def granted(batch):
        return [t.credit <= 362_000 for t in batch]

    best = smallest_granted_credit(terms, granted)
    assert best is not None
    assert 355_000 <= best.credit <= 362_000
    assert best.term_months == pytest.approx(terms.term_months)


def test_smallest_granted_credit_none_when_no_amount_helps():
    """No proposal when no amount within bounds turns the decision."""
    terms = LoanTerms(credit=500_000, annuity=25_000, goods_price=None)
    assert smallest_granted_credit(terms, lambda batch: [False] * len(batch)) is None


@pytest.mark.parametrize(
    ("same", "band", "expected"),
    [
        (
            ["gender", "income type"],
            (30, 40),
            "clients with the same gender and income type, aged 30 to 40",
        ),
        (["gender"], None, "clients with the same gender"),
        ([], (18.4, 28.4), "clients aged 18 to 28"),
        ([], None, "all clients"),
    ],
)
def test_similar_group_description(same, band, expected):
    """The similar group is named in plain words, whatever criteria were kept."""
    assert wording.similar_group_description(same, band) == expected


def test_information_html_groups_and_escapes():
    """One titled section per group; labels and values escaped."""

    class Field:
        def __init__(self, label, value):
            self.label, self.value = label, value

    class Group:
        def __init__(self, title, fields):
            self.title, self.fields = title, fields

    text = wording.information_html(
        [
            Group("Identity and family", [Field("Gender", "F")]),
            Group("Employment", [Field("Sector", "<b>")]),
        ]
    )
    assert text.count("<section>") == 2
    assert "<h3>Identity and family</h3>" in text and "<dt>Gender</dt><dd>F</dd>" in text
    assert "&lt;b&gt;" in text and "<b>" not in text


def test_axis_title_adds_unit_once():
    """Units in brackets, not repeated, none for money."""
    assert wording.axis_title("Age", "years") == "Age (years)"
    assert wording.axis_title("Age in years", "years") == "Age in years"
    assert wording.axis_title("Credit amount", "currency") == "Credit amount"


def test_contributions_caption_counts_both_directions():
    """The caption says how many bars raise and lower the risk, in words and marks."""
    text = wording.contributions_caption([0.5, 0.2, -0.1], -2.4)
    assert "3 factors" in text and "2 raise the risk" in text and "1 lower it" in text
    assert "▲" in text and "▼" in text and "-2.40" in text


def test_every_chart_caption_starts_with_chart():
    """Each caption announces itself, so screen-reader users know a chart is described."""
    captions = [
        wording.contributions_caption([0.1], 0.0),
        wording.drivers_caption(15, "Share of gain, %"),
        wording.distribution_caption("Age", "all clients", "35 years"),
        wording.scatter_caption(4000, "Age (years)", "Credit amount"),
    ]
    assert all(c.startswith("*Chart") for c in captions)


def test_terms_sentence_reads_money_and_months():
    """The scored terms in plain words."""
    assert wording.terms_sentence(240_000, 12_000, 20) == (
        "Amount financed 240,000, annuity 12,000, about 20 months."
    )
