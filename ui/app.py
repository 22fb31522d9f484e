"""The dashboard: a relationship manager explains a credit decision to a client.

``build_dashboard(backend)`` returns one ``gr.Blocks`` with a tab per task (find a
client, score, why, client information, compare, what if). Callbacks sit on top as
plain functions of the backend, the layout follows, events are wired last. Every
number comes from ``ui.backend`` (the service's scoring path, in-process); the words
come from ``ui.wording`` and the charts from ``ui.charts``.

The Bento service mounts the same Blocks at ``/ui`` (see ``dashboard_app``);
``credit-scoring ui`` launches it on its own for development.
"""

from __future__ import annotations

import math
import os
from functools import partial
from typing import Any

import gradio as gr

from credit_scoring.settings import ENV_UI_PASSWORD, ENV_UI_USER
from ui import charts, wording
from ui.backend import Backend
from ui.whatif import CREDIT_FLOOR_SHARE, LoanTerms, annuity_for_term

TITLE = "Credit decisions, explained"
ANY = "any"
#: How many of a client's factors the Why tab shows, and global drivers.
TOP_FACTORS = 10
TOP_DRIVERS = 15
MAX_LISTED = 100
#: Readable at 1280×800: larger base text, decisions in words, no colour-only signal.
CSS = """
.gradio-container { font-size: 16px; }
#client-banner { font-size: 1.1rem; padding: 0.4rem 0.8rem; border-left: 6px solid #0072B2;
                 background: #F2F7FB; }
#decision-box h2 { margin-top: 0.2rem; }
.caption { font-size: 0.95rem; color: #333333; }
.info-grid { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 1rem 2.5rem; }
.info-grid h3 { font-size: 1.1rem; font-weight: 700; margin: 0.6rem 0 0.4rem;
                border-bottom: 2px solid #0072B2; padding-bottom: 0.2rem; }
.info-grid dl { display: grid; grid-template-columns: minmax(12rem, max-content) 1fr;
                gap: 0.3rem 1rem; margin: 0; }
.info-grid dt { color: #333333; }
.info-grid dd { margin: 0; font-weight: 600; }
"""
THEME = gr.themes.Default(primary_hue="blue", neutral_hue="slate")
NO_CLIENT = "No client selected yet: find one in the first tab, by ID or with filters."


def ui_auth() -> list[tuple[str, str]] | None:
    """The optional login, from ``CREDIT_UI_USER`` and ``CREDIT_UI_PASSWORD`` (both or none)."""
    user = os.environ.get(ENV_UI_USER, "").strip()
    password = os.environ.get(ENV_UI_PASSWORD, "")
    if bool(user) != bool(password):
        raise ValueError(
            f"set both {ENV_UI_USER} and {ENV_UI_PASSWORD} to protect the dashboard, or neither"
        )
    return [(user, password)] if user else None


# --- callbacks: plain functions of the backend and the components' values


def _none_if_any(value: Any) -> Any:
    return None if value in (None, "", ANY) else value


def _number_or_none(value: Any) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def on_load(backend: Backend) -> tuple:
    """Fill what depends on the loaded model and clients: header, filter lists, drivers."""
    options = backend.filter_options()
    features = backend.feature_choices()

    def with_any(values: list[str]) -> Any:
        return gr.Dropdown(choices=[ANY, *values], value=ANY)

    labels, importances, measure = backend.global_drivers(TOP_DRIVERS)
    ranges = backend.filter_ranges()
    return (
        f"# {TITLE}\n{backend.model_caption()}",
        *ranges,
        with_any(options["gender"]),
        with_any(options["family_status"]),
        with_any(options["income_type"]),
        with_any(options["contract_type"]),
        gr.Dropdown(choices=features),
        gr.Dropdown(choices=features),
        gr.Dropdown(choices=features),
        charts.importance_figure(labels, importances, measure),
        wording.drivers_caption(len(labels), measure),
    )


