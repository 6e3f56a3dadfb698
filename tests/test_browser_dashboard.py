"""The Overzicht dashboard in a real browser: the launcher's staff server with the demo data, Debian Chromium.

Signs in as a beheerder with the sign-in form, opens Overzicht at desktop (1280 x 900) and phone (375 x 740) width, checks
that it reads like the report (banner, key numbers, numbered figures with
charts, the trend sentence), that nothing scrolls sideways on the phone, and
that a sidebar filter changes the numbers.  Screenshots go to
``test-artifacts/`` (git-ignored).
"""

from __future__ import annotations

import pytest
from _auth_helpers import PASSWORD, make_users
from _browser_helpers import ARTIFACTS, SECRET, chromium, serve_app, sign_in
from _browser_helpers import settle as _settle

from survey_app.storage import Storage

pytestmark = [pytest.mark.browser, pytest.mark.slow]

UI_TIMEOUT_MS = 60_000
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    """Base URL of the staff server on a fresh database with the synthetic demo round (1523 responses)."""
    data = tmp_path_factory.mktemp("dashboard-browser")
    s = Storage(f"sqlite:///{data / 'survey.sqlite'}", secret_key=SECRET)
    make_users(s, roles=("beheerder",))
    s.dispose()
    with serve_app(data, "--staff") as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def settle(page) -> None:
    """Wait until Streamlit has finished the current run."""
    _settle(page, pause_ms=300, timeout_ms=UI_TIMEOUT_MS)


def open_overzicht(browser, base: str, viewport: dict, **ctx):
    context = browser.new_context(viewport=viewport, locale="nl-NL", **ctx)
    context.set_default_timeout(UI_TIMEOUT_MS)
    page = context.new_page()
    # signed in, the first page of the menu is Overzicht
    sign_in(page, base, "beheer", PASSWORD, timeout_ms=UI_TIMEOUT_MS)
    page.get_by_role("heading", name="Kerncijfers").wait_for()
    settle(page)
    page.wait_for_function("document.querySelectorAll('.vega-embed svg.marks, .vega-embed canvas.marks').length >= 13")
    page.wait_for_timeout(500)
    return context, page


def scroll_to(page, selector: str) -> None:
    page.locator(selector).first.scroll_into_view_if_needed()
    page.wait_for_timeout(600)


def scroll_width(page) -> int:
    return page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")


def metric(page, label: str) -> str:
    card = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return card.locator('[data-testid="stMetricValue"]').inner_text().strip()


def test_overzicht_desktop_reads_like_the_report(app_url, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    context, page = open_overzicht(browser, app_url, DESKTOP)
    try:
        assert page.get_by_text("Synthetische voorbeelddata — geen echte antwoorden").first.is_visible()
        assert metric(page, "Respondenten") == "1523"
        assert metric(page, "Had een periode zonder jeugdzorgwerker") == "31%"  # published: at least 31 %
        nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
        assert "Overzicht" in nav and "Inspectierapport" in nav
        for i in range(1, 14):
            assert page.get_by_role("heading", name=f"{i}. ", exact=False).count() >= 1
        page.screenshot(path=str(ARTIFACTS / "dashboard-overzicht-desktop.png"))
        scroll_to(page, ".st-key-fig_grade_by_workers")
        assert page.get_by_text(
            "Het cijfer daalt significant naarmate respondenten meer jeugdzorgwerkers hebben gehad"
        ).first.is_visible()
        page.screenshot(path=str(ARTIFACTS / "dashboard-overzicht-desktop-figuur7.png"))
        # charts fit the main column
        main_w = page.locator('[data-testid="stMainBlockContainer"]').bounding_box()["width"]
        widths = page.evaluate(
            "Array.from(document.querySelectorAll('.vega-embed')).map(e => e.getBoundingClientRect().width)"
        )
        assert len(widths) >= 13 and max(widths) <= main_w + 1
    finally:
        context.close()


def test_overzicht_filter_changes_numbers_in_browser(app_url, browser):
    context, page = open_overzicht(browser, app_url, DESKTOP)
    try:
        page.locator(".st-key-flt_rtype").click()
        page.get_by_role("option", name="Jeugdigen").click()
        page.keyboard.press("Escape")
        settle(page)
        page.wait_for_function(
            "Array.from(document.querySelectorAll('[data-testid=stMetricValue]')).some(e => e.innerText.trim() === '372')"
        )
        assert metric(page, "Respondenten") == "372"  # published: 372 youths
        assert metric(page, "Ouders") == "0"
        page.screenshot(path=str(ARTIFACTS / "dashboard-overzicht-desktop-jeugdigen.png"))
    finally:
        context.close()


def test_overzicht_phone_has_no_sideways_scrolling(app_url, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    context, page = open_overzicht(browser, app_url, PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    try:
        assert page.get_by_text("Synthetische voorbeelddata — geen echte antwoorden").first.is_visible()
        assert metric(page, "Respondenten") == "1523"
        assert scroll_width(page) <= PHONE["width"]
        page.screenshot(path=str(ARTIFACTS / "dashboard-overzicht-phone.png"))
        scroll_to(page, ".st-key-fig_measure_type")
        # every chart shrinks to the screen like an image
        widths = page.evaluate(
            "Array.from(document.querySelectorAll('.vega-embed svg.marks, .vega-embed canvas.marks'))"
            ".map(e => e.getBoundingClientRect().right)"
        )
        assert len(widths) >= 13 and max(widths) <= PHONE["width"]
        page.screenshot(path=str(ARTIFACTS / "dashboard-overzicht-phone-figuur1.png"))
        scroll_to(page, ".st-key-fig_worker_qualities_by_gap")
        page.screenshot(path=str(ARTIFACTS / "dashboard-overzicht-phone-figuur9.png"))
        assert scroll_width(page) <= PHONE["width"]
    finally:
        context.close()
