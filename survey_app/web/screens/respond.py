"""Vragenlijst invullen: the anonymous respondent flow at ``/?ronde=ID[&code=..][&gi=..][&taal=en]``.

Stages (``survey_app.respond.flow.FlowState.stage``): welcome -> questions (one
questionnaire step at a time) -> review -> done.  The answers so far are kept
on the server as a draft under a random token in the link (``&d=...``), so a
restart or reconnect continues where the respondent was (issue 10).  The thank-you page is only
shown after ``Storage.submit_response`` returned.  Nothing personal is
logged: no answers, no IP address, no user agent, no time.
"""

from __future__ import annotations

import logging
import re
import time

import streamlit as st

from analysis import i18n
from survey_app.respond import flow
from survey_app.respond import widgets as ui
from survey_app.respond.flow import t
from survey_app.storage import CodeAlreadyUsed, DuplicateSubmission, InvalidCode, RoundNotFound, RoundNotOpen

log = logging.getLogger("survey_app.respond")
#: what a respondent link looks like (a made-up round id)
EXAMPLE_LINK = "/?ronde=k7m2p9xq4t"
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def _escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def _gi_blocked(storage, info, gi: str, lang: str) -> bool:
    """The institution's own dates (a late start, an early end): show why it cannot be filled in yet."""
    status = storage.institution_status(info.id, gi)
    blocked = flow.round_status_message(status) if status != "unknown" else None
    if not blocked:
        return False
    detail = None
    if blocked == "round_not_yet_open":
        opens = next((w.opens for w in storage.institution_windows(info.id) if w.gi == gi), None)
        if opens is not None:
            detail = t("round_opens_on", lang, date=flow.format_date(opens, lang))
    ui.show_block(blocked, lang, detail=detail)
    return True


def welcome(q, state: flow.FlowState, setup: flow.Setup, link: flow.Link, storage) -> None:
    lang = state.lang
    st.title(t("welcome_title", lang))
    st.write(t("welcome_intro", lang))
    if state.variant == "makkelijk":
        st.markdown(f"**{i18n.text('a11y.easy.no_right_answers', lang)}**")
    st.subheader(t("welcome_anon_title", lang))
    st.markdown(t("welcome_anon", lang))
    st.divider()

    rtype = setup.fixed_type
    if rtype is None:
        if "rf_who" not in st.session_state and state.respondent_type in setup.respondent_types:
            st.session_state["rf_who"] = state.respondent_type
        rtype = st.radio(
            t("who_label", lang),
            setup.respondent_types,
            index=None,
            key="rf_who",
            width="stretch",
            format_func=lambda c: t(f"who.{c}", lang),
        )
    gi = setup.fixed_gi
    if gi is None:
        if "rf_gi" not in st.session_state and state.gi in setup.gis:
            st.session_state["rf_gi"] = state.gi
        gi = st.radio(t("gi_label", lang), setup.gis, index=None, key="rf_gi", width="stretch", format_func=ui.gi_name)
    code = None
    if setup.needs_code:
        code = None if state.ignore_link_code else link.code
        if code is None:
            code = flow.normalize_code(
                st.text_input(t("code_label", lang), key="rf_code", max_chars=40, autocomplete="off")
            )
            st.caption(t("code_help", lang))

    if state.notice:
        st.error(t(state.notice, lang), icon=":material/error:")
        st.caption(t("nothing_stored", lang))
        if ui.get_attempt_limiter().delay(state.round_id, state.failures) > 0:
            st.info(t("too_many_attempts", lang), icon=":material/hourglass_top:")
        ui.scroll_to_message(f"notice-{state.failures}")
        state.notice = None
    if not st.button(t("start_button", lang), type="primary", key="rf_start", width="stretch"):
        return
    if rtype is None:
        st.warning(t("choose_who", lang))
        return
    if gi is None:
        st.warning(t("choose_gi", lang))
        return
    if setup.fixed_gi is None and _gi_blocked(storage, storage.get_round(state.round_id), gi, lang):
        return
    if setup.needs_code:
        if code is None:
            st.warning(t("code_missing", lang, rtype))
            return
        limiter = ui.get_attempt_limiter()
        delay = limiter.delay(state.round_id, state.failures)
        if delay > 0:
            st.info(t("too_many_attempts", lang), icon=":material/hourglass_top:")
            time.sleep(delay)
        result = storage.check_code(state.round_id, code)
        if result != "valid":
            state.failures += 1
            limiter.record_failure(state.round_id)
            state.ignore_link_code = True  # a bad code from the link: let them type another one
            state.notice = "code_used" if result == "used" else "code_invalid"
            st.session_state.pop("rf_code", None)
            st.rerun()
    flow.begin(state, q, respondent_type=rtype, gi=gi, code=code)
    st.rerun()


