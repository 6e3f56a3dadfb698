"""Accessibility in a real browser (issue 12): WCAG 2.1 AA checked by axe-core, keyboard only,
200 % zoom, read aloud.

* axe-core (tests/_axe.py: pinned, from the npm registry) runs on every respondent page
  (welcome, every step, review, thank-you) in every language and for both respondent types,
  and on every staff page signed in as beheerder; a serious or critical violation fails;
* the whole questionnaire is completed with the keyboard alone (Tab, arrows, space, Enter)
  and the response is stored;
* at 200 % zoom (a 1280 px screen is 640 CSS px wide) no page scrolls sideways: checked on the
  walks of both Dutch versions, which run axe at that width instead of on a phone;
* the read-aloud button of a question is a real button, reachable with Tab, and speaks the
  question and its answers with the browser's speech synthesis (stubbed here: nothing is sent).

Waiting (these tests share two cores with the rest of the suite): no fixed sleeps before a
check.  :func:`settle` waits until Streamlit has been idle for a while (no run, no stale
element), every step waits for the element or state it needs (the next page's heading,
every chart drawn and its text alternative present), with generous timeouts.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from _auth_helpers import PASSWORD, ROLE_ACCOUNTS, make_users
from _axe import serious_violations
from _browser_helpers import ARTIFACTS, SECRET, chromium, serve_app, sidebar_pages, sign_in
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from analysis import contract, i18n
from survey_app.respond import flow
from survey_app.storage import Storage

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: generous: under the load of a full test run one Streamlit run can take tens of seconds
UI_TIMEOUT_MS = 120_000
#: Streamlit counts as done when it has been idle (no run, no stale element) this long
QUIET_MS = 400
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


#: true once the app has been idle for QUIET_MS without a break: not running a script and no
#: element left stale by the previous run (a run that has not started yet breaks the quiet)
_QUIET_JS = """(quiet) => {
    const app = document.querySelector('[data-testid="stApp"]');
    const idle = !!app && app.dataset.testScriptState === 'notRunning'
        && !document.querySelector('[data-testid="stElementContainer"][data-stale="true"]');
    const now = performance.now();
    if (!idle) { window.__a11yQuietSince = null; return false; }
    if (window.__a11yQuietSince == null) window.__a11yQuietSince = now;
    return now - window.__a11yQuietSince >= quiet;
}"""


def settle(page) -> None:
    """Wait until Streamlit has finished the run an action started (idle for QUIET_MS on end)."""
    page.evaluate("() => { window.__a11yQuietSince = null; }")
    page.wait_for_function(_QUIET_JS, arg=QUIET_MS, polling=100, timeout=UI_TIMEOUT_MS)


def wait_for_new_heading(page, before: str) -> bool:
    """Wait until the first level-2 heading is no longer ``before`` (the next page is there)."""
    try:
        page.wait_for_function(
            """(before) => { const h = document.querySelector('h2');
                             return !!h && h.innerText !== before; }""",
            arg=before,
            polling=100,
            timeout=UI_TIMEOUT_MS,
        )
    except PlaywrightTimeout:
        return False
    settle(page)
    return True


def t(key: str, lang: str, rtype: str | None = None, **kw) -> str:
    return flow.t(key, lang, rtype, **kw)


def open_round(page, base: str, info, lang: str) -> None:
    page.goto(f"{base}/?ronde={info.id}&taal={lang}", timeout=UI_TIMEOUT_MS)
    page.get_by_text(t("who_label", lang)).wait_for()
    settle(page)


def retry(page, action, done, *, tries: int = 4, wait_s: float = 30) -> None:
    """Do ``action`` until ``done(page)`` holds (a click that lands while Streamlit redraws is repeated).

    After each try the page is given ``wait_s`` seconds to show the result, so a slow run
    on a busy machine is never mistaken for a lost click (a second click could skip a page).
    """
    for _ in range(tries):
        action()
        settle(page)
        for _ in range(int(wait_s * 4)):
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
    return page.evaluate("() => { const h = document.querySelector('h2'); return h ? h.innerText : ''; }")


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
            settle(page)
            nxt = page.get_by_role("button", name=t("next", lang))
            if nxt.count() == 0:
                nxt = page.get_by_role("button", name=t("to_review", lang))
            nxt.click()
            if wait_for_new_heading(page, here):
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


#: walked at 200 % zoom (a 1280 px screen is 640 CSS px wide) instead of on a phone: axe and
#: the sideways-scroll check share the walk (one walk per version; the phone walks cover the rest)
ZOOM_RUNS = [("nl", "ouder", "standaard"), ("nl", "jeugdige", "makkelijk")]
ZOOM_WIDTH = 640


def axe_walk(server, browser, lang: str, rtype: str, variant: str, *, zoom: bool = False) -> list[str]:
    """Walk one questionnaire with axe (and at ``zoom`` the width check) on every page; returns the findings."""
    base, storage, info = server
    ctx = _context(browser, width=ZOOM_WIDTH, height=800, scale=2, mobile=False) if zoom else _context(browser)
    page = ctx.new_page()
    found: list[str] = []
    pages: list[str] = []

    def check(p, where):
        pages.append(where)
        found.extend(serious_violations(p, where))
        html_lang = p.evaluate("[document.documentElement.lang, document.documentElement.dir]")
        if html_lang != [i18n.text("language.tag", lang), i18n.text("a11y.direction", lang)]:
            found.append(f"{where}: <html lang/dir> is {html_lang}")
        if zoom:
            width = p.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
            if width > ZOOM_WIDTH:
                found.append(f"{where}: scrolls sideways ({width} px wide at 200 % zoom)")

    before = storage.count_responses(info.id)
    open_round(page, base, info, lang)
    walk(page, lang, rtype, check, variant)
    ctx.close()
    assert storage.count_responses(info.id) == before + 1
    # welcome, six steps (easy-read: a practice question and one question per page), review, thank-you
    assert len(pages) >= (9 if variant == "standaard" else 23), pages
    return found


def _every_language_and_version_once(runs: list[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
    """One walk per (language, version) in ``make test``, besides the zoom walks: the respondent
    types of one version share every component, only their wording differs."""
    chosen = {(lang, variant): (lang, rtype, variant) for lang, rtype, variant in ZOOM_RUNS}
    for lang, rtype, variant in runs:
        chosen.setdefault((lang, variant), (lang, rtype, variant))
    return set(chosen.values())


_IN_MAKE_TEST = _every_language_and_version_once(RESPONDENT_RUNS)


@pytest.mark.parametrize(
    ("lang", "rtype", "variant"),
    [
        # the other respondent types (about 4 minutes per walk on 2 cores) run in make test-a11y
        r if r in _IN_MAKE_TEST else pytest.param(*r, marks=pytest.mark.a11y_languages)
        for r in RESPONDENT_RUNS
        if r not in ZOOM_RUNS
    ],
)
def test_browser_a11y_axe_finds_nothing_serious_on_any_respondent_page(server, browser, lang, rtype, variant):
    found = axe_walk(server, browser, lang, rtype, variant)
    assert found == [], "\n".join(found)


@pytest.mark.parametrize(("lang", "rtype", "variant"), ZOOM_RUNS)
def test_browser_a11y_200_percent_zoom_never_scrolls_sideways_and_axe_finds_nothing(
    server, browser, lang, rtype, variant
):
    """Both versions at 200 % zoom: no page scrolls sideways, and axe finds nothing serious there either."""
    found = axe_walk(server, browser, lang, rtype, variant, zoom=True)
    assert found == [], "\n".join(found)


@pytest.fixture(scope="module")
def staff(tmp_path_factory):
    data = tmp_path_factory.mktemp("a11y-staff")
    s = Storage(f"sqlite:///{data / 'survey.sqlite'}", secret_key=SECRET)
    make_users(s, roles=("beheerder",))
    s.dispose()
    with serve_app(data, "--staff") as base:
        yield base


def open_staff_page(page, title: str) -> None:
    """Open a staff page from the menu and wait until it is that page, fully run."""
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text=title).click()
    # the menu marks the page shown (aria-current): never check the previous page by mistake
    page.locator('[data-testid="stSidebarNav"] a[aria-current="page"]').filter(has_text=title).wait_for()
    settle(page)
    page.get_by_role("heading", level=1).first.wait_for()


#: [charts, charts shown on screen, of those drawn (vega-embed made its canvas or svg), text
#: alternatives (downloads.show_chart)]; a chart in a tab not opened need not be drawn yet
_CHARTS_JS = """() => {
    const charts = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')];
    const shown = charts.filter(c => c.getClientRects().length > 0);
    const drawn = shown.filter(c => c.querySelector('canvas, svg')).length;
    const alternatives = document.querySelectorAll('p[style*="clip"]').length;
    return [charts.length, shown.length, drawn, alternatives];
}"""


def charts_drawn(page) -> tuple[int, int]:
    """Wait until every chart of the page is drawn and has its text alternative; (charts, alternatives).

    When the alternatives stay fewer than the charts, the counts are returned for the test to report."""
    try:
        page.wait_for_function(
            f"() => {{ const [n, shown, drawn, alt] = ({_CHARTS_JS})(); return drawn === shown && alt >= n; }}",
            polling=200,
            timeout=UI_TIMEOUT_MS,
        )
    except PlaywrightTimeout:
        pass
    n, _, _, alternatives = page.evaluate(_CHARTS_JS)
    return n, alternatives


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
    for i, title in enumerate(titles):
        if i:
            open_staff_page(page, title)
        charts_shown, alternatives = charts_drawn(page)  # axe checks the page as drawn, charts and all
        found += serious_violations(page, title)
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
    (Leaving a text box makes Streamlit run the page again: then the Tab waits for that run.
    Moving between buttons and radio groups starts no run, so it needs no wait.)"""
    a = _active(page)
    for _ in range(limit):
        left_text = a.get("tag") in ("TEXTAREA", "INPUT") and a.get("type") not in ("radio", "checkbox")
        page.keyboard.press("Tab")
        page.wait_for_timeout(40)
        if left_text:
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


