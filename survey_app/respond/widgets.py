"""Shared Streamlit helpers: the storage resource, static CSS and the respondent-flow widgets.

Dashboard helpers live in :mod:`survey_app.dashboard`; this module holds
the common bits (``get_storage``) and what the respondent flow renders.  All
texts come from the catalog through :func:`survey_app.respond.flow.t`.  Widget keys are stable:
``q_<item_id>`` for questions, ``rf_<name>`` for the flow's own controls.
"""

from __future__ import annotations

import html
import logging
import os
import threading
from typing import Any

import streamlit as st

from analysis import contract, i18n, scrub
from analysis.questionnaire import Item, Questionnaire
from survey_app.storage import Storage

from . import flow

STATE_KEY = "rf_state"
#: the query parameter that carries the draft token (issue 10: answers survive a restart)
DRAFT_PARAM = "d"
DRAFT_SAVED_KEY = "rf_draft_saved"
log = logging.getLogger("survey_app.respond")

#: Static CSS only (no user data is ever put in here): comfortable tap targets
#: on a phone, no horizontal scrolling, long words wrap.
BASE_CSS = """
<style>
  [data-testid="stMainBlockContainer"] { padding-left: 1rem; padding-right: 1rem; }
  [data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li { overflow-wrap: break-word; }
  [data-testid="stHeading"] h1 { font-size: clamp(1.6rem, 7vw, 2.5rem); line-height: 1.2; }
  [data-testid="stHeading"] h2 { font-size: clamp(1.35rem, 5.5vw, 2rem); line-height: 1.25; }
  [data-testid="stHeading"] h3 { font-size: clamp(1.15rem, 4.8vw, 1.6rem); }
  /* WCAG 1.4.3: Streamlit's grey captions (text at 60 % opacity, 3.9:1 on white) darkened to 7:1 */
  [data-testid="stCaptionContainer"] { opacity: 1 !important; }
  [data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p { color: #595959 !important; }
  /* labels of disabled filters: readable too (6:1 on the sidebar) */
  [data-testid="stWidgetLabel"][disabled] p { color: #5f5f5f !important; }
</style>
"""

#: The respondent pages also drop the empty top bar (no menu, no sidebar there)
#: and make every answer a large, full-width tap target.
RESPONDENT_CSS = """
<style>
  [data-testid="stHeader"] { display: none; }
  [data-testid="stMainBlockContainer"] { padding-top: 1.25rem; padding-bottom: 4rem; }
  [data-testid="stWidgetLabel"] p { font-size: 1.08rem; font-weight: 600; line-height: 1.4; }
  [data-testid="stRadio"], [data-testid="stRadioGroup"], [data-testid="stRadioGroup"] > div { width: 100%; }
  [data-testid="stRadioGroup"] { gap: 0.45rem; }
  [data-testid="stRadioOption"] {
      width: 100%; min-height: 3rem; padding: 0.5rem 0.75rem; margin: 0; box-sizing: border-box;
      align-items: center; border: 1px solid rgba(128, 128, 128, 0.4); border-radius: 0.6rem;
  }
  [data-testid="stRadioOption"] p { font-size: 1.05rem; }
  [data-testid="stRadioOption"]:has(input:checked) { border-width: 2px; border-color: rgba(128, 128, 128, 0.95); }
  /* "Press Ctrl+Enter to apply" means nothing on a phone; the text is kept on leaving the field */
  [data-testid="InputInstructions"] { display: none; }
  /* the 1-10 grade: big pills that wrap */
  [data-testid="stButtonGroup"] [role="radiogroup"] { gap: 0.5rem; }
  [data-testid="stButtonGroup"] button {
      flex: 1 1 calc(20% - 0.5rem); min-width: 2.75rem; min-height: 3rem; font-size: 1.15rem;
  }
  [data-testid="stButton"] button { min-height: 3rem; font-size: 1.02rem; }
</style>
"""

