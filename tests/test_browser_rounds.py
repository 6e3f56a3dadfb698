"""Running a round in a real browser (issue 11): the launcher's server, Debian Chromium.

On the staff page Rondes: a round for three institutions is made, the letters
are made and the PDF is downloaded; a code is read from the QR image on the
first page (rendered with pdfium, decoded with zxing-cpp); a second browser
context (a phone) opens that link and answers; the monitor count goes up; the
round is closed; every step is in the audit log under the inspector's name.

The inspector signs in on the staff server (``serve --staff``); the letters
print the public server's address (``SURVEY_PUBLIC_URL``) and the parent
answers on the public server.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from _auth_helpers import PASSWORD, ROLE_ACCOUNTS, make_users
from _browser_helpers import ARTIFACTS, SECRET, chromium, serve_app, sign_in
from _browser_helpers import settle as _settle

from survey_app.storage import Storage

pytestmark = [pytest.mark.browser, pytest.mark.slow]

UI_TIMEOUT_MS = 60_000
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """(staff url, public url, storage): both servers on one database with an inspecteur account."""
    import os

    data = tmp_path_factory.mktemp("rounds-browser")
    storage = Storage(f"sqlite:///{data / 'survey.sqlite'}", secret_key=SECRET)
    make_users(storage, roles=("inspecteur",))
    try:
        with serve_app(data, "--no-demo") as public:
            old = os.environ.get("SURVEY_PUBLIC_URL")
            os.environ["SURVEY_PUBLIC_URL"] = public
            try:
                with serve_app(data, "--no-demo", "--staff") as staff:
                    yield staff, public, storage
            finally:
                if old is None:
                    os.environ.pop("SURVEY_PUBLIC_URL", None)
                else:
                    os.environ["SURVEY_PUBLIC_URL"] = old
    finally:
        storage.dispose()


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def settle(page) -> None:
    _settle(page, pause_ms=300, timeout_ms=UI_TIMEOUT_MS)


def metric(page, label: str) -> str:
    card = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return card.locator('[data-testid="stMetricValue"]').inner_text().strip()


def open_rounds_page(context, base: str):
    """Sign in as inspecteur and open Rondes from the menu (the session lives in this tab)."""
    page = context.new_page()
    sign_in(page, base, ROLE_ACCOUNTS["inspecteur"][0], PASSWORD, timeout_ms=UI_TIMEOUT_MS)
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Rondes").first.click()
    settle(page)
    page.get_by_role("heading", name="Rondes", exact=True).wait_for()
    settle(page)
    return page


def answer_as_parent(page) -> None:
    """The required questions only, as a parent; the code came with the link."""

    def choose(question: str, option: str) -> None:
        page.locator('[data-testid="stRadio"]').filter(has_text=question).get_by_text(option, exact=True).click()
        settle(page)

    def press(name: str) -> None:
        settle(page)  # no faded button of the previous step left (two buttons of one name)
        page.get_by_role("button", name=name).click()
        settle(page)

    choose("Wie vult de vragenlijst in?", "Ik ben ouder of verzorger")
    assert page.get_by_label("Uw code").count() == 0  # filled in from the QR link
    press("Begin met de vragen")
    page.get_by_role("heading", name="Over de maatregel").wait_for()
    choose("Welke maatregel heeft uw kind?", "Voogdij")
    press("Volgende")
    page.get_by_role("heading", name="Uw jeugdzorgwerker").wait_for()
    choose("Hoeveel jeugdzorgwerkers", "2")
    for heading in ("Meedoen en meepraten", "De hulp", "Wat vindt u van de jeugdzorgwerker?", "Rapportcijfer"):
        press("Volgende")
        page.get_by_role("heading", name=heading).wait_for()
    page.get_by_role("radio", name="8", exact=True).click()
    settle(page)
    press("Naar het overzicht")
    page.get_by_role("heading", name="Kloppen uw antwoorden?").wait_for()
    press("Versturen")
    page.get_by_role("heading", name="Bedankt!").wait_for()


def test_browser_rounds_create_print_letters_answer_and_watch_the_monitor(app, browser, tmp_path):
    from test_letters import read_qr_codes

    base, public, storage = app
    ARTIFACTS.mkdir(exist_ok=True)
    staff = browser.new_context(viewport=DESKTOP, locale="nl-NL", accept_downloads=True)
    staff.set_default_timeout(UI_TIMEOUT_MS)
    page = open_rounds_page(staff, base)

    # 1. a round for three institutions (the five are preselected: take two away)
    page.get_by_role("textbox", name="Naam van de ronde").fill("Browserronde 2026")
    page.get_by_role("textbox", name="Naam van de ronde").press("Tab")
    settle(page)
    for gi in ("JBRA - Jeugdbescherming Regio Amsterdam", "JBW - Jeugdbescherming West"):
        page.get_by_role("button", name=f"Remove {gi}").click()
        settle(page)
    page.get_by_role("button", name="Ronde maken").click()
    settle(page)
    page.get_by_text("Ronde 'Browserronde 2026' is gemaakt.").wait_for()
    (info,) = storage.list_rounds()
    assert info.gis == ("JBG", "JBN", "WSS") and info.access == "codes"
    page.screenshot(path=str(ARTIFACTS / "rounds-1-created.png"), full_page=True)

    # 2. letters: one per institution and respondent type, downloaded as PDF
    page.get_by_role("tab", name="Brieven").click()
    n_input = page.get_by_label("Aantal brieven per instelling en soort")
    n_input.fill("1")
    n_input.press("Enter")
    settle(page)
    page.get_by_role("button", name="Codes en brieven maken").click()
    settle(page)
    page.get_by_text("6 brieven zijn klaar.").wait_for()
    page.screenshot(path=str(ARTIFACTS / "rounds-2-letters.png"), full_page=True)
    with page.expect_download() as dl:
        page.get_by_role("button", name="Brieven (PDF)").click()
    pdf_path = tmp_path / dl.value.suggested_filename
    dl.value.save_as(pdf_path)
    assert pdf_path.suffix == ".pdf"
    qrs = read_qr_codes(pdf_path.read_bytes())
    assert len(qrs) == 6 and all(len(q) == 1 for q in qrs)
    link = qrs[0][0]
    params = parse_qs(urlsplit(link).query)
    assert link.startswith(public + "/?") and params["ronde"] == [info.id] and params["gi"] == ["JBG"]
    code = params["code"][0]
    assert storage.check_code(info.id, code) == "valid"

    # 3. the monitor before any answer
    page.get_by_role("tab", name="Respons").click()
    page.get_by_text("Uitgenodigd").first.wait_for()
    assert metric(page, "Uitgenodigd") == "6"
    assert metric(page, "Ingevuld") == "0"

    # 4. a parent scans the QR code (a second browser context: another person, another device)
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="nl-NL")
    phone.set_default_timeout(UI_TIMEOUT_MS)
    answer = phone.new_page()
    answer.goto(link, timeout=UI_TIMEOUT_MS)
    answer.get_by_text("Wie vult de vragenlijst in?").wait_for()
    settle(answer)
    answer_as_parent(answer)
    answer.screenshot(path=str(ARTIFACTS / "rounds-3-answered.png"))
    phone.close()
    assert storage.check_code(info.id, code) == "used"
    assert storage.count_responses(info.id) == 1

    # 5. the staff page sees the count go up
    # (a reload would end the session: go to another page and back through the menu)
    nav = page.locator('[data-testid="stSidebarNav"] a')
    nav.filter(has_text="Overzicht").first.click()
    settle(page)
    nav.filter(has_text="Rondes").first.click()
    page.get_by_role("heading", name="Rondes", exact=True).wait_for()
    settle(page)
    page.get_by_role("tab", name="Respons").click()
    page.get_by_text("Uitgenodigd").first.wait_for()
    assert metric(page, "Ingevuld") == "1"
    assert metric(page, "Respons") == "17%"  # 1 of 6
    page.screenshot(path=str(ARTIFACTS / "rounds-4-monitor.png"), full_page=True)

    # 6. the inspector closes the round, still without the command line
    page.get_by_role("tab", name="Instellingen").click()
    settle(page)
    page.get_by_text("Ja, sluit deze ronde").click()
    settle(page)
    page.get_by_role("button", name="Ronde sluiten").click()
    settle(page)
    for _ in range(50):
        if storage.get_round(info.id).closed:
            break
        page.wait_for_timeout(200)
    assert storage.get_round(info.id).closed
    page.screenshot(path=str(ARTIFACTS / "rounds-5-closed.png"), full_page=True)
    staff.close()

    # every step is in the audit log under the inspector's name, never a code
    log = [r for r in storage.list_audit() if r.target == info.id]
    assert {r.actor for r in log} == {ROLE_ACCOUNTS["inspecteur"][0]}
    done = {r.action for r in log}
    assert {"round_create", "round_codes", "letters_made", "letters_download", "round_close"} <= done
    assert [r.detail for r in log if r.action == "letters_download"] == [
        "pdf: 6 letters: JBG/ouder 1, JBG/jeugdige 1, JBN/ouder 1, JBN/jeugdige 1, WSS/ouder 1, WSS/jeugdige 1"
    ]
    assert not any(code in (r.detail or "") or code.replace("-", "") in (r.detail or "") for r in log)
