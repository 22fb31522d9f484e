"""The dashboard's charts as plotly figures, from plain numbers and words.

Colours are the Okabe-Ito palette, safe for the common colour-vision deficiencies,
and no chart relies on colour alone: bars carry ▲ (raises risk) or ▼ (lowers risk) and their
value, explained in the axis title and the caption,
refused clients are crosses and granted ones circles, the client is a labelled star.
The figures compute nothing about the model; callers pass what the scoring path gave.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ui.wording import GRANTED, REFUSED, decision_badge, format_percent

#: Okabe & Ito (2008), "Color Universal Design".
OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
}
RAISES_COLOUR = OKABE_ITO["vermillion"]
LOWERS_COLOUR = OKABE_ITO["blue"]
DECISION_COLOUR = {GRANTED: OKABE_ITO["blue"], REFUSED: OKABE_ITO["vermillion"]}
DECISION_SYMBOL = {GRANTED: "circle", REFUSED: "x"}
DECISION_PATTERN = {GRANTED: "", REFUSED: "/"}
CLIENT_COLOUR = OKABE_ITO["black"]

_FONT = {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 14}


def _layout(
    fig: go.Figure, *, height: int, title: str | None = None, legend_below: bool = False
) -> go.Figure:
    """Common look; a legend below the axis keeps the top free for the client's marker."""
    legend = (
        {"orientation": "h", "yanchor": "top", "y": -0.3, "x": 0}
        if legend_below
        else {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0}
    )
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 20, "t": 50 if title else 30, "b": 95 if legend_below else 40},
        font=_FONT,
        title={"text": title, "x": 0, "xanchor": "left"} if title else None,
        paper_bgcolor="white",
        plot_bgcolor="white",
        legend=legend,
    )
    return fig


def gauge_figure(probability: float, threshold: float, decision: str) -> go.Figure:
    """A gauge of the probability of default, the bank's limit marked, decision in words.

    The axis stops at three times the limit (at least 30 %) so that the distance to
    the limit is visible; a client beyond it sits at the end with the number shown.
    """
    top = min(1.0, max(0.3, 3 * threshold, probability * 1.15))
    fig = go.Figure(
        go.Indicator(
            mode="gauge+number",
            value=probability * 100,
            number={"suffix": "%", "valueformat": ".1f", "font": {"size": 44}},
            title={
                "text": f"Estimated risk of default<br><b>{decision_badge(decision)}</b>",
                "font": {"size": 18},
            },
            gauge={
                "axis": {"range": [0, top * 100], "ticksuffix": "%", "tickwidth": 1},
                "bar": {"color": DECISION_COLOUR[decision], "thickness": 0.35},
                "steps": [
                    {"range": [0, threshold * 100], "color": "#D6EAF8"},
                    {"range": [threshold * 100, top * 100], "color": "#FBE3D0"},
                ],
                "threshold": {
                    "line": {"color": CLIENT_COLOUR, "width": 5},
                    "thickness": 0.9,
                    "value": threshold * 100,
                },
            },
        )
    )
    fig.add_annotation(
        x=0.5,
        y=-0.12,
        xref="paper",
        yref="paper",
        showarrow=False,
        text=f"Black line: the bank's limit, {format_percent(threshold)}. "
        "Light blue zone: granted · light orange zone: refused.",
        font={"size": 13},
    )
    return _layout(fig, height=330)


def contributions_figure(lines: Sequence[str], contributions: Sequence[float]) -> go.Figure:
    """The client's SHAP contributions as horizontal bars, largest effect on top.

    Parameters
    ----------
    lines : sequence of str
        One "label: client's value" line per feature.
    contributions : sequence of float
        SHAP contributions on the model's log-odds scale, same order; positive raises risk.
    """
    order = np.argsort(np.abs(np.asarray(contributions, dtype=float)))  # smallest first
    ys = [lines[i] for i in order]
    xs = [float(contributions[i]) for i in order]
    colours = [RAISES_COLOUR if x > 0 else LOWERS_COLOUR for x in xs]
    # Short enough to fit the headroom whatever the labels' width: the axis title and the
    # caption say what ▲ and ▼ mean. Hovering gives the words.
    texts = [("▲ " if x > 0 else "▼ ") + f"{x:+.2f}" for x in xs]
    words = [("raises risk" if x > 0 else "lowers risk") + f" ({x:+.2f})" for x in xs]
    # The text sits right of the bar (or of zero, for bars pointing left), never over the
    # labels; the axis leaves it room.
    reach = max((abs(x) for x in xs), default=1.0) or 1.0
    low = min(min(xs, default=0.0), 0.0) - 0.05 * reach
    high = max(max(xs, default=0.0), 0.0) + 0.9 * reach
    fig = go.Figure(
        go.Bar(
            x=xs,
            y=ys,
            orientation="h",
            marker={"color": colours},
            customdata=words,
            hovertemplate="%{y}<br>%{customdata}<extra></extra>",
        )
    )
    for x, y, text in zip(xs, ys, texts, strict=True):
        fig.add_annotation(
            x=max(x, 0.0),
            y=y,
            text=text,
            showarrow=False,
            xanchor="left",
            xshift=4,
            font={"size": 13},
        )
    fig.add_vline(x=0, line_width=1, line_color=CLIENT_COLOUR)
    fig.update_xaxes(
        title="Effect on the risk score (log-odds): ▲ raises · ▼ lowers",
        title_font={"size": 13},
        range=[low, high],
        zeroline=False,
        gridcolor="#EEEEEE",
    )
    fig.update_yaxes(automargin=True)
    return _layout(fig, height=max(260, 46 * len(ys) + 90))