#: Static scripts (no user data): after a step change show the new step from
#: its top; after a refused code bring the message into view.  The marker in
#: the comment only makes Streamlit run the script again when it changes.
_SCROLL_TOP = (
    "<script>/* {marker} */(function(){{var m=document.querySelector('[data-testid=\"stMain\"]');"
    "if(m){{m.scrollTo(0,0);}}window.scrollTo(0,0);}})();</script>"
)
_SCROLL_ALERT = (
    "<script>/* {marker} */setTimeout(function(){{var a=document.querySelectorAll("
    "'[data-testid=\"stAlert\"]');if(a.length){{a[0].scrollIntoView({{block:'center'}});}}}},150);"
    "</script>"
)


#: Read aloud (issue 12): one delegated click handler for every button with ``data-say``; the
#: browser's own speech synthesis speaks the text, nothing is sent anywhere.  Installed once
#: per page; the texts are questionnaire wording (escaped), never user data.
_READ_ALOUD_SCRIPT = (
    "<script>(function(){if(window.__surveyReadAloud){return;}window.__surveyReadAloud=true;"
    "document.addEventListener('click',function(e){var b=e.target.closest&&e.target.closest('button[data-say]');"
    "if(!b){return;}e.preventDefault();var s=window.speechSynthesis;if(!s||!window.SpeechSynthesisUtterance){return;}"
    "s.cancel();var u=new SpeechSynthesisUtterance(b.getAttribute('data-say'));u.lang=b.getAttribute('data-lang');"
    "u.rate=0.9;s.speak(u);});})();</script>"
)
#: A speaker (inline SVG, no font needed), hidden from screen readers: the button has its name.
_SPEAKER_SVG = (
    '<svg aria-hidden="true" focusable="false" width="20" height="20" viewBox="0 0 24 24">'
    '<path fill="currentColor" d="M3 9v6h4l5 5V4L7 9H3zm13.5 3A4.5 4.5 0 0 0 14 8v8a4.5 4.5 0 0 0 2.5-4zM14 '
    '3.2v2.1a7 7 0 0 1 0 13.4v2.1a9 9 0 0 0 0-17.6z"/></svg>'
)
_READ_ALOUD_CSS = (
    "<style>.rf-say{display:inline-flex;align-items:center;gap:.4rem;min-height:2.75rem;padding:.35rem .9rem;"
    "font-size:1rem;border-radius:.5rem;border:1px solid #6b6b6b;background:#fff;color:#1a1a1a;cursor:pointer}"
    ".rf-say:focus-visible{outline:3px solid #01689B;outline-offset:2px}</style>"
)


# --------------------------------------------------------------------------- resources


def _dispose(storage) -> None:
    storage.dispose()


@st.cache_resource(show_spinner=False, on_release=_dispose)
def _storage_for(url: str | None, data_dir: str | None):
    _warm_up_deidentifier()
    return Storage(url)


def _warm_up_deidentifier() -> None:
    """Load the de-identifier (deduce, ~15-30 s, once per process) in the background when the server
    first opens its database, so that the first comment submitted or shown does not wait for it."""
    threading.Thread(target=scrub.deidentifier, name="deduce-warm-up", daemon=True).start()


def get_storage():
    """The app's one :class:`~survey_app.storage.Storage`, cached per database location.

    The location comes from ``SURVEY_DATABASE_URL`` / ``SURVEY_DATA_DIR`` at
    call time, so a test that points them at a temporary database gets its own
    instance.
    """
    return _storage_for(os.environ.get("SURVEY_DATABASE_URL"), os.environ.get("SURVEY_DATA_DIR"))


def release_storages() -> None:
    """Close every cached Storage (its connection pool) and forget it; tests call this."""
    _storage_for.clear()


@st.cache_resource(show_spinner=False)
def get_attempt_limiter() -> flow.AttemptLimiter:
    """In-process counter of wrong codes per round (shared by all sessions)."""
    return flow.AttemptLimiter()


@st.cache_resource(show_spinner=False)
def _submission_limiter(per_minute: float, burst: int) -> flow.SubmissionLimiter:
    return flow.SubmissionLimiter(per_minute=per_minute, burst=burst)


def get_submission_limiter() -> flow.SubmissionLimiter:
    """The server's one submission rate limit (``SURVEY_SUBMISSIONS_PER_MINUTE``, shared by all sessions)."""
    per_minute, burst = flow.submission_rate_from_env()
    return _submission_limiter(per_minute, burst)


