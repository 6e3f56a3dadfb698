"""The easy-read version (issue 12, item 3): same items as the standard version, one question per
screen, pictures, a practice question first; switching keeps the answers; the version is stored
per response and the report reads both versions together."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from analysis import contract
from analysis.figures import compute_figures
from analysis.questionnaire import load_variant
from survey_app.respond import flow
from survey_app.storage import Storage, StorageError

#: Longest sentence (words) of an easy-read question, answer or explanation.
MAX_WORDS = 12


@pytest.fixture(scope="module")
def std():
    return load_variant("standaard")


@pytest.fixture(scope="module")
def easy():
    return load_variant("makkelijk")


def test_flow_easy_read_has_the_same_items_codes_and_rules(std, easy):
    assert easy.variant == "makkelijk" and std.variant == "standaard"
    assert easy.item_ids == std.item_ids == contract.ITEM_COLUMNS
    for a, b in zip(std.items, easy.items):
        assert (a.type, a.codes, a.required, a.show_if, a.min, a.max, a.max_length) == (
            b.type,
            b.codes,
            b.required,
            b.show_if,
            b.min,
            b.max,
            b.max_length,
        ), a.id


def test_flow_easy_read_one_question_per_screen_with_pictures(easy):
    assert len(easy.steps) == len(easy.items)
    for step in easy.steps:
        assert len(easy.items_in_step(step.id)) == 1, step.id
    for item in easy.items:
        for option in item.options:
            assert option.picture, (item.id, option.code)
            assert option.label.nl and len(option.label.nl.split()) <= 7, (item.id, option.code)


def test_flow_easy_read_sentences_are_very_short(easy):
    texts = []
    for item in [*easy.items, easy.practice]:
        texts += [item.question(rt, lang) for rt in contract.RESPONDENT_TYPES for lang in ("nl", "en")]
        if item.help is not None:
            texts += [item.help.nl, item.help.en]
    for text in texts:
        for sentence in re.split(r"(?<=[.?!])\s+", text):
            assert len(sentence.split()) <= MAX_WORDS, sentence


def test_flow_easy_read_practice_question_comes_first_and_is_not_an_item(easy):
    assert easy.practice is not None and easy.practice.id not in easy.item_ids
    state = flow.new_state(flow.Link("r"))
    state.variant = "makkelijk"
    flow.begin(state, easy, respondent_type="jeugdige", gi="JBW")
    assert state.stage == "practice"
    flow.finish_practice(state, easy)
    assert (state.stage, state.step_id) == ("questions", "measure_type")
    assert flow.progress(state, easy) == (1, len(easy.steps) + 1)
    # the practice answer is never part of the answers
    assert "practice" not in flow.build_answers(easy, {"measure_type": "ots", "n_workers": 1, "grade": 7})


def test_flow_easy_read_switch_keeps_answers_and_the_place(std, easy):
    state = flow.new_state(flow.Link("r"))
    flow.begin(state, std, respondent_type="ouder", gi="JBW")
    state.answers.update(measure_type="voogdij")
    flow.advance(state, std)  # step "werker": n_workers, had_gap, contact_one_on_one
    state.answers.update(n_workers=2)
    flow.switch_variant(state, std, easy)
    assert state.variant == "makkelijk" and state.stage == "practice"
    flow.finish_practice(state, easy)
    assert state.step_id == "had_gap"  # the first unanswered question of the page that was shown
    assert state.answers == {"measure_type": "voogdij", "n_workers": 2}
    state.answers["had_gap"] = "nee"
    flow.switch_variant(state, easy, std)
    assert (state.variant, state.stage, state.step_id) == ("standaard", "questions", "werker")
    flow.switch_variant(state, std, easy)  # the practice question is shown once
    assert state.stage == "questions"


def test_flow_easy_read_variant_is_stored_and_the_report_reads_both_together(tmp_path, std, easy):
    storage = Storage(f"sqlite:///{tmp_path / 'survey.sqlite'}", secret_key="easy-read-test-secret-0123456789")
    try:
        info, _ = storage.create_round(name="Beide versies", gis=("JBW",), access="open")
        assert storage.get_round(info.id).easy_read
        answers = {"measure_type": "ots", "n_workers": 2, "grade": 8, "quality_clear": "ja"}
        for i, variant in enumerate(["standaard", "makkelijk"] * 6):
            q = load_variant(variant)
            storage.submit_response(
                info.id,
                flow.build_answers(q, answers),
                gi="JBW",
                respondent_type="jeugdige",
                submission_token=f"token-{i:02d}-{'x' * 24}",
                questionnaire_variant=variant,
            )
        with storage.engine.connect() as conn:
            stored = conn.execute(
                sa.text("SELECT questionnaire_variant, count(*) FROM responses GROUP BY questionnaire_variant")
            ).all()
        assert dict(stored) == {"standaard": 6, "makkelijk": 6}
        df = storage.load_responses(round_ids=[info.id])
        assert len(df) == 12 and list(df.columns) == list(contract.COLUMNS)
        figures = {f.id: f for f in compute_figures(df, min_cell=10)}
        assert figures["measure_type"].base_n == 12  # both versions in one figure
        with pytest.raises(StorageError):
            storage.submit_response(
                info.id,
                answers,
                gi="JBW",
                respondent_type="ouder",
                submission_token="token-bad-" + "y" * 24,
                questionnaire_variant="anders",
            )
        assert not storage.set_easy_read(info.id, False).easy_read
    finally:
        storage.dispose()