def importance_figure(
    labels: Sequence[str], importances: Sequence[float], measure: str
) -> go.Figure:
    """What drives the model in general: one bar per feature, largest on top."""
    order = np.argsort(np.asarray(importances, dtype=float))
    fig = go.Figure(
        go.Bar(
            x=[float(importances[i]) for i in order],
            y=[labels[i] for i in order],
            orientation="h",
            marker={"color": OKABE_ITO["bluish_green"]},
            hovertemplate="%{y}: %{x:.3g}<extra></extra>",
        )
    )
    fig.update_xaxes(title=measure, gridcolor="#EEEEEE")
    fig.update_yaxes(automargin=True)
    return _layout(fig, height=max(260, 30 * len(labels) + 90))


def distribution_figure(
    values_by_decision: dict[str, Sequence[float]],
    client_value: float | None,
    client_text: str,
    axis_title: str,
    title: str,
) -> go.Figure:
    """A feature's distribution, granted and refused clients apart, the client marked.

    Refused clients' bars are hatched as well as coloured, so that the two groups stay
    apart in greyscale; the client's value is a labelled vertical line.
    """
    fig = go.Figure()
    for decision in (GRANTED, REFUSED):
        values = np.asarray(values_by_decision.get(decision, []), dtype=float)
        values = values[~np.isnan(values)]
        fig.add_trace(
            go.Histogram(
                x=values,
                name=f"{decision} ({len(values):,})",
                histnorm="percent",
                nbinsx=30,
                opacity=0.65,
                marker={
                    "color": DECISION_COLOUR[decision],
                    "pattern": {"shape": DECISION_PATTERN[decision]},
                },
                hovertemplate="%{x}: %{y:.1f}% of " + decision + "<extra></extra>",
            )
        )
    if client_value is not None and np.isfinite(client_value):
        fig.add_vline(
            x=client_value,
            line_width=3,
            line_dash="dash",
            line_color=CLIENT_COLOUR,
            annotation_text=f"This client: {client_text}",
            annotation_position="top",
            annotation_font_size=13,
        )
    fig.update_layout(barmode="overlay")
    fig.update_xaxes(title=axis_title, gridcolor="#EEEEEE")
    fig.update_yaxes(title="% of the group", gridcolor="#EEEEEE")
    return _layout(fig, height=360, title=title, legend_below=True)


def scatter_figure(
    x: Sequence[float],
    y: Sequence[float],
    decisions: Sequence[str],
    client_xy: tuple[float, float],
    x_title: str,
    y_title: str,
) -> go.Figure:
    """Two features over the clients, refused as crosses, the client as a labelled star."""
    fig = go.Figure()
    xs, ys = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    decided = np.asarray(decisions)
    for decision in (GRANTED, REFUSED):
        mask = decided == decision
        fig.add_trace(
            go.Scattergl(
                x=xs[mask],
                y=ys[mask],
                mode="markers",
                name=f"{decision} ({int(mask.sum()):,})",
                marker={
                    "color": DECISION_COLOUR[decision],
                    "symbol": DECISION_SYMBOL[decision],
                    "size": 6,
                    "opacity": 0.55,
                },
                hovertemplate=f"{x_title}: %{{x}}<br>{y_title}: %{{y}}<extra>{decision}</extra>",
            )
        )
    cx, cy = client_xy
    if np.isfinite(cx) and np.isfinite(cy):
        fig.add_trace(
            go.Scatter(
                x=[cx],
                y=[cy],
                mode="markers+text",
                name="this client",
                text=["This client"],
                textposition="top center",
                textfont={"size": 14},
                marker={
                    "color": OKABE_ITO["yellow"],
                    "symbol": "star",
                    "size": 22,
                    "line": {"color": CLIENT_COLOUR, "width": 2},
                },
            )
        )
    fig.update_xaxes(title=x_title, gridcolor="#EEEEEE")
    fig.update_yaxes(title=y_title, gridcolor="#EEEEEE")
    return _layout(fig, height=420)