SUBMITTED_KEY = "rf_submitted_rounds"


def submitted_rounds() -> frozenset[str]:
    """The round ids this browser session has sent a questionnaire for (kept in the session only)."""
    return frozenset(st.session_state.get(SUBMITTED_KEY, ()))


def mark_submitted(round_id: str) -> None:
    st.session_state[SUBMITTED_KEY] = submitted_rounds() | {round_id}


@st.cache_resource(show_spinner=False)
def get_questionnaire(variant: str = contract.DEFAULT_VARIANT) -> Questionnaire:
    """The built-in questionnaire of one version: ``standaard`` or ``makkelijk`` (easy-read)."""
    return flow.questionnaire_for(variant)


def inject_css(*, respondent: bool = False) -> None:
    """Add the static phone CSS to the page (``respondent``: also the flow's tap targets)."""
    st.html(BASE_CSS + (RESPONDENT_CSS if respondent else ""))


#: WCAG 3.1.1: the page says its language (Streamlit's page is ``lang="en"``), and its
#: direction for a right-to-left language.  Only catalog values are put in (checked below).
#: WCAG 1.3.1: Streamlit's page menu is a ``<ul>`` whose items sit inside ``<div>`` sections
#: (an invalid list); an observer gives the list and its items ``role="none"``, so assistive
#: technology reads plain links instead of a broken list (attributes only, React keeps its DOM).
_PAGE_LANGUAGE = (
    "<script>/* {marker} */(function(){{var h=document.documentElement;h.lang='{tag}';h.dir='{direction}';"
    "if(window.__surveyNavFix){{return;}}window.__surveyNavFix=true;"
    "var fix=function(){{document.querySelectorAll('[data-testid=\"stSidebarNavItems\"]').forEach(function(u){{"
    "if(u.getAttribute('role')!=='none'){{u.setAttribute('role','none');}}"
    "u.querySelectorAll('li').forEach(function(li){{if(li.getAttribute('role')!=='none'){{li.setAttribute('role','none');}}}});"
    "}});}};fix();new MutationObserver(fix).observe(document.body,{{childList:true,subtree:true}});}})();"
    "</script>"
)


def page_language(lang: str) -> None:
    """Set ``<html lang>`` (``nl-NL``, ``en-GB``, ...) and ``dir`` (``ltr``/``rtl``) to the page's
    language, and make Streamlit's page menu valid for assistive technology (staff pages)."""
    tag = i18n.text("language.tag", lang)
    direction = i18n.text("a11y.direction", lang)
    if not tag.replace("-", "").isalnum() or direction not in ("ltr", "rtl"):
        raise ValueError(f"bad language tag or direction in the {lang!r} catalog")
    marker = f"lang-{tag}-{direction}"
    st.html(_PAGE_LANGUAGE.format(marker=marker, tag=tag, direction=direction), unsafe_allow_javascript=True)


def _script(template: str, marker: str) -> None:
    if not marker.replace("_", "").replace("-", "").isalnum():
        raise ValueError("marker must be a plain identifier")
    st.html(template.format(marker=marker), unsafe_allow_javascript=True)


def scroll_to_top(marker: str) -> None:
    """Scroll to the top when ``marker`` (a stage or step id, never user data) changes."""
    _script(_SCROLL_TOP, marker)


def scroll_to_message(marker: str) -> None:
    """Bring the first message (st.error/st.warning/...) of the page into view."""
    _script(_SCROLL_ALERT, marker)


# --------------------------------------------------------------------------- flow state


def flow_state(link: flow.Link) -> flow.FlowState:
    """This session's :class:`~survey_app.respond.flow.FlowState`; a fresh one for another round."""
    state = st.session_state.get(STATE_KEY)
    if not isinstance(state, flow.FlowState) or state.round_id != link.round_id:
        state = flow.new_state(link)
        st.session_state[STATE_KEY] = state
    return state


def next_language(lang: str) -> str:
    """The language the toggle switches to: the next one of the catalog (Dutch <-> English)."""
    langs = flow.LANGUAGES
    return langs[(langs.index(lang) + 1) % len(langs)] if lang in langs else langs[0]