def questions(q, state: flow.FlowState) -> None:
    lang, rtype = state.lang, state.respondent_type
    step = flow.current_step(state, q)
    ui.scroll_to_top(f"step-{step.id}")
    pos, total = flow.progress(state, q)
    st.progress(pos / total, text=t("step_of", lang, i=pos, n=total))
    st.header(step.heading(rtype, lang))
    if any(i.required for i in q.items_in_step(step.id)):
        st.caption(t("required_note", lang, rtype))
    ui.render_step(q, state, step.id)

    with st.container(horizontal=True, horizontal_alignment="distribute"):
        go_back = st.button(t("previous", lang), key="rf_back", icon=":material/arrow_back:")
        last = flow.visible_steps(q, state.answers)[-1].id == step.id
        go_next = st.button(
            t("to_review" if last else "next", lang),
            key="rf_next",
            type="primary",
            icon=":material/arrow_forward:",
            icon_position="right",
        )
    if go_back:
        flow.back(state, q)
        st.rerun()
    if go_next:
        missing = flow.advance(state, q)
        if not missing:
            st.rerun()
        for item in missing:
            st.warning(f"{t('required_missing', lang, rtype)} {item.question(rtype, lang)}", icon=":material/edit:")


def review(q, state: flow.FlowState, storage) -> None:
    lang, rtype = state.lang, state.respondent_type
    ui.scroll_to_top("review")
    pos, total = flow.progress(state, q)
    st.progress(pos / total, text=t("step_of", lang, i=pos, n=total))
    st.header(t("review_title", lang, rtype))
    st.write(t("review_intro", lang, rtype))
    rows = flow.review_rows(q, state.answers, rtype, lang)
    for step in flow.visible_steps(q, state.answers):
        with st.container(border=True):
            st.subheader(step.heading(rtype, lang))
            for row in (r for r in rows if r.step_id == step.id):
                answer = _escape(row.answer) if row.answer is not None else f"_{t('not_answered', lang)}_"
                st.markdown(f"**{_escape(row.question)}**  \n{answer}")
            if st.button(t("edit", lang), key=f"rf_edit_{step.id}", icon=":material/edit:"):
                flow.go_to_step(state, q, step.id)
                st.rerun()

    with st.container(horizontal=True, horizontal_alignment="distribute"):
        go_back = st.button(t("previous", lang), key="rf_back", icon=":material/arrow_back:")
        send = st.button(
            t("submit", lang), key="rf_submit", type="primary", icon=":material/send:", icon_position="right"
        )
    if go_back:
        flow.back(state, q)
        st.rerun()
    if not send:
        return
    missing = flow.ready_to_submit(state, q)
    if missing:
        flow.go_to_step(state, q, missing[0].step)
        st.rerun()
    if not ui.get_submission_limiter().try_acquire():  # the server is flooded: the answers stay
        st.warning(t("too_busy", lang, rtype), icon=":material/hourglass_top:")
        ui.scroll_to_message("busy")
        return
    error = _submit(q, state, storage)
    if error is not None:
        st.error(t(error, lang, rtype), icon=":material/error:")
        st.caption(t("nothing_stored", lang))
        return
    ui.mark_submitted(state.round_id)
    ui.forget_draft()
    flow.complete(state)
    ui.forget_question_widgets(q)
    st.rerun()


def _submit(q, state: flow.FlowState, storage) -> str | None:
    """Store the answers; ``None`` when they are stored (now or before), else a message key."""
    try:
        storage.submit_response(
            state.round_id,
            flow.build_answers(q, state.answers),
            gi=state.gi,
            respondent_type=state.respondent_type,
            code=state.code,
            submission_token=state.submission_token,
            draft_token=state.draft_token,
            questionnaire_variant=state.variant,
        )
    except DuplicateSubmission:  # already stored with this token (double click, second tab): success
        return None
    except CodeAlreadyUsed:
        return "code_used"
    except InvalidCode:
        return "code_invalid"
    except RoundNotOpen:
        return "round_closed"
    except Exception as exc:  # database away, ...: the answers stay in the session
        log.error("saving a response failed: %s", type(exc).__name__)  # never the answers or values
        return "save_failed"
    return None


def done(q, state: flow.FlowState, access: str) -> None:
    lang, rtype = state.lang, state.respondent_type
    ui.forget_draft()
    ui.scroll_to_top("done")
    st.title(t("thanks_title", lang))
    st.success(t("thanks_body", lang, rtype), icon=":material/check_circle:")
    if access == "open":  # one questionnaire per browser session; the next person needs a code round
        return
    if st.button(t("another_person", lang), key="rf_again"):
        flow.restart(state)
        for key in ("rf_who", "rf_code"):
            st.session_state.pop(key, None)
        st.rerun()


