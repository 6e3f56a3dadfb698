"""The two surfaces in a real browser: the launcher's servers, Debian Chromium.

* the public server (``survey-app serve``): no URL reaches a staff page, a
  sign-in form, a download or an upload; without a round it explains the
  invitation link;
* the staff server (``survey-app serve --staff``): an anonymous visitor sees
  only the sign-in form, whatever the URL; each role, signed in with the
  form, sees exactly its pages in the menu, and can sign out;
* ``survey-app demo`` (``make run``): both servers, both links, a one-time
  password that must be replaced at the first sign-in.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request

import pytest
from _auth_helpers import PASSWORD, ROLE_ACCOUNTS, make_users
from _browser_helpers import ARTIFACTS, SECRET, app_env, chromium, free_port, serve_app, sidebar_pages, sign_in
from _browser_helpers import settle as _settle

from analysis import contract
from survey_app.storage import Storage

pytestmark = [pytest.mark.browser, pytest.mark.slow]

UI_TIMEOUT_MS = 60_000
STAFF_PATHS = (
    "",
    "overzicht",
    "inspectierapport",
    "vergelijken",
    "verbanden",
    "opmerkingen",
    "rondeverslag",
    "import-export",
    "microdata",
    "logboek",
    "aanmelden",
    "start",
    "vragenlijst",
)
TRICKS = ("", "?gi=JBN&rol=beheerder&scope=all", "?page=logboek&staff=1")
MENU = {
    "beheerder": [
        "Overzicht",
        "Inspectierapport",
        "Vergelijken",
        "Verbanden",
        "Opmerkingen",
        "Import en export",
        "Microdata",
        "Rondes",
        "Logboek",
    ],
    "inspecteur": [
        "Overzicht",
        "Inspectierapport",
        "Vergelijken",
        "Verbanden",
        "Opmerkingen",
        "Import en export",
        "Microdata",
        "Rondes",
    ],
    "gi": ["Overzicht", "Inspectierapport", "Vergelijken", "Opmerkingen", "Rondeverslag", "Rondes"],
    "onderzoeker": ["Overzicht", "Inspectierapport", "Vergelijken", "Verbanden", "Rondeverslag", "Microdata"],
}


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """A data folder with the accounts (the servers load the demo round themselves)."""
    path = tmp_path_factory.mktemp("access-browser")
    s = Storage(f"sqlite:///{path / 'survey.sqlite'}", secret_key=SECRET)
    make_users(s)
    s.dispose()
    return path


@pytest.fixture(scope="module")
def public_url(data):
    with serve_app(data) as base:
        yield base


@pytest.fixture(scope="module")
def staff_url(data):
    with serve_app(data, "--staff") as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    ctx.set_default_timeout(UI_TIMEOUT_MS)
    p = ctx.new_page()
    yield p
    ctx.close()


def settle(page) -> None:
    _settle(page, pause_ms=300, timeout_ms=UI_TIMEOUT_MS)


def h1(page) -> list[str]:
    return page.get_by_role("heading", level=1).all_inner_texts()


def assert_nothing_of_staff(page, where: str) -> None:
    assert sidebar_pages(page) == [], where
    for testid in ("stDownloadButton", "stFileUploader", "stMetric", "stDataFrame", "stSidebar"):
        assert page.locator(f'[data-testid="{testid}"]').count() == 0, (where, testid)
    assert page.locator('input[type="password"]').count() == 0, where


def test_browser_public_server_never_reaches_a_staff_page(public_url, page):
    for path in STAFF_PATHS:
        for trick in TRICKS:
            url = f"{public_url}/{path}{trick}"
            page.goto(url)
            page.get_by_role("heading", name="Vragenlijst over de jeugdzorgwerker").wait_for()
            settle(page)
            assert h1(page) == ["Vragenlijst over de jeugdzorgwerker"], url
            assert page.get_by_text("Gebruik de link uit uw uitnodiging").first.is_visible(), url
            assert_nothing_of_staff(page, url)
    # with a round in the link every path opens the questionnaire, and nothing else
    for path in ("overzicht", "logboek", "aanmelden"):
        url = f"{public_url}/{path}?ronde={contract.DEMO_ROUND_ID}&gi=JBN"
        page.goto(url)
        page.get_by_text("Wie vult de vragenlijst in?").wait_for()
        settle(page)
        assert h1(page) == ["Wat vindt u van uw jeugdzorgwerker?"], url
        assert_nothing_of_staff(page, url)
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(f"{public_url}/overzicht")
    page.get_by_role("heading", name="Vragenlijst over de jeugdzorgwerker").wait_for()
    settle(page)
    page.screenshot(path=str(ARTIFACTS / "access-public-overzicht.png"))


def test_browser_staff_server_shows_an_anonymous_visitor_only_the_sign_in_form(staff_url, page):
    for path in STAFF_PATHS:
        for trick in TRICKS:
            url = f"{staff_url}/{path}{trick}"
            page.goto(url)
            page.get_by_label("Naam").wait_for()
            settle(page)
            assert h1(page) == ["Aanmelden"], url
            assert sidebar_pages(page) == [], url
            for testid in ("stDownloadButton", "stFileUploader", "stMetric", "stDataFrame", "stVegaLiteChart"):
                assert page.locator(f'[data-testid="{testid}"]').count() == 0, (url, testid)
            assert page.get_by_text("Synthetische voorbeelddata").count() == 0, url
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "access-staff-sign-in.png"))


@pytest.mark.parametrize("role", list(MENU))
def test_browser_each_role_sees_exactly_its_pages(data, staff_url, page, role):
    name, gi = ROLE_ACCOUNTS[role]
    sign_in(page, staff_url, name, PASSWORD)
    page.get_by_role("heading", name="Kerncijfers").wait_for()
    settle(page)
    assert sidebar_pages(page) == MENU[role]
    assert page.get_by_text(f"Aangemeld als {name}").first.is_visible()
    respondents = page.locator('[data-testid="stMetric"]').filter(has_text="Respondenten")
    value = respondents.locator('[data-testid="stMetricValue"]').inner_text().strip()
    s = Storage(f"sqlite:///{data / 'survey.sqlite'}", secret_key=SECRET)
    try:
        everything = s.load_responses()
    finally:
        s.dispose()
    expected = int((everything["gi"] == gi).sum()) if gi else len(everything)
    assert int(value) == expected and 0 < expected <= 1523  # a gi account: its own institution only
    # every menu page opens (client-side navigation keeps the session)
    for title in MENU[role][1:]:
        page.locator('[data-testid="stSidebarNav"] a').filter(has_text=title).click()
        settle(page)
        page.get_by_role("heading", level=1).first.wait_for()
        assert page.get_by_text("U hebt geen toegang").count() == 0, title
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"access-{role}.png"))
    page.get_by_role("button", name="Afmelden").click()
    page.get_by_text("U bent afgemeld.").wait_for()
    settle(page)
    assert h1(page) == ["Aanmelden"] and sidebar_pages(page) == []


def test_browser_wrong_password_five_times_locks_the_account(staff_url, page):
    for i in range(5):
        sign_in(page, staff_url, "onderzoek", f"verkeerd-wachtwoord-{i}")
    page.get_by_text("Te veel mislukte pogingen").wait_for()
    sign_in(page, staff_url, "onderzoek", PASSWORD)
    page.get_by_text("Te veel mislukte pogingen").wait_for()
    assert sidebar_pages(page) == []


def test_browser_make_run_starts_both_servers_with_a_one_time_password(tmp_path, browser):
    port, staff_port = free_port(), free_port()
    env = app_env(tmp_path)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "survey_app.cli",
            "demo",
            "--port",
            str(port),
            "--staff-port",
            str(staff_port),
            "--address",
            "127.0.0.1",
        ],
        cwd=tmp_path,
        env={**env, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 180
        while not any(line.startswith("Stoppen") for line in lines):
            assert time.monotonic() < deadline and proc.poll() is None, "".join(lines)
            lines.append(proc.stdout.readline())
        out = "".join(lines)
        assert f"http://localhost:{port}/?ronde={contract.DEMO_ROUND_ID}" in out
        assert f"http://localhost:{staff_port}/" in out
        password = re.search(r"one-time password: (\S+)", out).group(1)
        assert len(password) >= 12
        for p in (port, staff_port):
            _wait_health(f"http://127.0.0.1:{p}", proc)
        ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
        ctx.set_default_timeout(UI_TIMEOUT_MS)
        page = ctx.new_page()
        sign_in(page, f"http://127.0.0.1:{staff_port}", "demo", password)
        page.get_by_role("heading", name="Kies een nieuw wachtwoord").wait_for()
        page.get_by_label("Nieuw wachtwoord", exact=True).fill("mijn-eigen-demo-wachtwoord")
        page.get_by_label("Nieuw wachtwoord nog een keer").fill("mijn-eigen-demo-wachtwoord")
        page.get_by_role("button", name="Wachtwoord opslaan").click()
        page.get_by_role("heading", name="Kerncijfers").wait_for()
        settle(page)
        assert "Logboek" in sidebar_pages(page)
        ctx.close()
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
    # both servers stopped with it
    for p in (port, staff_port):
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{p}/_stcore/health", timeout=2)


def _wait_health(base: str, proc) -> None:
    deadline = time.monotonic() + 240  # a server loads the de-identifier before it opens its port
    while time.monotonic() < deadline:
        assert proc.poll() is None
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail(f"{base} did not answer")
