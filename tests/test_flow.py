"""survey_app.respond.flow: the respondent flow as pure logic (no Streamlit, no database)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import pytest

from analysis import contract, i18n
from analysis.frame import canonical_frame
from analysis.questionnaire import load_questionnaire
from survey_app.respond import flow


@pytest.fixture(scope="module")
def q():
    return load_questionnaire()


@dataclass(frozen=True)
class FakeRound:  # the fields of storage.RoundInfo that the flow reads
    gis: tuple = ("JBG",)
    respondent_types: tuple = ("ouder", "jeugdige")
    access: str = "open"


FULL_YOUTH = {
    "measure_type": "ots",
    "n_workers": 2,
    "had_gap": "ja",
    "contact_one_on_one": "1_keer",
    "explained_at_start": "een_beetje",
    "opinion_asked": "vaak",
    "involved_in_decisions": "soms",
    "asked_life_domains": "ja",
    "asked_safety": "nee",
    "say_in_plan": "geen_plan_bekend",
    "help_improves": "niet_helemaal",
    "quality_time_attention": "ja",
    "quality_understanding": "een_beetje",
    "quality_respectful": "ja",
    "quality_expert": "nee",
    "quality_clear": "ja",
    "quality_reachable": "een_beetje",
    "grade": 7,
    "comment_grade": "  Ze luistert goed.  ",
    "comment_improve": "",
}


# --------------------------------------------------------------------------- link and setup


def test_parse_link_reads_round_code_gi_and_language():
    link = flow.parse_link({"ronde": "r-2026", "code": " abcde-fghjk ", "gi": "jbg", "taal": "en"})
    # the code in the canonical form of the one normaliser (survey_app.storage.codes.normalize_code)
    assert link == flow.Link(round_id="r-2026", code="ABCDEFGHJK", gi="JBG", lang="en")


def test_parse_link_defaults_to_dutch_and_ignores_unknown_language():
    assert flow.parse_link({"ronde": "x", "taal": "fr"}).lang == "nl"
    assert flow.parse_link({}) == flow.Link(round_id=None)
    assert flow.parse_link({"ronde": ["a", "b"], "code": "  "}).code is None


def test_plan_setup_asks_type_and_gi_only_when_the_round_has_several():
    one = flow.plan_setup(FakeRound(), flow.Link("r"))
    assert (one.fixed_type, one.fixed_gi, one.needs_code, one.error) == (None, "JBG", False, None)
    several = flow.plan_setup(
        FakeRound(gis=("JBG", "WSS"), respondent_types=("jeugdige",), access="codes"), flow.Link("r")
    )
    assert several.fixed_type == "jeugdige" and several.fixed_gi is None
    assert several.gis == ("JBG", "WSS") and several.needs_code


def test_plan_setup_fixes_gi_from_link_and_rejects_a_foreign_one():
    fixed = flow.plan_setup(FakeRound(gis=("JBG", "WSS")), flow.Link("r", gi="WSS"))
    assert fixed.fixed_gi == "WSS" and fixed.error is None
    assert flow.plan_setup(FakeRound(gis=("JBG", "WSS")), flow.Link("r", gi="JBN")).error == "gi_invalid"


def test_round_status_message_blocks_everything_but_open():
    assert flow.round_status_message("open") is None
    assert flow.round_status_message("not_yet_open") == "round_not_yet_open"
    assert flow.round_status_message("closed") == "round_closed"
    assert flow.round_status_message("unknown") == "round_unknown"


# --------------------------------------------------------------------------- visibility


def test_visible_items_hide_worker_items_when_no_worker(q):
    none = {i.id for i in flow.visible_items(q, {"n_workers": 0})}
    some = {i.id for i in flow.visible_items(q, {"n_workers": 1})}
    conditional = set(contract.QUALITY_ITEMS) | {"contact_one_on_one"}
    assert none.isdisjoint(conditional)
    assert conditional <= some
    assert some - none == conditional


def test_visible_steps_drop_the_quality_step_without_workers(q):
    assert "oordeel" not in [s.id for s in flow.visible_steps(q, {"n_workers": 0})]
    assert "oordeel" in [s.id for s in flow.visible_steps(q, {"n_workers": 6})]


def test_clean_answers_drops_answers_of_hidden_items_and_blank_text(q):
    answers = dict(FULL_YOUTH, n_workers=0)
    kept = flow.clean_answers(q, answers)
    assert not set(kept) & (set(contract.QUALITY_ITEMS) | {"contact_one_on_one"})
    assert "comment_improve" not in kept
    assert kept["comment_grade"] == "Ze luistert goed."
    assert kept["had_gap"] == "ja"  # not conditional


def test_clean_answers_without_the_condition_item_hides_dependents(q):
    answers = {k: v for k, v in FULL_YOUTH.items() if k != "n_workers"}
    assert "quality_clear" not in flow.clean_answers(q, answers)


# --------------------------------------------------------------------------- required and validation


def test_missing_required_per_step_and_overall(q):
    assert [i.id for i in flow.missing_required(q, {}, "start")] == ["measure_type"]
    assert [i.id for i in flow.missing_required(q, {})] == ["measure_type", "n_workers", "grade"]
    assert flow.missing_required(q, FULL_YOUTH) == []
    assert flow.missing_required(q, {"measure_type": "ots"}, "meedoen") == []


def test_answer_error_rejects_unknown_codes_ranges_and_long_text(q):
    assert flow.answer_error(q.item("had_gap"), "misschien").message == "invalid_answer"
    assert flow.answer_error(q.item("n_workers"), 7).message == "invalid_answer"
    assert flow.answer_error(q.item("n_workers"), True).message == "invalid_answer"
    assert flow.answer_error(q.item("grade"), 11).message == "invalid_answer"
    assert flow.answer_error(q.item("grade"), 10) is None
    assert flow.answer_error(q.item("comment_grade"), "x" * 1001).message == "text_too_long"
    assert flow.answer_error(q.item("comment_grade"), "x" * 1000) is None
    assert flow.answer_error(q.item("had_gap"), None) is None


def test_build_answers_refuses_missing_required_or_invalid(q):
    with pytest.raises(ValueError, match="grade: required_missing"):
        flow.build_answers(q, {k: v for k, v in FULL_YOUTH.items() if k != "grade"})
    with pytest.raises(ValueError, match="opinion_asked: invalid_answer"):
        flow.build_answers(q, dict(FULL_YOUTH, opinion_asked="nooit"))


def test_build_answers_gives_every_item_and_nulls_hidden_ones(q):
    out = flow.build_answers(q, dict(FULL_YOUTH, n_workers=0))
    assert tuple(out) == contract.ITEM_COLUMNS
    assert all(out[c] is None for c in contract.QUALITY_ITEMS)
    assert out["contact_one_on_one"] is None and out["comment_improve"] is None
    assert out["n_workers"] == 0 and out["grade"] == 7


def test_build_answers_makes_a_valid_contract_row(q):
    out = flow.build_answers(q, FULL_YOUTH)
    row = {
        "response_id": "3f1c8a2e-0000-4000-8000-000000000000",
        "round_id": "r",
        "gi": "JBG",
        "respondent_type": "jeugdige",
        "submitted_week": "2026-W10",
        **out,
    }
    frame = canonical_frame(pd.DataFrame([row]))
    assert list(frame.columns) == list(contract.COLUMNS)
    rec = frame.iloc[0]
    for col, codes in contract.CODES.items():
        assert pd.isna(rec[col]) or rec[col] in codes, col
    for col, (lo, hi) in contract.INT_RANGES.items():
        assert lo <= rec[col] <= hi
    assert rec["quality_expert"] == "nee" and rec["grade"] == 7
    assert rec["comment_grade"] == "Ze luistert goed." and pd.isna(rec["comment_improve"])


# --------------------------------------------------------------------------- transitions


def _state(q, rtype="jeugdige"):
    state = flow.new_state(flow.Link("r"))
    flow.begin(state, q, respondent_type=rtype, gi="JBG")
    return state


def test_advance_stays_on_a_step_with_a_missing_required_answer(q):
    state = _state(q)
    assert [i.id for i in flow.advance(state, q)] == ["measure_type"]
    assert state.step_id == "start"
    state.answers["measure_type"] = "voogdij"
    assert flow.advance(state, q) == [] and state.step_id == "werker"


def test_flow_skips_the_quality_step_for_zero_workers_and_reaches_review(q):
    state = _state(q)
    seen = []
    state.answers.update(measure_type="ots", n_workers=0, grade=4)
    while state.stage == "questions":
        seen.append(state.step_id)
        assert flow.advance(state, q) == []
    assert seen == ["start", "werker", "meedoen", "hulp", "cijfer"]
    assert state.stage == "review" and flow.progress(state, q) == (7, 7)
    flow.back(state, q)
    assert (state.stage, state.step_id) == ("questions", "cijfer")


def test_progress_counts_visible_steps_plus_review(q):
    state = _state(q)
    state.answers.update(measure_type="ots", n_workers=3)
    flow.advance(state, q)
    assert flow.progress(state, q) == (2, 7)


@pytest.mark.parametrize("n_workers", [0, 3])
def test_progress_total_is_stable_from_the_first_step(q, n_workers):
    # issue 12: "Stap 2 van 6", then "Stap 3 van 7" must not happen
    state = _state(q)
    seen = [flow.progress(state, q)]
    state.answers["measure_type"] = "ots"
    flow.advance(state, q)
    seen.append(flow.progress(state, q))
    state.answers["n_workers"] = n_workers  # shows or hides the step "oordeel"
    seen.append(flow.progress(state, q))
    while state.stage == "questions":
        shown = flow.visible_items(q, state.answers, state.step_id)
        state.answers.update({i.id: FULL_YOUTH[i.id] for i in shown if i.id != "n_workers"})
        flow.advance(state, q)
        seen.append(flow.progress(state, q))
    assert {total for _, total in seen} == {len(q.steps) + 1}
    positions = [pos for pos, _ in seen]
    assert positions[0] == 1 and positions[-1] == len(q.steps) + 1
    assert positions == sorted(positions)


def test_back_from_first_step_returns_to_welcome_and_go_to_step_from_review(q):
    state = _state(q)
    flow.back(state, q)
    assert state.stage == "welcome"
    state.answers.update(FULL_YOUTH)
    state.stage = "review"
    flow.go_to_step(state, q, "oordeel")
    assert (state.stage, state.step_id) == ("questions", "oordeel")
    state.answers["n_workers"] = 0
    with pytest.raises(ValueError):
        flow.go_to_step(state, q, "oordeel")


def test_current_step_moves_on_when_its_items_become_hidden(q):
    state = _state(q)
    state.answers.update(FULL_YOUTH)
    state.step_id = "oordeel"
    state.answers["n_workers"] = 0
    assert flow.current_step(state, q).id == "cijfer"


def test_complete_drops_answers_but_keeps_the_token_and_restart_makes_a_new_one(q):
    state = _state(q)
    state.answers.update(FULL_YOUTH)
    token = state.submission_token
    assert len(token) == 32
    flow.complete(state)
    assert (state.stage, state.answers, state.submission_token) == ("done", {}, token)
    flow.restart(state)
    assert state.stage == "welcome" and state.submission_token != token and state.ignore_link_code


def test_review_rows_show_labels_in_the_chosen_language_and_version(q):
    rows = {r.item_id: r for r in flow.review_rows(q, dict(FULL_YOUTH, n_workers=0), "ouder", "en")}
    assert "quality_clear" not in rows
    assert rows["measure_type"].answer == "Family supervision order (OTS)"
    assert rows["n_workers"].answer == "None yet"
    assert "contact_one_on_one" not in rows
    assert rows["asked_safety"].question == "Did the worker ask whether your child is safe?"
    assert rows["comment_improve"].answer is None


# --------------------------------------------------------------------------- wrong codes


def test_code_delay_is_free_at_first_then_grows_and_is_capped():
    assert [flow.code_delay(n) for n in range(3)] == [0.0, 0.0, 0.0]
    assert [flow.code_delay(n) for n in (3, 4, 5, 6, 7, 20)] == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]


def test_attempt_limiter_slows_a_round_after_many_failures_and_forgets_old_ones():
    now = [1000.0]
    lim = flow.AttemptLimiter(window=60, free=3, cap=2.0, clock=lambda: now[0])
    for _ in range(3):
        assert lim.delay("r") == 0.0
        lim.record_failure("r")
    assert lim.delay("r") == 0.25 and lim.delay("other") == 0.0
    for _ in range(20):
        lim.record_failure("r")
    assert lim.delay("r") == 2.0
    assert lim.delay("other", session_failures=4) == 1.0
    now[0] += 61
    assert lim.delay("r") == 0.0


# --------------------------------------------------------------------------- open rounds


def test_already_submitted_only_for_open_rounds_of_this_session():
    done = frozenset({"r1"})
    assert flow.already_submitted(done, "r1", "open")
    assert not flow.already_submitted(done, "r2", "open")
    assert not flow.already_submitted(done, "r1", "codes")  # the next person brings their own code
    assert not flow.already_submitted(frozenset(), "r1", "open")


def test_submission_limiter_allows_a_burst_then_the_rate():
    now = [0.0]
    lim = flow.SubmissionLimiter(per_minute=6, burst=3, clock=lambda: now[0])
    assert [lim.try_acquire() for _ in range(4)] == [True, True, True, False]
    assert lim.wait_seconds() == pytest.approx(10.0)
    now[0] += 9.9
    assert not lim.try_acquire()
    now[0] += 0.2
    assert lim.try_acquire() and not lim.try_acquire()
    now[0] += 3600  # a quiet hour refills the bucket to the burst, not beyond
    assert [lim.try_acquire() for _ in range(4)] == [True, True, True, False]


def test_submission_limiter_is_shared_safely_between_threads():
    import threading

    lim = flow.SubmissionLimiter(per_minute=0.001, burst=50)
    granted = []
    threads = [threading.Thread(target=lambda: granted.append(lim.try_acquire())) for _ in range(200)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert granted.count(True) == 50


def test_submission_rate_from_env(monkeypatch):
    monkeypatch.delenv("SURVEY_SUBMISSIONS_PER_MINUTE", raising=False)
    monkeypatch.delenv("SURVEY_SUBMISSION_BURST", raising=False)
    assert flow.submission_rate_from_env() == (60, 60)
    monkeypatch.setenv("SURVEY_SUBMISSIONS_PER_MINUTE", "12")
    assert flow.submission_rate_from_env() == (12, 12)
    monkeypatch.setenv("SURVEY_SUBMISSION_BURST", "3")
    assert flow.submission_rate_from_env() == (12, 3)
    monkeypatch.setenv("SURVEY_SUBMISSIONS_PER_MINUTE", "0")
    with pytest.raises(ValueError, match="SURVEY_SUBMISSIONS_PER_MINUTE"):
        flow.submission_rate_from_env()


def test_busy_and_already_submitted_texts():
    assert flow.t("too_busy", "nl").startswith("Het is nu erg druk, probeer het over een minuut opnieuw")
    assert flow.t("already_submitted", "nl").startswith("U heeft de vragenlijst al ingevuld")
    assert flow.t("already_submitted", "nl", "jeugdige").startswith("Je hebt de vragenlijst al ingevuld")
    assert "busy" in flow.t("too_busy", "en") and "already" in flow.t("already_submitted", "en")


# --------------------------------------------------------------------------- texts


def test_every_text_has_dutch_and_english():
    keys = {k for k in i18n.catalog("nl") if k.startswith(flow.TEXT_NAMESPACE) and "@" not in k}
    assert len(keys) > 40
    for lang in ("nl", "en"):
        texts = i18n.catalog(lang)
        for key in keys:
            assert str(texts.get(key, "")).strip(), (lang, key)


def test_t_uses_youth_wording_in_dutch_only():
    assert flow.t("thanks_body", "nl", "jeugdige").startswith("Je antwoorden")
    assert flow.t("thanks_body", "nl", "ouder").startswith("Uw antwoorden")
    assert flow.t("thanks_body", "en", "jeugdige").startswith("Your answers")


def test_welcome_text_promises_what_the_tool_does():
    text = flow.t("welcome_anon", "nl")
    for phrase in ("geen naam", "geen IP-adres", "niet gekoppeld", "minstens 10"):
        assert phrase in text
    assert flow.format_date(date(2026, 3, 1)) == "1 maart 2026"
    assert flow.format_date(date(2026, 3, 1), "en") == "1 March 2026"