def language_toggle(state: flow.FlowState, offered: tuple[str, ...] | None = None) -> None:
    """One button per other language (each named in its own language): the next one has the
    key ``rf_lang``, any further ones ``rf_lang_<code>`` (issue 12: more than two languages)."""
    langs = tuple(offered or flow.LANGUAGES)
    start = langs.index(state.lang) if state.lang in langs else -1
    others = [langs[(start + k) % len(langs)] for k in range(1, len(langs))]
    others = [x for x in others if x != state.lang]
    with st.container(horizontal=True, horizontal_alignment="right"):
        for i, target in enumerate(others):
            name = i18n.text("language.name", target)
            if st.button(
                name,
                key="rf_lang" if i == 0 else f"rf_lang_{target}",
                icon=":material/translate:" if i == 0 else None,
                help=flow.t("switch_to", target, language=name),
            ):
                state.lang = target
                st.rerun()


def show_block(key: str, lang: str, *, detail: str | None = None) -> None:
    """A friendly message for a link that cannot be used, in the chosen language and the other ones."""
    body = flow.t(key, lang) + (f" {detail}" if detail else "")
    st.warning(body, icon=":material/info:")
    for other in flow.LANGUAGES:
        if other != lang:
            st.caption(flow.t(key, other))


# --------------------------------------------------------------------------- questions


def question_key(item_id: str) -> str:
    return f"q_{item_id}"


def answer_text(item: Item, code: Any, lang: str) -> str:
    """An answer as shown: its word, after its picture in the easy-read version ("🙂  Ja")."""
    word = item.label(code, lang)
    picture = next((o.picture for o in item.options if o.code == code and o.picture), None)
    return f"{picture}\u2002{word}" if picture else word


#: The easy-read version: one question per screen, answers as large buttons with a picture.
EASY_CSS = """
<style>
  [data-testid="stWidgetLabel"] p { font-size: 1.3rem; line-height: 1.45; }
  [data-testid="stRadioOption"] { min-height: 4rem; padding: 0.75rem 1rem; border-width: 2px; }
  [data-testid="stRadioOption"] p { font-size: 1.35rem; }
  [data-testid="stMarkdownContainer"] p { font-size: 1.15rem; }
</style>
"""


def inject_easy_css() -> None:
    st.html(EASY_CSS)


def variant_toggle(state: flow.FlowState, on_switch) -> None:
    """A button that switches between the standard and the easy-read version (named by what it opens)."""
    target = "standaard" if state.variant == "makkelijk" else "makkelijk"
    label = i18n.text("a11y.easy.to_standard" if target == "standaard" else "a11y.easy.to_easy", state.lang)
    with st.container(horizontal=True, horizontal_alignment="right"):
        if st.button(label, key="rf_variant", icon=":material/menu_book:"):
            on_switch(target)
            st.rerun()


def _label(item: Item, state: flow.FlowState) -> str:
    text = item.question(state.respondent_type or "ouder", state.lang)
    return f"{text} *" if item.required else text


def render_item(item: Item, state: flow.FlowState, *, key: str | None = None, disabled: bool = False) -> Any:
    """One question widget; returns the answer (``None`` when not answered).

    The widget is seeded from ``state.answers`` when it has no value yet (it
    was not shown in the previous run, e.g. on another step).  The staff
    preview of a round passes its own ``key`` and ``disabled=True``: the same
    widget as the respondent gets, but nothing can be filled in.
    """
    key = key or question_key(item.id)
    if key not in st.session_state and flow.is_answered(state.answers.get(item.id)):
        st.session_state[key] = state.answers[item.id]
    label, lang = _label(item, state), state.lang
    if item.type in ("choice", "count"):
        value = st.radio(
            label,
            item.codes,
            index=None,
            key=key,
            width="stretch",
            format_func=lambda c, it=item: answer_text(it, c, lang),
            disabled=disabled,
        )
    elif item.type == "grade":
        value = st.pills(label, list(range(item.min, item.max + 1)), key=key, width="stretch", disabled=disabled)
    else:
        value = st.text_area(label, key=key, max_chars=item.max_length, height=110, disabled=disabled)
    if item.help is not None:
        st.caption(item.help.get(lang))
    return value