def find_clients(
    backend: Backend,
    gender,
    family,
    income,
    contract,
    decision,
    age_min,
    age_max,
    credit_min,
    credit_max,
) -> tuple:
    """The clients matching the filters: a count sentence, a pick list and a table."""
    found = backend.find(
        gender=_none_if_any(gender),
        family_status=_none_if_any(family),
        income_type=_none_if_any(income),
        contract_type=_none_if_any(contract),
        decision=_none_if_any(decision),
        age_min=_number_or_none(age_min),
        age_max=_number_or_none(age_max),
        credit_min=_number_or_none(credit_min),
        credit_max=_number_or_none(credit_max),
    )
    shown = found.head(MAX_LISTED)
    choices = [
        (wording.client_choice_label(row), int(row["SK_ID_CURR"]))
        for row in shown.to_dict("records")
    ]
    table = shown.assign(
        Age=shown["AGE_YEARS"].map(lambda v: wording.format_value(v, unit="years")),
        Credit=shown["AMT_CREDIT"].map(wording.format_money),
        Risk=shown["probability"].map(wording.format_percent),
    )[
        [
            "SK_ID_CURR",
            "CODE_GENDER",
            "Age",
            "NAME_FAMILY_STATUS",
            "NAME_INCOME_TYPE",
            "NAME_CONTRACT_TYPE",
            "Credit",
            "Risk",
            "decision",
        ]
    ]
    table.columns = [
        "Client ID",
        "Gender",
        "Age",
        "Family status",
        "Income type",
        "Contract",
        "Credit",
        "Risk",
        "Decision",
    ]
    return (
        wording.matches_sentence(len(found), len(shown)),
        gr.Dropdown(choices=choices, value=None),
        gr.Dataframe(value=table, visible=len(table) > 0),
    )


def open_client(backend: Backend, client_id: Any) -> tuple:
    """Everything about one client, for every tab at once, then show the Score tab."""
    text = str(client_id if client_id is not None else "").strip()
    if not text:
        raise gr.Error("Type a client ID or pick a client in the list first.")
    if not text.isdigit():
        raise gr.Error(f"A client ID is a whole number, like 100002; got {text!r}.")
    try:
        view = backend.client_view(int(text), top_k=TOP_FACTORS)
    except LookupError as error:
        raise gr.Error(str(error)) from None
    terms = view.terms
    features = backend.feature_choices()
    first, second = view.top_features[:2] if len(view.top_features) > 1 else (None, None)
    return (
        int(view.client_id),
        f"**Client {view.client_id}** · {wording.decision_badge(view.decision)} · "
        f"estimated risk of default {wording.format_percent(view.probability)}",
        charts.gauge_figure(view.probability, view.threshold, view.decision),
        f"## {wording.decision_badge(view.decision)}\n\n"
        f"{wording.decision_sentence(view.probability, view.threshold, view.decision)}\n\n"
        f"{view.population_text}",
        charts.contributions_figure(view.factor_lines, view.contributions),
        wording.contributions_caption(view.contributions, view.base_value),
        wording.reasons_markdown(view.reasons, view.decision),
        view.information_html,
        gr.Dropdown(choices=features, value=first),
        gr.Dropdown(choices=features, value=first),
        gr.Dropdown(choices=features, value=second),
        terms.credit if terms else None,
        terms.annuity if terms else None,
        round(terms.term_months, 1) if terms else None,
        terms.goods_price if terms else None,
        0,
        None,
        "",
        "",
        gr.Tabs(selected="score"),
    )


def compare(
    backend: Backend,
    client_id: Any,
    feature: str | None,
    x_feature: str | None,
    y_feature: str | None,
) -> tuple:
    """The client's value on the distributions of all and of similar clients; a scatter."""
    if client_id is None or not feature:
        return None, None, "", None, ""
    comparison = backend.compare(int(client_id), feature)
    all_fig = charts.distribution_figure(
        comparison.all_values,
        comparison.client_value,
        comparison.client_text,
        comparison.axis_title,
        f"All clients ({comparison.all_count:,})",
    )
    similar_fig = charts.distribution_figure(
        comparison.similar_values,
        comparison.client_value,
        comparison.client_text,
        comparison.axis_title,
        f"Similar clients ({comparison.similar_count:,})",
    )
    caption = wording.distribution_caption(
        comparison.label, comparison.similar_description, comparison.client_text
    )
    scatter_fig, scatter_caption = None, ""
    if x_feature and y_feature:
        pair = backend.pair(int(client_id), x_feature, y_feature)
        scatter_fig = charts.scatter_figure(
            pair.x, pair.y, pair.decisions, pair.client_xy, pair.x_title, pair.y_title
        )
        scatter_caption = wording.scatter_caption(len(pair.x), pair.x_title, pair.y_title)
    return all_fig, similar_fig, caption, scatter_fig, scatter_caption


