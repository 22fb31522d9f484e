"""Words and numbers as a relationship manager reads them: pure functions, no Gradio.

Every sentence and every formatted value the dashboard shows comes from here, so
that the wording is tested once and reads the same on every tab. Money stays in the
data's currency (no symbol is invented); days become years or months only here.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from typing import Any

from service.formatting import (  # noqa: F401  (the dashboard formats values through these)
    NOT_PROVIDED,
    format_money,
    format_number,
    format_percent,
    format_points,
    format_value,
    is_missing,
    trim_zero,
)
from service.scoring import GRANTED, REFUSED, decide  # the one decision rule


def feature_line(label: str, value_text: str) -> str:
    """``"Late instalment payments in the last year: 3"``."""
    return f"{label}: {value_text}"


def decision_sentence(probability: float, threshold: float, decision: str) -> str:
    """The score in one sentence a non-expert understands, with the distance to the limit.

    For 0.14 against 0.09: "Estimated risk of default 14%. The bank's limit is 9%, so the
    application is refused: the risk is 5 percentage points above the limit."
    """
    distance = format_points(probability - threshold)
    if decision == REFUSED:
        side = "above" if probability > threshold else "at"
        gap = (
            f"the risk is {distance} above the limit"
            if side == "above"
            else "the risk is exactly at the limit"
        )
    else:
        gap = f"the risk is {distance} below the limit"
    return (
        f"Estimated risk of default {format_percent(probability)}. "
        f"The bank's limit is {format_percent(threshold)}, so the application is "
        f"{decision}: {gap}."
    )


def decision_badge(decision: str) -> str:
    """The decision in words and a symbol, never colour alone (for the badge beside the gauge)."""
    return "✔ GRANTED" if decision == GRANTED else "✖ REFUSED"


def contribution_direction(contribution: float) -> str:
    """How a SHAP contribution moves this client's risk, in words."""
    if contribution > 0:
        return "raises risk"
    if contribution < 0:
        return "lowers risk"
    return "no effect"


def reasons_markdown(reasons: Sequence[str], decision: str) -> str:
    """Up to four plain-language reasons as a Markdown list under a heading that fits."""
    heading = (
        "Main reasons for the refusal"
        if decision == REFUSED
        else "What weighs most on this application"
    )
    if not reasons:
        return f"**{heading}**\n\nNo single factor stands out for this client."
    items = "\n".join(f"{i}. {reason}" for i, reason in enumerate(reasons[:4], start=1))
    return f"**{heading}**\n\n{items}"


def population_sentence(probability: float, scores: Sequence[float]) -> str:
    """Where the client stands among all clients: ``"Riskier than 78% of clients."``."""
    valid = [s for s in scores if not is_missing(s)]
    if not valid:
        return ""
    share = sum(1 for s in valid if s < probability) / len(valid)
    return f"Riskier than {share * 100:.0f}% of the {len(valid):,} clients in the portfolio."


def client_choice_label(row: Mapping[str, Any]) -> str:
    """One line per matching client in the pick list, so the manager recognises them.

    ``"100002 · M · 26 years · Cash loans · 406,598 · refused"``.
    """
    parts = [str(int(row["SK_ID_CURR"]))]
    if not is_missing(row.get("CODE_GENDER")):
        parts.append(str(row["CODE_GENDER"]))
    if not is_missing(row.get("AGE_YEARS")):
        parts.append(f"{float(row['AGE_YEARS']):.0f} years")
    if not is_missing(row.get("NAME_CONTRACT_TYPE")):
        parts.append(str(row["NAME_CONTRACT_TYPE"]))
    if not is_missing(row.get("AMT_CREDIT")):
        parts.append(format_money(row["AMT_CREDIT"]))
    if not is_missing(row.get("decision")):
        parts.append(str(row["decision"]))
    return " · ".join(parts)


def matches_sentence(count: int, shown: int) -> str:
    """How many clients the filters found, and what to do next."""
    if count == 0:
        return "No client matches these filters. Widen a range or clear a filter."
    if count == 1:
        return "1 client matches. Pick it in the list below."
    more = f" (the first {shown:,} are listed)" if shown < count else ""
    return f"{count:,} clients match{more}. Pick one in the list below."


def what_if_sentence(before: float, after: float, threshold: float) -> str:
    """What the change does to the score and the decision, in one sentence."""
    old, new = decide(before, threshold), decide(after, threshold)
    old_text, new_text = format_percent(before), format_percent(after)
    move = "goes down" if after < before else "goes up"
    change = (
        f"The estimated risk {move} from {old_text} to {new_text}"
        if old_text != new_text
        else f"The estimated risk stays at about {new_text}"
    )
    if old == new:
        return f"{change}; the application would still be {new}."
    return f"{change}; the application would now be {new}."