def read_aloud_button(item: Item, state: flow.FlowState) -> None:
    """A "Lees voor" button that reads the question and its answers aloud in the page's language."""
    rtype, lang = state.respondent_type or "ouder", state.lang
    say = flow.read_aloud_text(item, rtype, lang)
    label = i18n.text("a11y.read_aloud.button", lang)
    name = i18n.text("a11y.read_aloud.button_name", lang, question=item.question(rtype, lang))
    button = (
        f'<button type="button" class="rf-say" data-item="{html.escape(item.id)}" '
        f'data-lang="{html.escape(flow.speech_language(lang))}" data-say="{html.escape(say)}" '
        f'aria-label="{html.escape(name)}">{_SPEAKER_SVG} {html.escape(label)}</button>'
    )
    st.html(_READ_ALOUD_CSS + button + _READ_ALOUD_SCRIPT, unsafe_allow_javascript=True)


def render_step(q: Questionnaire, state: flow.FlowState, step_id: str) -> None:
    """The shown items of one step; answers are copied into ``state.answers`` as they change.

    Visibility is judged item by item on the answers so far, so an item that
    depends on an answer in the same step appears in the run that answer is given.
    """
    for item in q.items_in_step(step_id):
        if not item.is_shown(flow.clean_answers(q, state.answers)):
            continue
        read_aloud_button(item, state)
        value = render_item(item, state)
        if flow.is_answered(value):
            state.answers[item.id] = value
        else:
            state.answers.pop(item.id, None)
        err = flow.answer_error(item, value)
        if err is not None:
            st.error(flow.t(err.message, state.lang, n=item.max_length or 0))


def forget_question_widgets(q: Questionnaire) -> None:
    """Drop every question widget's value (after submit or for the next person)."""
    for item_id in q.item_ids:
        st.session_state.pop(question_key(item_id), None)


def gi_name(code: str) -> str:
    return contract.GI_NAMES.get(code, code)


# --------------------------------------------------------------------------- drafts (issue 10)


def resume_draft(storage, state: flow.FlowState, round_id: str, *, needs_code: bool) -> None:
    """Once per session: continue the draft the link names (``?d=<token>``), e.g. after a restart."""
    if state.draft_checked:
        return
    state.draft_checked = True
    token = st.query_params.get(DRAFT_PARAM)
    if not token or state.stage != "welcome":
        return
    try:
        draft = storage.load_draft(token, round_id)
    except Exception as exc:  # no draft is no reason to stop the respondent
        log.warning("reading a draft failed: %s", type(exc).__name__)
        return
    if draft:
        variant = state.variant
        flow.resume(state, draft, token=token, needs_code=needs_code)
        st.session_state[DRAFT_SAVED_KEY] = flow.draft_of(state)
        if state.variant != variant:  # the draft was in the other version: draw the page in it
            st.rerun()


def keep_draft(storage, state: flow.FlowState) -> None:
    """Save the answers so far when they changed; the token goes into the link (``?d=``)."""
    draft = flow.draft_of(state)
    if draft is None or st.session_state.get(DRAFT_SAVED_KEY) == draft:
        return
    try:
        storage.save_draft(state.draft_token, state.round_id, draft)
    except Exception as exc:  # a full disk: the answers stay in the session, the respondent goes on
        log.warning("keeping a draft failed: %s", type(exc).__name__)
        return
    st.session_state[DRAFT_SAVED_KEY] = {**draft, "answers": dict(draft["answers"])}
    if st.query_params.get(DRAFT_PARAM) != state.draft_token:
        st.query_params[DRAFT_PARAM] = state.draft_token


def forget_draft() -> None:
    """After the submission (the draft was deleted with it): the token leaves the link."""
    st.session_state.pop(DRAFT_SAVED_KEY, None)
    if DRAFT_PARAM in st.query_params:
        del st.query_params[DRAFT_PARAM]


def resumed_message(state: flow.FlowState) -> None:
    """Once, after a draft was continued: "we kept your answers" (or: give your code again)."""
    if not state.resumed:
        return
    key = "drafts.code_again" if state.resume_to is not None else "drafts.resumed"
    st.info(i18n.text(key, state.lang, variant=state.respondent_type), icon=":material/restore:")
    state.resumed = False