def _terms(credit, annuity, goods, down) -> LoanTerms:
    try:
        return LoanTerms(
            credit=credit,
            annuity=annuity,
            goods_price=_number_or_none(goods),
            down_payment=down or 0.0,
        )
    except (TypeError, ValueError) as error:
        raise gr.Error(f"What if: {error}") from None


def annuity_from_term(credit, term):
    """Keep the annuity in step when the manager types a term."""
    if not credit or not term or term <= 0:
        return gr.Number()
    return round(annuity_for_term(credit, term), 2)


def term_from_annuity(credit, annuity):
    """Keep the term in step when the manager types an annuity."""
    if not credit or not annuity or annuity <= 0:
        return gr.Number()
    return round(credit / annuity, 1)


def what_if(backend: Backend, client_id: Any, credit, annuity, goods, down) -> tuple:
    """The new score and decision for the changed terms, through the feature SQL."""
    if client_id is None:
        raise gr.Error("Open a client first.")
    terms = _terms(credit, annuity, goods, down)
    result = backend.score_terms(int(client_id), [terms])[0]
    before = backend.client_score(int(client_id))
    fields = terms.application_fields()
    detail = wording.terms_sentence(fields["AMT_CREDIT"], fields["AMT_ANNUITY"], terms.term_months)
    return (
        charts.gauge_figure(result.probability, result.threshold, result.decision),
        f"## {wording.decision_badge(result.decision)}\n\n"
        f"{wording.what_if_sentence(before.probability, result.probability, result.threshold)}"
        f"\n\n{wording.decision_sentence(result.probability, result.threshold, result.decision)}"
        f"\n\n{detail}",
    )


def suggest(backend: Backend, client_id: Any, credit, annuity, goods, down) -> str:
    """The smallest credit reduction (same term) that would turn a refusal into a grant."""
    if client_id is None:
        raise gr.Error("Open a client first.")
    terms = _terms(credit, annuity, goods, down)
    current = backend.score_terms(int(client_id), [terms])[0]
    if current.decision == wording.GRANTED:
        return (
            "The application is granted with these terms: no change is needed. "
            f"{wording.decision_sentence(current.probability, current.threshold, current.decision)}"
        )
    found = backend.smallest_granted_credit(int(client_id), terms)
    if found is None:
        return wording.no_suggestion_sentence("credit amount", CREDIT_FLOOR_SHARE)
    best, result = found
    return (
        wording.suggestion_sentence(
            "credit amount", terms.credit, best.credit, result.probability, result.threshold
        )
        + f" The annuity would be {wording.format_money(best.application_fields()['AMT_ANNUITY'])}"
        " over the same term."
    )


# --- layout and wiring