def suggestion_sentence(
    field_label: str, before: float, after: float, probability: float, threshold: float
) -> str:
    """The smallest change found that turns a refusal into a grant, as advice."""
    drop = (before - after) / before if before else 0.0
    return (
        f"Lowering the {field_label.lower()} from {format_money(before)} to "
        f"{format_money(after)} ({drop * 100:.0f}% less) would bring the estimated risk "
        f"to {format_percent(probability)}, under the bank's limit of "
        f"{format_percent(threshold)}: the application would be granted."
    )


def no_suggestion_sentence(field_label: str, floor_share: float) -> str:
    """Why no change is proposed: none within the realistic bounds turns the decision."""
    return (
        f"No {field_label.lower()} down to {floor_share * 100:.0f}% of the request "
        "brings the risk under the bank's limit: the refusal rests on other factors "
        "(see the Why tab)."
    )


def model_caption(version: str, threshold: float, auc: float | None) -> str:
    """The header line about the model in use."""
    quality = f" · ranking quality (AUC) {auc:.2f}" if auc is not None else ""
    return (
        f"Model version {version} · the bank refuses from an estimated risk of "
        f"{format_percent(threshold)}{quality}"
    )


def information_html(groups: Sequence[Any]) -> str:
    """The client's grouped information as HTML: one titled list per group, two per row.

    ``groups`` are ``service.describe.Group``-like: a ``title`` and ``fields`` with
    ``label`` and an already formatted ``value``. Every text is escaped.
    """
    sections = []
    for group in groups:
        rows = "".join(
            f"<dt>{html.escape(str(field.label))}</dt><dd>{html.escape(str(field.value))}</dd>"
            for field in group.fields
        )
        sections.append(
            f"<section><h3>{html.escape(str(group.title))}</h3><dl>{rows}</dl></section>"
        )
    return f'<div class="info-grid">{"".join(sections)}</div>'


def axis_title(label: str, unit: str) -> str:
    """A chart axis title with its unit: ``"Age (years)"``; no empty brackets."""
    shown = {"currency": "", "": "", "ratio": "ratio", "count": ""}.get(unit, unit)
    if not shown or shown.lower() in label.lower():
        return label
    return f"{label} ({shown})"


def scaled(value: Any, display_scale: float | None) -> float:
    """A raw feature value in its display unit (NaN when missing)."""
    if is_missing(value):
        return math.nan
    return float(value) * (display_scale if display_scale else 1.0)


def similar_group_description(same: Sequence[str], age_band: tuple[float, float] | None) -> str:
    """Who the similar clients are, in words: ``"clients with the same gender and income
    type, aged 30 to 40"``."""
    parts = []
    if same:
        listed = same[0] if len(same) == 1 else ", ".join(same[:-1]) + " and " + same[-1]
        parts.append(f"with the same {listed}")
    if age_band is not None:
        parts.append(f"aged {age_band[0]:.0f} to {age_band[1]:.0f}")
    return "clients " + ", ".join(parts) if parts else "all clients"


def contributions_caption(contributions: Sequence[float], base_value: float) -> str:
    """The text under the SHAP chart: what the bars, colours and marks mean."""
    raised = sum(1 for c in contributions if c > 0)
    return (
        f"*Chart: the {len(contributions)} factors that move this client's risk most, each "
        f"with the client's own value. {raised} raise the risk (orange-red bars pointing "
        f"right, marked ▲), {len(contributions) - raised} lower it (blue bars pointing left, "
        f"marked ▼). The model starts from the average client (score {base_value:+.2f}) and "
        "adds these effects (SHAP values).*"
    )


def drivers_caption(count: int, measure: str) -> str:
    """The text under the global drivers chart."""
    return (
        f"*Chart: the {count} features that weigh most in the model's decisions over all "
        f"clients ({measure.lower()}). Longer bar = more influence on the risk score, in "
        "either direction.*"
    )


def distribution_caption(label: str, similar_description: str, client_text: str) -> str:
    """The text under the two distribution charts of the Compare tab."""
    return (
        f"*Charts: how {label.lower()} is spread among all clients (left) and among "
        f"{similar_description} (right). Blue bars are granted clients, hatched orange-red "
        "bars refused clients; each group's bars add up to 100% (clients without a value are "
        f"left out). The dashed black line is this client ({client_text}).*"
    )


def scatter_caption(count: int, x_title: str, y_title: str) -> str:
    """The text under the two-feature scatter."""
    return (
        f"*Chart: each mark is a client ({count:,} shown), placed by {x_title.lower()} across "
        f"and {y_title.lower()} up. Blue circles are granted clients, orange-red crosses "
        "refused ones; the yellow star labelled 'This client' is the client.*"
    )


def terms_sentence(financed: float, annuity: float, months: float) -> str:
    """The loan terms that were scored, as the manager would repeat them to the client."""
    return (
        f"Amount financed {format_money(financed)}, annuity {format_money(annuity)}, about "
        f"{format_number(months)} months."
    )
