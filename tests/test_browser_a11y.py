"""Accessibility in a real browser (issue 12): WCAG 2.1 AA checked by axe-core, keyboard only,
200 % zoom, read aloud.

* axe-core (tests/_axe.py: pinned, from the npm registry) runs on every respondent page
  (welcome, every step, review, thank-you) in every language and for both respondent types,
  and on every staff page signed in as beheerder; a serious or critical violation fails;
* the whole questionnaire is completed with the keyboard alone (Tab, arrows, space, Enter)
  and the response is stored;
* at 200 % zoom (a 1280 px screen is 640 CSS px wide) no page scrolls sideways;
* the read-aloud button of a question is a real button, reachable with Tab, and speaks the
  question and its answers with the browser's speech synthesis (stubbed here: nothing is sent).
"""

from __future__ import annotations

import pytest
from _auth_helpers import PASSWORD, ROLE_ACCOUNTS, make_users
from _axe import serious_violations
from _browser_helpers import ARTIFACTS, SECRET, chromium, serve_app, sidebar_pages, sign_in
from _browser_helpers import settle as _settle

from analysis import contract, i18n
from survey_app.respond import flow
from survey_app.storage import Storage

pytestmark = [pytest.mark.browser, pytest.mark.slow]

UI_TIMEOUT_MS = 60_000
LANGS = i18n.languages()
TYPES = contract.RESPONDENT_TYPES
#: records every utterance instead of speaking (the page's own speech synthesis is replaced)
SPEECH_STUB = """
window.__spoken = [];
const fake = {speak(u) { window.__spoken.push({text: u.text, lang: u.lang}); }, cancel() {}, speaking: false,
              getVoices() { return []; }};
Object.defineProperty(window, 'speechSynthesis', {value: fake, configurable: true});
window.SpeechSynthesisUtterance = function (text) { this.text = text; this.lang = ''; };
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """(base url of the public server, Storage, open round with both respondent types, one institution)."""
    data = tmp_path_factory.mktemp("a11y-data")
    storage = Storage(f"sqlite:///{data / 'survey.sqlite'}", secret_key=SECRET)
    info, _ = storage.create_round(name="Toegankelijkheid", gis=("JBW",), access="open")
    info = storage.set_languages(info.id, LANGS)  # every language with a catalog, Turkish too
    try:
        with serve_app(data, "--no-demo") as base:
            yield base, storage, info
    finally:
        storage.dispose()


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def _context(browser, *, width=375, height=740, scale=2, mobile=True):
    ctx = browser.new_context(
        viewport={"width": width, "height": height},
        is_mobile=mobile,
        has_touch=mobile,
        device_scale_factor=scale,
        locale="nl-NL",
    )
    ctx.set_default_timeout(UI_TIMEOUT_MS)
    return ctx


def settle(page) -> None:
    _settle(page, pause_ms=250, timeout_ms=UI_TIMEOUT_MS)


def t(key: str, lang: str, rtype: str | None = None, **kw) -> str:
    return flow.t(key, lang, rtype, **kw)


def open_round(page, base: str, info, lang: str) -> None:
    page.goto(f"{base}/?ronde={info.id}&taal={lang}", timeout=UI_TIMEOUT_MS)
    page.get_by_text(t("who_label", lang)).wait_for()
    settle(page)


def retry(page, action, done, *, tries: int = 4) -> None:
    """Do ``action`` until ``done(page)`` holds (a click that lands while Streamlit redraws is repeated)."""
    for _ in range(tries):
        action()
        settle(page)
        for _ in range(60):  # a busy machine may take a while; never click twice too soon
            if done(page):
                return
            page.wait_for_timeout(250)
        settle(page)
    raise AssertionError("the page did not react")


def start(page, lang: str, rtype: str) -> None:
    group = page.locator('[data-testid="stRadio"]').filter(has_text=t("who_label", lang))
    option = group.locator("label:has(input[type=radio])").filter(has_text=t(f"who.{rtype}", lang))
    retry(page, option.click, lambda p: option.locator("input").is_checked())
    welcome = page.get_by_role("button", name=t("start_button", lang))
    retry(page, welcome.click, lambda p: welcome.count() == 0)


def answer_visible_questions(page) -> None:
    """Answer every shown question that has no answer yet: the second option of a choice
    (so n_workers >= 1 and every step is shown), 7 for the grade; repeat while new ones appear."""
    groups = page.locator('[data-testid="stRadio"]')
    for _ in range(20):
        todo = [i for i in range(groups.count()) if groups.nth(i).locator("input:checked").count() == 0]
        if not todo:
            break
        option = groups.nth(todo[0]).locator("label:has(input[type=radio])").nth(1)
        retry(page, option.click, lambda p, o=option: o.locator("input").is_checked())
    pills = page.locator('[data-testid="stButtonGroup"]')
    if pills.count() and pills.get_by_role("radio", name="7", exact=True).count():
        seven = pills.get_by_role("radio", name="7", exact=True)
        retry(page, seven.click, lambda p: seven.get_attribute("aria-checked") == "true")


def heading(page) -> str:
    h = page.get_by_role("heading", level=2)
    return h.first.inner_text() if h.count() else ""


def on_review(page, lang: str, rtype: str) -> bool:
    return page.get_by_role("heading", name=t("review_title", lang, rtype)).count() > 0


def choose_variant(page, lang: str, variant: str) -> None:
    """Switch to the easy-read version with its button (the standard version is the default)."""
    if variant == "standaard":
        return
    easy = page.get_by_role("button", name=i18n.text("a11y.easy.to_easy", lang))
    back = page.get_by_role("button", name=i18n.text("a11y.easy.to_standard", lang))
    retry(page, easy.click, lambda p: back.count() == 1)


def practice_button(page, lang: str):
    return page.get_by_role("button", name=i18n.text("a11y.easy.practice_done", lang))


def walk(page, lang: str, rtype: str, check, variant: str = "standaard") -> None:
    """From the welcome page to the thank-you page; ``check(page, where)`` on every page."""
    where = f"{lang}/{rtype}/{variant}"
    choose_variant(page, lang, variant)
    check(page, f"{where}/welcome")
    start(page, lang, rtype)
    if variant == "makkelijk":
        assert practice_button(page, lang).count() == 1, "the easy-read version starts with a practice question"
        assert page.get_by_text(i18n.text("a11y.easy.no_right_answers", lang)).count() >= 1
        answer_visible_questions(page)
        check(page, f"{where}/practice")
        done = practice_button(page, lang)
        retry(page, done.click, lambda p: done.count() == 0)
    for i in range(1, 30):
        if on_review(page, lang, rtype):
            break
        answer_visible_questions(page)
        check(page, f"{where}/step {i}")
        here = heading(page)
        for _ in range(4):  # a click that landed during a redraw is lost: answer again, then go on
            answer_visible_questions(page)
            page.wait_for_timeout(500)
            settle(page)
            nxt = page.get_by_role("button", name=t("next", lang))
            if nxt.count() == 0:
                nxt = page.get_by_role("button", name=t("to_review", lang))
            nxt.click()
            settle(page)
            for _ in range(60):
                if heading(page) != here:
                    break
                page.wait_for_timeout(250)
            if heading(page) != here:
                break
        assert heading(page) != here, f"{where}/step {i}: the next page did not come"
    assert on_review(page, lang, rtype)
    check(page, f"{where}/review")
    send = page.get_by_role("button", name=t("submit", lang))
    retry(page, send.click, lambda p: p.get_by_role("heading", name=t("thanks_title", lang)).count() > 0)
    settle(page)
    check(page, f"{where}/thanks")


# --------------------------------------------------------------------------- axe-core


#: every language and respondent type in the standard version; the easy-read version in every
#: language that has its wording (not yet Turkish) for youths, and in Dutch for parents
RESPONDENT_RUNS = [
    *[(lang, rtype, "standaard") for lang in LANGS for rtype in TYPES],
    *[(lang, "jeugdige", "makkelijk") for lang in LANGS if flow.has_wording(lang, "makkelijk")],
    ("nl", "ouder", "makkelijk"),
]


@pytest.mark.parametrize(("lang", "rtype", "variant"), RESPONDENT_RUNS)
def test_browser_a11y_axe_finds_nothing_serious_on_any_respondent_page(server, browser, lang, rtype, variant):
    base, storage, info = server
    ctx = _context(browser)
    page = ctx.new_page()
    found: list[str] = []
    pages: list[str] = []

    def check(p, where):
        pages.append(where)
        found.extend(serious_violations(p, where))
        html_lang = p.evaluate("[document.documentElement.lang, document.documentElement.dir]")
        if html_lang != [i18n.text("language.tag", lang), i18n.text("a11y.direction", lang)]:
            found.append(f"{where}: <html lang/dir> is {html_lang}")

    before = storage.count_responses(info.id)
    open_round(page, base, info, lang)
    walk(page, lang, rtype, check, variant)
    ctx.close()
    assert storage.count_responses(info.id) == before + 1
    # welcome, six steps (easy-read: a practice question and one question per page), review, thank-you
    assert len(pages) >= (9 if variant == "standaard" else 23), pages
    assert found == [], "\n".join(found)


@pytest.fixture(scope="module")
def staff(tmp_path_factory):
    data = tmp_path_factory.mktemp("a11y-staff")
    s = Storage(f"sqlite:///{data / 'survey.sqlite'}", secret_key=SECRET)
    make_users(s, roles=("beheerder",))
    s.dispose()
    with serve_app(data, "--staff") as base:
        yield base


def test_browser_a11y_axe_finds_nothing_serious_on_any_staff_page(staff, browser):
    ctx = _context(browser, width=1280, height=900, scale=1, mobile=False)
    page = ctx.new_page()
    found: list[str] = []
    page.goto(staff + "/", timeout=UI_TIMEOUT_MS)
    page.get_by_label("Naam").wait_for()
    settle(page)
    found += serious_violations(page, "sign-in")
    name, _ = ROLE_ACCOUNTS["beheerder"]
    sign_in(page, staff, name, PASSWORD)
    page.get_by_role("heading", name="Kerncijfers").wait_for()
    settle(page)
    titles = sidebar_pages(page)
    assert len(titles) >= 8, titles
    found += serious_violations(page, titles[0])
    for title in titles[1:]:
        page.locator('[data-testid="stSidebarNav"] a').filter(has_text=title).click()
        settle(page)
        page.get_by_role("heading", level=1).first.wait_for()
        page.wait_for_timeout(800)  # charts render after the run
        found += serious_violations(page, title)
        charts_shown = page.locator('[data-testid="stVegaLiteChart"]').count()
        alternatives = page.locator('p[style*="clip"]').count()  # downloads.show_chart: the text alternative
        if alternatives < charts_shown:
            found.append(f"{title}: {charts_shown} charts, {alternatives} text alternatives")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "a11y-staff-last-page.png"))
    ctx.close()
    assert found == [], "\n".join(found)


# --------------------------------------------------------------------------- keyboard only


def _active(page) -> dict:
    return page.evaluate(
        """() => { const a = document.activeElement; if (!a) return {};
            const group = a.closest('[data-testid="stRadio"], [data-testid="stButtonGroup"], '
                                    + '[data-testid="stTextArea"]');
            return {tag: a.tagName, type: a.type || '', text: (a.innerText || '').trim(),
                    label: a.getAttribute('aria-label') || '', checked: !!a.checked,
                    group: group ? group.innerText.split('\\n')[0] : ''}; }"""
    )


def tab_to(page, matches, *, limit: int = 120) -> dict:
    """Press Tab until the focused element matches; fails after ``limit`` presses.
    (Leaving a text box makes Streamlit run the page again; the next Tab waits for it.)"""
    for _ in range(limit):
        page.keyboard.press("Tab")
        page.wait_for_timeout(40)
        settle(page)
        a = _active(page)
        if matches(a):
            return a
    raise AssertionError("Tab never reached the element")


def key_button(page, name: str) -> None:
    # a Streamlit button's text holds its icon's name on another line ("Volgende\n\narrow_forward")
    tab_to(page, lambda a: a.get("tag") == "BUTTON" and name in a.get("text", "").split("\n"))
    page.keyboard.press("Enter")
    settle(page)


def key_choose(page, question: str, steps_down: int) -> None:
    """Tab into the radio group of ``question`` and move ``steps_down`` options down with the arrow key."""
    tab_to(page, lambda a: a.get("type") == "radio" and a.get("group", "").startswith(question))
    page.keyboard.press("Space")  # the first option
    for _ in range(steps_down):
        page.keyboard.press("ArrowDown")
    settle(page)


def test_browser_a11y_keyboard_alone_completes_the_questionnaire(server, browser):
    base, storage, info = server
    lang, rtype = "nl", "jeugdige"
    ctx = _context(browser, width=1280, height=900, scale=1, mobile=False)
    page = ctx.new_page()
    before = storage.count_responses(info.id)
    open_round(page, base, info, lang)
    page.evaluate("() => { if (document.activeElement) document.activeElement.blur(); }")
    key_choose(page, t("who_label", lang), 1)  # ouder, jeugdige
    key_button(page, t("start_button", lang))
    page.get_by_role("heading", name="Over de maatregel").wait_for()
    key_choose(page, "Welke maatregel heb jij?", 1)  # ots
    key_button(page, t("next", lang))
    page.get_by_role("heading", name="Jouw jeugdzorgwerker").wait_for()
    key_choose(page, "Hoeveel jeugdzorgwerkers", 2)  # 2
    key_choose(page, "Was er een tijd", 1)  # nee
    key_button(page, t("next", lang))
    page.get_by_role("heading", name="Meedoen en meepraten").wait_for()
    key_choose(page, "Vraagt de jeugdzorgwerker wat jij ervan vindt?", 0)  # altijd
    key_button(page, t("next", lang))
    page.get_by_role("heading", name="De hulp").wait_for()
    key_choose(page, "Gaat het beter door de hulp", 0)  # ja
    key_button(page, t("next", lang))
    page.get_by_role("heading", name="Wat vind jij van de jeugdzorgwerker?").wait_for()
    key_choose(page, "De jeugdzorgwerker begrijpt mij", 2)  # nee
    key_button(page, t("next", lang))
    page.get_by_role("heading", name="Rapportcijfer").wait_for()
    # the grade is one radio group (one Tab stop): the arrow keys move, Enter chooses
    tab_to(page, lambda a: a.get("tag") == "BUTTON" and a.get("text") == "1")
    for _ in range(7):
        page.keyboard.press("ArrowRight")
    assert _active(page)["text"] == "8"
    page.keyboard.press("Enter")
    settle(page)
    tab_to(page, lambda a: a.get("tag") == "TEXTAREA")
    page.keyboard.type("Met het toetsenbord ingevuld.")
    key_button(page, t("to_review", lang))
    page.get_by_role("heading", name=t("review_title", lang, rtype)).wait_for()
    key_button(page, t("submit", lang))
    page.get_by_role("heading", name=t("thanks_title", lang)).wait_for()
    ctx.close()
    assert storage.count_responses(info.id) == before + 1
    df = storage.load_responses(round_ids=[info.id])
    row = df[df["comment_grade"] == "Met het toetsenbord ingevuld."].iloc[0]
    got = {k: row[k] for k in ("respondent_type", "measure_type", "n_workers", "had_gap", "opinion_asked")}
    assert got == {
        "respondent_type": "jeugdige",
        "measure_type": "ots",
        "n_workers": 2,
        "had_gap": "nee",
        "opinion_asked": "altijd",
    }
    assert (row["help_improves"], row["quality_understanding"], row["grade"]) == ("ja", "nee", 8)


def _radio_groups(page) -> list[tuple[str, bool]]:
    """(first line of the label, answered) of every radio group on the page, in order."""
    return page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stRadio"]')].map(
            g => [g.innerText.split('\\n')[0], !!g.querySelector('input:checked')])"""
    )


