"""The respondent flow in a real browser: the launcher's server, Debian Chromium at phone size.

Starts ``survey_app.web.launcher.run_app`` in a subprocess on a free loopback port
with a temporary data folder, creates a round with access codes through
Storage, answers the questionnaire as a youth at 375 x 740 px, then checks the
database holds exactly that response and that the used code is refused.
Screenshots go to ``test-artifacts/`` (git-ignored).
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from _browser_helpers import ARTIFACTS, ROOT, SECRET, chromium, serve_app
from _browser_helpers import settle as _settle

from survey_app.storage import Storage

pytestmark = [pytest.mark.browser, pytest.mark.slow]

UI_TIMEOUT_MS = 30_000
WIDTH, HEIGHT = 375, 740
LONG_WORD = "Jeugdbeschermingsbereikbaarheidsverbeteringsvoorstellenlijst"


@pytest.fixture(scope="module")
def app_server(tmp_path_factory):
    """(base url, Storage on the same database, round, codes); the server is stopped afterwards."""
    data = tmp_path_factory.mktemp("browser-data")
    storage = Storage(f"sqlite:///{data / 'survey.sqlite'}", secret_key=SECRET)
    info, codes = storage.create_round(name="Browsertest", gis=("JBW",), access="codes", n_codes=3)
    try:
        with serve_app(data, "--no-demo") as base:
            yield base, storage, info, codes
    finally:
        storage.dispose()


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def phone(browser):
    ctx = browser.new_context(
        viewport={"width": WIDTH, "height": HEIGHT},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
        locale="nl-NL",
    )
    ctx.set_default_timeout(UI_TIMEOUT_MS)
    yield ctx
    ctx.close()


# --------------------------------------------------------------------------- helpers


def settle(page) -> None:
    """Wait until Streamlit has finished the run an action started."""
    _settle(page, pause_ms=200, timeout_ms=UI_TIMEOUT_MS)


def choose(page, question: str, option: str) -> None:
    page.locator('[data-testid="stRadio"]').filter(has_text=question).get_by_text(option, exact=True).click()
    settle(page)


def press(page, name: str) -> None:
    page.get_by_role("button", name=name).click()
    settle(page)


def expect_heading(page, name: str) -> None:
    page.get_by_role("heading", name=name).wait_for()
    settle(page)


def scroll_width(page) -> int:
    return page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")


def shot(page, name: str, *, tall: bool = False) -> None:
    """A screenshot of what the phone shows (and, with ``tall``, of the whole page)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.wait_for_timeout(300)
    page.screenshot(path=str(ARTIFACTS / f"respond-{name}.png"))
    if tall:
        page.set_viewport_size({"width": WIDTH, "height": 3200})
        page.wait_for_timeout(400)
        page.screenshot(path=str(ARTIFACTS / f"respond-{name}-full.png"))
        page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
        page.wait_for_timeout(200)


def assert_no_horizontal_scroll(page, where: str) -> None:
    assert scroll_width(page) <= WIDTH, f"horizontal scrolling on {where}: {scroll_width(page)} px"


# --------------------------------------------------------------------------- the tests


def test_browser_respond_link_never_opens_another_page_on_a_fresh_server(app_server, phone):
    # Runs first, on a server nobody has visited: Streamlit's old multipage
    # feature would run any script in survey_app/web/screens/ by its URL without the
    # entry point (and its navigation) until st.navigation has run once.
    base, _, info, _ = app_server
    names = sorted(
        p.stem for p in (ROOT / "survey_app" / "web" / "screens").glob("*.py") if p.stem not in ("__init__", "respond")
    )
    assert {"overzicht", "aanmelden", "logboek"} <= set(names)
    page = phone.new_page()
    for name in names:
        page.goto(f"{base}/{name}?ronde={info.id}", timeout=60_000)
        page.get_by_text("Wie vult de vragenlijst in?").wait_for(timeout=60_000)
        settle(page)
        assert page.get_by_role("heading", level=1).all_inner_texts() == ["Wat vindt u van uw jeugdzorgwerker?"], name
    page.close()