def build_dashboard(backend: Backend) -> gr.Blocks:
    """The dashboard's Blocks over ``backend`` (model, clients), ready to launch or mount."""
    # Gradio's Dataframe imports pandas' Styler (and matplotlib) on first use, seconds on a
    # busy machine: pay it at start-up rather than on the manager's first search.
    import pandas.io.formats.style  # noqa: F401

    # No analytics: a bank's dashboard does not call home (and there is no internet here).
    with gr.Blocks(title=TITLE, analytics_enabled=False) as dashboard:
        header_md = gr.Markdown(f"# {TITLE}")
        client_banner_md = gr.Markdown(NO_CLIENT, elem_id="client-banner")
        client_state = gr.State(None)
        with gr.Tabs(selected="find") as tabs:
            with gr.Tab("1 · Find a client", id="find"):
                with gr.Row():
                    client_id_box = gr.Textbox(
                        label="Client ID (SK_ID_CURR)",
                        placeholder="for example 100002, then press Enter",
                        elem_id="client-id",
                        scale=3,
                    )
                    open_btn = gr.Button(
                        "Open this client", variant="primary", scale=1, elem_id="open-client"
                    )
                gr.Markdown("### Or find clients with filters")
                with gr.Row():
                    gender_dd = gr.Dropdown([ANY], value=ANY, label="Gender", elem_id="f-gender")
                    family_dd = gr.Dropdown(
                        [ANY], value=ANY, label="Family status", elem_id="f-family"
                    )
                    income_dd = gr.Dropdown(
                        [ANY], value=ANY, label="Income type", elem_id="f-income"
                    )
                    contract_dd = gr.Dropdown(
                        [ANY], value=ANY, label="Contract type", elem_id="f-contract"
                    )
                    decision_dd = gr.Dropdown(
                        [ANY, wording.GRANTED, wording.REFUSED],
                        value=ANY,
                        label="Decision",
                        elem_id="f-decision",
                    )
                with gr.Row():
                    age_min_num = gr.Number(
                        label="Age from (years)", minimum=0, elem_id="f-age-min"
                    )
                    age_max_num = gr.Number(label="Age to (years)", minimum=0, elem_id="f-age-max")
                    credit_min_num = gr.Number(
                        label="Credit amount from", minimum=0, elem_id="f-credit-min"
                    )
                    credit_max_num = gr.Number(
                        label="Credit amount to", minimum=0, elem_id="f-credit-max"
                    )
                search_btn = gr.Button("Find clients", variant="primary", elem_id="search")
                matches_md = gr.Markdown(elem_id="matches")
                match_dd = gr.Dropdown(
                    [], label="Matching clients: pick one to open", elem_id="match-list"
                )
                matches_df = gr.Dataframe(
                    interactive=False, max_height=320, label="Matching clients", visible=False
                )
            with gr.Tab("2 · Score", id="score"):
                with gr.Row():
                    with gr.Column(scale=3):
                        gauge_plot = gr.Plot(label="Risk gauge", elem_id="gauge")
                    with gr.Column(scale=2):
                        decision_md = gr.Markdown(NO_CLIENT, elem_id="decision-box")
                gr.Markdown(
                    "*Chart: the coloured bar shows the client's estimated risk of default; the "
                    "black line is the bank's limit. At or above the limit the application "
                    "is refused, below it is granted; the decision is written above the "
                    "number.*",
                    elem_classes="caption",
                )
            with gr.Tab("3 · Why", id="why"):
                with gr.Row():
                    with gr.Column(scale=3):
                        contributions_plot = gr.Plot(
                            label="What moves this client's risk", elem_id="contributions"
                        )
                        contributions_caption_md = gr.Markdown(elem_classes="caption")
                    with gr.Column(scale=2):
                        reasons_md = gr.Markdown(NO_CLIENT, elem_id="reasons")
                gr.Markdown("### What drives the model in general")
                importance_plot = gr.Plot(label="Global drivers", elem_id="drivers")
                importance_caption_md = gr.Markdown(elem_classes="caption")
            with gr.Tab("4 · Client information", id="info"):
                information_html = gr.HTML(f"<p>{NO_CLIENT}</p>", elem_id="information")
            with gr.Tab("5 · Compare", id="compare"):
                feature_dd = gr.Dropdown([], label="Feature to compare", elem_id="c-feature")
                with gr.Row():
                    all_plot = gr.Plot(label="All clients")
                    similar_plot = gr.Plot(label="Similar clients")
                compare_caption_md = gr.Markdown(elem_classes="caption")
                with gr.Row():
                    x_dd = gr.Dropdown([], label="Scatter: across", elem_id="c-x")
                    y_dd = gr.Dropdown([], label="Scatter: up", elem_id="c-y")
                scatter_plot = gr.Plot(label="Two features")
                scatter_caption_md = gr.Markdown(elem_classes="caption")
            with gr.Tab("6 · What if", id="whatif"):
                gr.Markdown(
                    "Change what the client can act on, then press **Score these terms**. "
                    "The features are recomputed by the same SQL as for every client, so "
                    "ratios such as credit to income follow."
                )
                with gr.Row():
                    credit_num = gr.Number(label="Credit amount", minimum=0, elem_id="w-credit")
                    annuity_num = gr.Number(
                        label="Annuity (monthly)", minimum=0, elem_id="w-annuity"
                    )
                    term_num = gr.Number(label="Term (months)", minimum=1, elem_id="w-term")
                    goods_num = gr.Number(label="Goods price", minimum=0, elem_id="w-goods")
                    down_num = gr.Number(label="Down payment", value=0, minimum=0, elem_id="w-down")
                with gr.Row():
                    what_if_btn = gr.Button(
                        "Score these terms", variant="primary", elem_id="w-score"
                    )
                    suggest_btn = gr.Button(
                        "Find the smallest change that gets a grant", elem_id="w-suggest"
                    )
                with gr.Row():
                    with gr.Column(scale=3):
                        what_if_plot = gr.Plot(label="Risk with the new terms", elem_id="w-gauge")
                    with gr.Column(scale=2):
                        what_if_md = gr.Markdown(elem_id="w-result")
                suggestion_md = gr.Markdown(elem_id="w-suggestion")

        # --- wiring
        private = {"api_visibility": "private"}
        dashboard.load(
            partial(on_load, backend),
            outputs=[
                header_md,
                age_min_num,
                age_max_num,
                credit_min_num,
                credit_max_num,
                gender_dd,
                family_dd,
                income_dd,
                contract_dd,
                feature_dd,
                x_dd,
                y_dd,
                importance_plot,
                importance_caption_md,
            ],
            **private,
        )
        search_btn.click(
            partial(find_clients, backend),
            inputs=[
                gender_dd,
                family_dd,
                income_dd,
                contract_dd,
                decision_dd,
                age_min_num,
                age_max_num,
                credit_min_num,
                credit_max_num,
            ],
            outputs=[matches_md, match_dd, matches_df],
            **private,
        )
        client_outputs = [
            client_state,
            client_banner_md,
            gauge_plot,
            decision_md,
            contributions_plot,
            contributions_caption_md,
            reasons_md,
            information_html,
            feature_dd,
            x_dd,
            y_dd,
            credit_num,
            annuity_num,
            term_num,
            goods_num,
            down_num,
            what_if_plot,
            what_if_md,
            suggestion_md,
            tabs,
        ]
        compare_inputs = [client_state, feature_dd, x_dd, y_dd]
        compare_outputs = [
            all_plot,
            similar_plot,
            compare_caption_md,
            scatter_plot,
            scatter_caption_md,
        ]
        for trigger in (open_btn.click, client_id_box.submit):
            trigger(
                partial(open_client, backend),
                inputs=client_id_box,
                outputs=client_outputs,
                **private,
            ).then(
                partial(compare, backend), inputs=compare_inputs, outputs=compare_outputs, **private
            )
        match_dd.input(
            partial(open_client, backend), inputs=match_dd, outputs=client_outputs, **private
        ).then(partial(compare, backend), inputs=compare_inputs, outputs=compare_outputs, **private)
        for dropdown in (feature_dd, x_dd, y_dd):
            dropdown.input(
                partial(compare, backend), inputs=compare_inputs, outputs=compare_outputs, **private
            )
        term_num.input(
            annuity_from_term, inputs=[credit_num, term_num], outputs=annuity_num, **private
        )
        annuity_num.input(
            term_from_annuity, inputs=[credit_num, annuity_num], outputs=term_num, **private
        )
        credit_num.input(
            annuity_from_term, inputs=[credit_num, term_num], outputs=annuity_num, **private
        )
        terms_inputs = [client_state, credit_num, annuity_num, goods_num, down_num]
        what_if_btn.click(
            partial(what_if, backend),
            inputs=terms_inputs,
            outputs=[what_if_plot, what_if_md],
            **private,
        )
        suggest_btn.click(
            partial(suggest, backend), inputs=terms_inputs, outputs=suggestion_md, **private
        )
    return dashboard