def test_browser_a11y_keyboard_alone_completes_the_easy_read_version(server, browser):
    # issue 12, "done when": a youth can finish the easy-read version with the keyboard alone
    base, storage, info = server
    lang, rtype = "nl", "jeugdige"
    ctx = _context(browser, width=1280, height=900, scale=1, mobile=False)
    page = ctx.new_page()
    before = storage.count_responses(info.id)
    open_round(page, base, info, lang)
    page.evaluate("() => { if (document.activeElement) document.activeElement.blur(); }")
    key_button(page, i18n.text("a11y.easy.to_easy", lang))
    page.get_by_role("button", name=i18n.text("a11y.easy.to_standard", lang)).wait_for()
    key_choose(page, t("who_label", lang), 1)
    key_button(page, t("start_button", lang))
    practice_button(page, lang).wait_for()
    key_choose(page, "Eet jij graag ijs?", 0)
    key_button(page, i18n.text("a11y.easy.practice_done", lang))
    for _ in range(30):
        if on_review(page, lang, rtype):
            break
        for label, answered in _radio_groups(page):
            if not answered:
                key_choose(page, label.rstrip(" *"), 1)
        if page.locator('[data-testid="stButtonGroup"]').count():
            tab_to(page, lambda a: a.get("tag") == "BUTTON" and a.get("text") == "1")
            for _ in range(6):
                page.keyboard.press("ArrowRight")
            page.keyboard.press("Enter")
            settle(page)
        last = page.get_by_role("button", name=t("to_review", lang)).count() > 0
        here = heading(page)
        key_button(page, t("to_review" if last else "next", lang))
        for _ in range(120):  # the next page is there before the next key press
            if heading(page) != here:
                break
            page.wait_for_timeout(250)
    assert on_review(page, lang, rtype)
    key_button(page, t("submit", lang))
    page.get_by_role("heading", name=t("thanks_title", lang)).wait_for()
    ctx.close()
    assert storage.count_responses(info.id) == before + 1
    with storage.engine.connect() as conn:
        n_easy = conn.exec_driver_sql(
            "SELECT count(*) FROM responses WHERE round_id = ? AND questionnaire_variant = 'makkelijk'", (info.id,)
        ).scalar()
    assert n_easy >= 1