def test_browser_respond_youth_on_a_phone_stores_one_response_and_refuses_the_used_code(app_server, phone):
    base, storage, info, codes = app_server
    code = codes[0]
    page = phone.new_page()
    page.goto(f"{base}/?ronde={info.id}&code={code}", timeout=60_000)
    page.get_by_text("Wie vult de vragenlijst in?").wait_for(timeout=60_000)
    settle(page)
    assert page.get_by_text("Uw antwoorden zijn anoniem").is_visible()
    assert page.get_by_text("Bij welke organisatie").count() == 0  # one GI: not asked
    assert page.get_by_label("Uw code").count() == 0  # the code is in the link
    assert_no_horizontal_scroll(page, "welcome")
    shot(page, "1-welcome", tall=True)

    choose(page, "Wie vult de vragenlijst in?", "Ik ben de jongere")
    press(page, "Begin met de vragen")
    expect_heading(page, "Over de maatregel")
    page.get_by_text("Stap 1 van").wait_for()
    press(page, "Volgende")  # required question not answered yet: stays, friendly message
    page.get_by_text("Wil je deze vraag nog invullen?").wait_for()
    choose(page, "Welke maatregel heb jij?", "Jeugdreclassering")
    shot(page, "2-step-measure")
    press(page, "Volgende")

    expect_heading(page, "Jouw jeugdzorgwerker")
    assert page.get_by_text("alleen gesproken").count() == 0  # shown only after n_workers >= 1
    choose(page, "Hoeveel jeugdzorgwerkers", "3")
    page.get_by_text("Heeft de jeugdzorgwerker jou alleen gesproken").wait_for()
    choose(page, "Was er een tijd", "Ja")
    choose(page, "alleen gesproken", "Ja, 1 keer")
    assert_no_horizontal_scroll(page, "step 2")
    shot(page, "3-step-workers", tall=True)
    press(page, "Volgende")

    expect_heading(page, "Meedoen en meepraten")
    choose(page, "Vraagt de jeugdzorgwerker wat jij ervan vindt?", "Soms")
    choose(page, "Mocht jij meepraten", "Nee")
    press(page, "Volgende")
    expect_heading(page, "De hulp")
    choose(page, "Gaat het beter door de hulp", "Niet helemaal")
    press(page, "Volgende")
    expect_heading(page, "Wat vind jij van de jeugdzorgwerker?")
    choose(page, "met respect met mij om", "Een beetje")
    choose(page, "goed bereiken", "Nee")
    press(page, "Volgende")

    expect_heading(page, "Rapportcijfer")
    grade = page.get_by_role("radio", name="6", exact=True)
    box = grade.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44, box  # a comfortable tap target
    grade.click()
    settle(page)
    page.get_by_role("textbox", name=re.compile("Waarom geef je dit cijfer")).fill("Ze komt vaak te laat.")
    page.get_by_role("textbox", name=re.compile("beter doen")).fill(LONG_WORD)  # must wrap, not scroll
    assert_no_horizontal_scroll(page, "grade")
    shot(page, "4-step-grade")
    press(page, "Naar het overzicht")

    expect_heading(page, "Kloppen je antwoorden?")
    # the step before may still be on the page for a moment (its text box holds the same text)
    page.get_by_role("textbox", name=re.compile("Waarom geef je dit cijfer")).wait_for(state="detached")
    page.get_by_text("Ze komt vaak te laat.").wait_for()
    page.get_by_text(LONG_WORD).wait_for()
    assert storage.count_responses(info.id) == 0  # nothing stored before "Versturen"
    assert_no_horizontal_scroll(page, "review")
    shot(page, "5-review", tall=True)
    press(page, "Versturen")

    expect_heading(page, "Bedankt!")
    assert_no_horizontal_scroll(page, "thank you")
    shot(page, "6-thanks")
    df = storage.load_responses(round_ids=[info.id])
    assert len(df) == 1
    row = df.iloc[0]
    expected = {
        "gi": "JBW",
        "respondent_type": "jeugdige",
        "measure_type": "jeugdreclassering",
        "n_workers": 3,
        "had_gap": "ja",
        "contact_one_on_one": "1_keer",
        "opinion_asked": "soms",
        "say_in_plan": "nee",
        "help_improves": "niet_helemaal",
        "quality_respectful": "een_beetje",
        "quality_reachable": "nee",
        "grade": 6,
        "comment_grade": "Ze komt vaak te laat.",
        "comment_improve": LONG_WORD,
    }
    assert {k: row[k] for k in expected} == expected
    for skipped in ("explained_at_start", "quality_clear", "involved_in_decisions"):
        assert pd.isna(row[skipped]), skipped
    assert storage.check_code(info.id, code) == "used"

    # the same browser, the used code again: refused, nothing new stored
    again = phone.new_page()
    again.goto(f"{base}/?ronde={info.id}&code={code}", timeout=60_000)
    again.get_by_text("Wie vult de vragenlijst in?").wait_for(timeout=60_000)
    settle(again)
    choose(again, "Wie vult de vragenlijst in?", "Ik ben de jongere")
    press(again, "Begin met de vragen")
    again.get_by_text("Deze code is al gebruikt").wait_for()
    assert again.get_by_role("heading", name="Over de maatregel").count() == 0
    again.get_by_label("Uw code").wait_for()  # another code may be typed
    shot(again, "7-used-code")
    assert storage.count_responses() == 1
    again.close()
    page.close()
