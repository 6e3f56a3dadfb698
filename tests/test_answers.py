"""analysis.answers: the one definition of a valid answer, and that the respondent flow,
storage and file validation all follow it."""

from __future__ import annotations

import random
import uuid

import numpy as np
import pandas as pd
import pytest
import yaml
from _io_helpers import raw_frame
from db_fixtures import random_answers

from analysis import answers, contract
from analysis.questionnaire import DEFAULT_PATH, load_questionnaire, parse_questionnaire
from analysis.validation import validate_frame
from survey_app.respond import flow
from survey_app.storage import InvalidAnswers

Q = load_questionnaire()
RULES = answers.answer_rules()


# --------------------------------------------------------------------------- the rules


def test_answer_rules_take_codes_and_ranges_from_the_contract():
    for c, codes in contract.CODES.items():
        assert RULES[c] == answers.AnswerRule(c, "code", codes=codes)
    assert (RULES["n_workers"].kind, RULES["n_workers"].lo, RULES["n_workers"].hi) == ("integer", 0, 6)
    assert (RULES["grade"].kind, RULES["grade"].lo, RULES["grade"].hi) == ("integer", 1, 10)
    assert not set(RULES) & {"response_id", "round_id", "gi", "submitted_week"}  # identifiers, not answers
    assert set(Q.item_ids) <= set(RULES)


def test_answer_rules_take_the_longest_comment_from_the_questionnaire():
    for c in contract.COMMENT_COLUMNS:
        assert RULES[c].kind == "text"
        assert RULES[c].max_length == Q.item(c).max_length == 1000


def _custom_questionnaire():
    data = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    text = data["items"][-1]["text"]
    data["items"] += [
        {"id": "felt_heard", "step": "cijfer", "type": "choice", "text": text, "options": data["answer_sets"]["ja_beetje_nee"]},
        {"id": "n_visits", "step": "cijfer", "type": "count", "text": text,
         "options": [{"code": c, "label": {"nl": str(c), "en": str(c)}} for c in (0, 2, 4)]},
        {"id": "trust", "step": "cijfer", "type": "grade", "min": 0, "max": 5, "text": text},
        {"id": "story", "step": "cijfer", "type": "text", "max_length": 20, "text": text},
    ]  # fmt: skip
    return parse_questionnaire(data)


def test_answer_rules_of_extra_items_come_from_the_questionnaire():
    rules = answers.answer_rules(_custom_questionnaire())
    assert rules["felt_heard"] == answers.AnswerRule("felt_heard", "code", codes=("ja", "een_beetje", "nee"))
    assert rules["n_visits"] == answers.AnswerRule("n_visits", "integer", lo=0, hi=4, allowed=(0, 2, 4))
    assert rules["trust"] == answers.AnswerRule("trust", "integer", lo=0, hi=5)
    assert rules["story"] == answers.AnswerRule("story", "text", max_length=20)
    assert answers.item_rule(_custom_questionnaire().item("n_visits")) == rules["n_visits"]


# --------------------------------------------------------------------------- one answer


@pytest.mark.parametrize("value", [None, float("nan"), pd.NA, "", "   "])
def test_check_answer_unanswered_is_no_problem(value):
    assert answers.check_answer(RULES["grade"], value) == (None, None)
    assert not answers.is_answered(value)


def test_check_answer_codes_strip_spaces_and_suggest_the_right_code():
    assert answers.check_answer(RULES["had_gap"], " ja ") == ("ja", None)
    value, problem = answers.check_answer(RULES["had_gap"], "Ja")
    assert value is None and problem.rule == "unknown_code" and problem.item == "had_gap"
    assert problem.message == "'Ja' is not a code of had_gap. Did you mean 'ja'? Allowed: ja, nee, weet_niet."
    assert problem.message_in("nl") == "'Ja' is geen code van had_gap. Bedoelt u 'ja'? Toegestaan: ja, nee, weet_niet."
    for wrong in (1, True, 0.5):
        assert answers.check_answer(RULES["quality_clear"], wrong)[1].rule == "unknown_code"


@pytest.mark.parametrize("value", [7, np.int64(7), "7", " 7 ", "+7", "7.0", "7.", 7.0])
def test_check_answer_whole_numbers_in_any_written_form(value):
    assert answers.check_answer(RULES["grade"], value) == (7, None)


@pytest.mark.parametrize("value", [7.5, "7.5", "7,0", "zeven", True, False, "1e1"])
def test_check_answer_not_a_whole_number(value):
    assert answers.check_answer(RULES["grade"], value)[1].rule == "not_integer"


@pytest.mark.parametrize("column, value", [("grade", 0), ("grade", "11"), ("n_workers", 7), ("n_workers", "-1")])
def test_check_answer_out_of_range(column, value):
    _, problem = answers.check_answer(RULES[column], value)
    assert problem.rule == "out_of_range"
    lo, hi = contract.INT_RANGES[column]
    assert problem.message.endswith(f"is outside the allowed values {lo}..{hi}.")