# --------------------------------------------------------------------------- zoom


def test_browser_a11y_200_percent_zoom_never_scrolls_sideways(server, browser):
    # 200 % zoom on a 1280 px wide screen: 640 CSS pixels at device scale 2
    base, _, info = server
    ctx = _context(browser, width=640, height=800, scale=2, mobile=False)
    page = ctx.new_page()
    wide: list[str] = []

    def check(p, where):
        width = p.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
        if width > 640:
            wide.append(f"{where}: {width} px")

    open_round(page, base, info, "nl")
    walk(page, "nl", "ouder", check)
    page = ctx.new_page()
    open_round(page, base, info, "nl")
    walk(page, "nl", "jeugdige", check, "makkelijk")
    ctx.close()
    assert wide == []


# --------------------------------------------------------------------------- read aloud


def test_browser_a11y_read_aloud_button_speaks_the_question_and_its_answers(server, browser):
    base, _, info = server
    ctx = _context(browser, width=1280, height=900, scale=1, mobile=False)
    ctx.add_init_script(SPEECH_STUB)
    page = ctx.new_page()
    open_round(page, base, info, "nl")
    start(page, "nl", "ouder")
    page.get_by_role("heading", name="Over de maatregel").wait_for()
    button = page.get_by_role("button", name="Lees voor: Welke maatregel heeft uw kind?")
    assert button.count() == 1
    assert button.evaluate("b => b.tabIndex") >= 0
    # reachable with the keyboard, and Enter reads aloud
    page.evaluate("() => { if (document.activeElement) document.activeElement.blur(); }")
    tab_to(page, lambda a: a.get("label") == "Lees voor: Welke maatregel heeft uw kind?")
    page.keyboard.press("Enter")
    page.wait_for_function("window.__spoken.length > 0")
    spoken = page.evaluate("window.__spoken")
    assert spoken[-1]["lang"] == "nl-NL"
    text = spoken[-1]["text"]
    assert text.startswith("Welke maatregel heeft uw kind?")
    assert "De antwoorden zijn: Jeugdreclassering, Ondertoezichtstelling (OTS), Voogdij, Weet ik niet." in text
    # English: an English voice
    page.goto(f"{base}/?ronde={info.id}&taal=en", timeout=UI_TIMEOUT_MS)
    page.get_by_text(t("who_label", "en")).wait_for()
    settle(page)
    start(page, "en", "jeugdige")
    page.get_by_role("button", name="Read aloud: What measure do you have?").click()
    page.wait_for_function("window.__spoken.length > 0")
    spoken = page.evaluate("window.__spoken")
    assert spoken[-1] == {
        "text": flow.read_aloud_text(flow_item("measure_type"), "jeugdige", "en"),
        "lang": "en-GB",
    }
    ctx.close()


def flow_item(item_id: str):
    from analysis.questionnaire import load_questionnaire

    return load_questionnaire().item(item_id)