def key_grade(page, grade: int) -> None:
    """The grade is one radio group (one Tab stop): the arrow keys move, Enter chooses."""
    tab_to(page, lambda a: a.get("tag") == "BUTTON" and a.get("text") == "1")
    for _ in range(grade - 1):
        page.keyboard.press("ArrowRight")
    assert _active(page)["text"] == str(grade)
    page.keyboard.press("Enter")
    settle(page)


def key_page(
    page,
    lang: str,
    *,
    title: str | None = None,
    answers: Sequence[tuple[str, int]] = (),
    grade: int | None = None,
    comment: str | None = None,
    last: bool = False,
) -> None:
    """Fill in one questionnaire page with the keyboard alone and go on with Enter.

    ``title``: the page's heading to wait for first; ``answers``: (start of the question,
    options down) per radio group; ``grade``: the mark to choose; ``comment``: text for the
    first text box; ``last``: the button is "Naar het overzicht", not "Volgende".
    Returns when the next page is there.
    """
    if title is not None:
        page.get_by_role("heading", name=title).wait_for()
        settle(page)
    for question, steps_down in answers:
        key_choose(page, question, steps_down)
    if grade is not None:
        key_grade(page, grade)
    if comment is not None:
        tab_to(page, lambda a: a.get("tag") == "TEXTAREA")
        page.keyboard.type(comment)
    here = heading(page)
    key_button(page, t("to_review" if last else "next", lang))
    assert wait_for_new_heading(page, here), f"after {here!r}: the next page did not come"


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
    key_page(page, lang, title="Over de maatregel", answers=[("Welke maatregel heb jij?", 1)])  # ots
    key_page(
        page,
        lang,
        title="Jouw jeugdzorgwerker",
        answers=[("Hoeveel jeugdzorgwerkers", 2), ("Was er een tijd", 1)],  # 2, nee
    )
    key_page(page, lang, title="Meedoen en meepraten", answers=[("Vraagt de jeugdzorgwerker wat jij ervan vindt?", 0)])
    key_page(page, lang, title="De hulp", answers=[("Gaat het beter door de hulp", 0)])  # ja
    key_page(
        page, lang, title="Wat vind jij van de jeugdzorgwerker?", answers=[("De jeugdzorgwerker begrijpt mij", 2)]
    )  # nee
    key_page(page, lang, title="Rapportcijfer", grade=8, comment="Met het toetsenbord ingevuld.", last=True)
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
        key_page(
            page,
            lang,
            answers=[(label.rstrip(" *"), 1) for label, answered in _radio_groups(page) if not answered],
            grade=7 if page.locator('[data-testid="stButtonGroup"]').count() else None,
            last=page.get_by_role("button", name=t("to_review", lang)).count() > 0,
        )
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