def serving_options() -> dict[str, Any]:
    """How the dashboard is served, alone or mounted: look, optional login, no footer."""
    return {"theme": THEME, "css": CSS, "auth": ui_auth(), "footer_links": [], "show_error": True}


def launch_dashboard(backend: Backend, *, host: str, port: int) -> None:
    """Serve the dashboard alone (``credit-scoring ui``), blocking until interrupted."""
    from service.process import freeze_loaded_objects

    dashboard = build_dashboard(backend)
    freeze_loaded_objects()
    dashboard.launch(server_name=host, server_port=port, **serving_options())


def dashboard_app(backend: Backend, path: str = "/ui"):
    """A FastAPI app serving the dashboard under ``path``, for the Bento service to mount.

    The service mounts it with ``@bentoml.asgi_app(dashboard_app(backend), path="/")``:
    BentoML's own routes answer first and everything under ``path`` reaches Gradio, in the
    same process as the API. Gradio's ``mount_gradio_app`` applies the theme, the CSS and
    the optional login (``CREDIT_UI_USER``/``CREDIT_UI_PASSWORD``), and its lifespan, which
    BentoML runs for mounted Starlette apps, starts Gradio's queue.
    (``bentoml.gradio.mount_gradio_app`` answers 500 with Gradio 6, hence this route.)
    """
    from fastapi import FastAPI

    return gr.mount_gradio_app(FastAPI(), build_dashboard(backend), path=path, **serving_options())