def test_check_answer_count_item_takes_only_its_own_numbers():
    rule = answers.answer_rules(_custom_questionnaire())["n_visits"]
    assert answers.check_answer(rule, "4") == (4, None)
    _, problem = answers.check_answer(rule, 3)
    assert problem.rule == "out_of_range" and problem.message == "n_visits = 3 is outside the allowed values 0, 2, 4."


def test_check_answer_text_is_stripped_limited_and_never_quoted():
    assert answers.check_answer(RULES["comment_grade"], "  Goed.  ") == ("Goed.", None)
    assert answers.check_answer(RULES["comment_grade"], "x" * 1000 + "   ") == ("x" * 1000, None)
    _, problem = answers.check_answer(RULES["comment_grade"], "geheim " * 200)
    assert problem.rule == "text_too_long" and "geheim" not in problem.message + problem.message_in("nl")
    assert problem.message == "The text in comment_grade has 1399 characters; at most 1000 are allowed."
    assert answers.check_answer(RULES["comment_grade"], 5)[1].rule == "not_text"


# --------------------------------------------------------------------------- a whole set


FULL = {
    "measure_type": "ots",
    "n_workers": 2,
    "had_gap": "nee",
    "quality_clear": "ja",
    "contact_one_on_one": "nooit",
    "grade": 8,
    "comment_grade": "  Prima.  ",
}


def test_check_answers_gives_every_item_in_its_stored_form():
    check = answers.check_answers(FULL | {"grade": "8"})
    assert check.ok and tuple(check.values) == Q.item_ids
    assert check.values["grade"] == 8 and check.values["comment_grade"] == "Prima."
    assert check.values["asked_safety"] is None


def test_check_answers_drops_answers_to_hidden_items():
    check = answers.check_answers(FULL | {"n_workers": 0})
    assert check.ok
    assert check.values["quality_clear"] is None and check.values["contact_one_on_one"] is None
    # an item that depends on an answer that is not valid is hidden too: only that answer is wrong
    check = answers.check_answers(FULL | {"n_workers": 7, "quality_clear": "bogus"})
    assert [(p.item, p.rule) for p in check.problems] == [("n_workers", "out_of_range")]


def test_check_answers_requires_shown_required_items_and_knows_no_other_keys():
    check = answers.check_answers({"measure_type": "ots", "postcode": "1234 AB"})
    assert [(p.item, p.rule) for p in check.problems] == [
        ("postcode", "unknown_item"),
        ("n_workers", "required_missing"),
        ("grade", "required_missing"),
    ]
    # an invalid required answer is one problem, not two
    check = answers.check_answers(FULL | {"grade": 11})
    assert [(p.item, p.rule) for p in check.problems] == [("grade", "out_of_range")]


# --------------------------------------------------------------------------- one definition, three users

CASES = [
    ("had_gap", "ja"),
    ("had_gap", "misschien"),
    ("measure_type", "OTS"),
    ("grade", "7.0"),
    ("grade", "11"),
    ("grade", "zeven"),
    ("n_workers", "6"),
    ("n_workers", "7"),
    ("comment_improve", "x" * 1000),
    ("comment_improve", "x" * 1001),
]


@pytest.mark.parametrize("column, value", CASES)
def test_answer_rules_are_the_same_in_flow_storage_and_file_validation(sqlite_storage, column, value):
    _, problem = answers.check_answer(RULES[column], value)
    # the respondent flow
    err = flow.answer_error(Q.item(column), value)
    assert (err is None) == (problem is None)
    if problem is not None:
        assert err.message == ("text_too_long" if problem.rule == "text_too_long" else "invalid_answer")
    # file validation: same rule id and the same message
    df = raw_frame(3)
    df.loc[0, column] = value
    _, report = validate_frame(df, file="f.csv")
    assert [(e.row, e.column, e.rule, e.message, e.message_in("nl")) for e in report.errors] == (
        [] if problem is None else [(2, column, problem.rule, problem.message, problem.message_in("nl"))]
    )
    # storage
    info, _ = sqlite_storage.create_round(name="r", gis=["JBG"])
    ans = random_answers(random.Random(1)) | {"n_workers": 2, column: value}
    submit = dict(gi="JBG", respondent_type="ouder", submission_token=uuid.uuid4().hex)
    if problem is None:
        sqlite_storage.submit_response(info.id, ans, **submit)
    else:
        with pytest.raises(InvalidAnswers) as exc:
            sqlite_storage.submit_response(info.id, ans, **submit)
        assert exc.value.problems == [f"{column}: {problem.message} [{problem.rule}]"]
