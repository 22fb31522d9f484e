"""End to end: a relationship manager explains a refusal in a real headless Chromium.

Debian's Chromium (``apt-get install chromium``; Playwright's own browser download does
not work here) is driven by Playwright against the dashboard mounted at ``/ui`` in the
real running Bento service (the ``api_url`` fixture). The test finds a refused client
through the filters, reads the score, the decision and the explanation chart, runs a
what-if, saves screenshots under ``test-artifacts/`` and prints the page's load time
measured by the browser (Navigation Timing).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
#: Generous: the first callback of a cold worker imports SHAP-free LightGBM paths, DuckDB...
STEP_TIMEOUT_MS = 60_000

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium through Playwright; skips where it is not installed."""
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium package (see .ci/run)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh page at 1280×800, the size the dashboard must be readable at."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    yield page
    context.close()


def _pick(page, elem_id: str, option: str | None = None) -> str:
    """Open a Gradio drop-down and click ``option`` (or its first option); returns its text."""
    page.click(f"#{elem_id} input")
    options = page.locator("ul.option-list li")
    choice = options.filter(has_text=option).first if option else options.first
    choice.wait_for(state="visible")
    text = choice.inner_text().strip()
    choice.click()
    return text


def _open_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()


def test_dashboard_explains_a_refused_client(page, api_url):
    """Filters → refused client → score, decision, explanation chart → what-if; screenshots."""
    url = f"{api_url.rstrip('/')}/ui/"
    page.goto(url, wait_until="load")
    # The header names the model once the dashboard's load event has filled it.
    page.wait_for_selector("text=Model version")
    timing = page.evaluate(
        """() => {
            const nav = performance.getEntriesByType('navigation')[0];
            return {dom: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,
                    ready: performance.now()};
        }"""
    )
    print(
        f"\ndashboard load time (Navigation Timing): DOMContentLoaded {timing['dom']:.0f} ms, "
        f"load event {timing['load']:.0f} ms; model header shown at {timing['ready']:.0f} ms"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "dashboard-timing.json").write_text(json.dumps(timing, indent=2) + "\n")

    # 1. Find a client through the filters: refused clients, then pick the first one.
    _pick(page, "f-decision", "refused")
    page.click("#search")
    page.wait_for_selector("#matches:has-text('match')")
    assert "No client matches" not in page.inner_text("#matches")
    picked = _pick(page, "match-list")
    client_id = picked.split(" · ")[0]
    assert picked.endswith("refused"), picked

    # 2. Score: the gauge, the decision and the sentence with the distance to the limit.
    page.wait_for_selector(f"#client-banner:has-text('Client {client_id}')")
    decision = page.inner_text("#decision-box")
    assert "REFUSED" in decision
    assert "Estimated risk of default" in decision and "above the limit" in decision
    page.locator("#gauge .js-plotly-plot").wait_for(state="visible")
    page.screenshot(path=str(ARTIFACTS / "dashboard-score.png"), full_page=True)

    # 3. Why: the SHAP chart with human labels and the reasons in plain words.
    _open_tab(page, "3 · Why")
    page.locator("#contributions .js-plotly-plot").wait_for(state="visible")
    assert page.locator("#contributions .js-plotly-plot .bars path").count() > 0
    reasons = page.inner_text("#reasons")
    assert "Main reasons for the refusal" in reasons
    assert page.locator("#reasons li").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)

    # 4. What if: a smaller credit at the same term, scored through the feature SQL.
    _open_tab(page, "6 · What if")
    credit = float(page.input_value("#w-credit input"))
    page.fill("#w-credit input", str(round(credit * 0.6)))
    page.press("#w-credit input", "Tab")
    page.click("#w-score")
    page.wait_for_selector("#w-result:has-text('estimated risk')")
    result = page.inner_text("#w-result")
    assert "GRANTED" in result or "REFUSED" in result
    page.click("#w-suggest")
    page.locator("#w-suggestion").filter(
        has_text=re.compile("Lowering the credit amount|No credit amount|no change is needed")
    ).wait_for(state="visible")
    page.screenshot(path=str(ARTIFACTS / "dashboard-whatif.png"), full_page=True)
    assert page.locator(".toast-body.error").count() == 0