def practice(q, state: flow.FlowState) -> None:
    """The easy-read version's practice question: nothing is stored, there are no wrong answers."""
    lang, rtype = state.lang, state.respondent_type
    ui.scroll_to_top("practice")
    st.header(i18n.text("a11y.easy.practice_title", lang))
    st.markdown(f"**{i18n.text('a11y.easy.no_right_answers', lang)}**")
    st.write(i18n.text("a11y.easy.practice_intro", lang, variant=rtype))
    ui.read_aloud_button(q.practice, state)
    st.radio(
        q.practice.question(rtype, lang),
        q.practice.codes,
        index=None,
        key="rf_practice",
        width="stretch",
        format_func=lambda c: ui.answer_text(q.practice, c, lang),
    )
    with st.container(horizontal=True, horizontal_alignment="distribute"):
        go_back = st.button(t("previous", lang), key="rf_back", icon=":material/arrow_back:")
        go_on = st.button(
            i18n.text("a11y.easy.practice_done", lang),
            key="rf_practice_done",
            type="primary",
            icon=":material/arrow_forward:",
            icon_position="right",
        )
    if go_back:
        state.stage = "welcome"
        st.rerun()
    if go_on:
        st.session_state.pop("rf_practice", None)  # a practice answer is never kept
        flow.finish_practice(state, q)
        st.rerun()


def main() -> None:
    ui.inject_css(respondent=True)
    link = flow.parse_link(st.query_params.to_dict())
    if link.round_id is None:  # explain how to use the invitation (the only page of the public server)
        other = next(x for x in i18n.languages() if x != link.lang)
        st.title(t("start_title", link.lang))
        st.write(t("start_body", link.lang, example=EXAMPLE_LINK))
        st.caption(t("start_body", other, example=EXAMPLE_LINK))
        return
    state = ui.flow_state(link)
    q = ui.get_questionnaire(state.variant)
    try:
        storage = ui.get_storage()
        info = storage.get_round(link.round_id)
    except RoundNotFound:
        ui.language_toggle(state)
        ui.show_block("round_unknown", state.lang)
        return
    except Exception as exc:  # the database cannot be reached
        log.error("opening a round failed: %s", type(exc).__name__)
        ui.language_toggle(state)
        ui.show_block("unavailable", state.lang)
        return
    # only the languages the round offers (issue 11)
    offered = tuple(getattr(info, "languages", flow.LANGUAGES)) or flow.LANGUAGES
    if state.lang not in offered:
        state.lang = offered[0]
    if len(offered) > 1:
        ui.language_toggle(state, offered)
    ui.page_language(state.lang)
    # the easy-read version: when the round offers it and it has wording in this language
    easy_offered = getattr(info, "easy_read", True) and flow.has_wording(state.lang, "makkelijk")
    if not easy_offered and state.variant != "standaard":
        flow.switch_variant(state, q, ui.get_questionnaire("standaard"))
        q = ui.get_questionnaire(state.variant)
    if easy_offered and state.stage in ("welcome", "practice", "questions"):

        def switch(target: str) -> None:
            flow.switch_variant(state, q, ui.get_questionnaire(target))

        ui.variant_toggle(state, switch)
    if state.variant == "makkelijk":
        ui.inject_easy_css()
    if state.stage == "done":
        done(q, state, info.access)
        return
    if state.stage == "welcome" and flow.already_submitted(ui.submitted_rounds(), info.id, info.access):
        ui.show_block("already_submitted", state.lang)
        return
    blocked = flow.round_status_message(storage.round_status(info.id))
    if blocked:
        detail = None
        if blocked == "round_not_yet_open" and info.opens is not None:
            detail = t("round_opens_on", state.lang, date=flow.format_date(info.opens, state.lang))
        ui.show_block(blocked, state.lang, detail=detail)
        return
    setup = flow.plan_setup(info, link)
    if setup.error:
        ui.show_block(setup.error, state.lang)
        return
    if state.stage == "welcome" and setup.fixed_gi and _gi_blocked(storage, info, setup.fixed_gi, state.lang):
        return
    ui.resume_draft(storage, state, info.id, needs_code=setup.needs_code)  # after a restart: where they were
    ui.keep_draft(storage, state)  # what the last click changed
    ui.resumed_message(state)
    if state.stage == "welcome":
        welcome(q, state, setup, link, storage)
    elif state.stage == "practice":
        practice(q, state)
    elif state.stage == "questions":
        questions(q, state)
    else:
        review(q, state, storage)
    ui.keep_draft(storage, state)  # what was typed in this run


main()
