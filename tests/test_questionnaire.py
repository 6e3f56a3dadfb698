"""The questionnaire definition: complete against the contract, both versions, both languages."""

import pytest
import yaml

from analysis import contract
from analysis.questionnaire import DEFAULT_PATH, QuestionnaireError, load_questionnaire, parse_questionnaire


def _raw():
    return yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))


def test_questionnaire_covers_every_contract_item_in_order():
    q = load_questionnaire()
    assert q.item_ids == contract.ITEM_COLUMNS


def test_questionnaire_codes_match_contract():
    q = load_questionnaire()
    for col, codes in contract.CODES.items():
        if col == "respondent_type":
            continue
        assert q.item(col).codes == codes, col
    assert q.item("n_workers").codes == tuple(range(0, 7))
    assert (q.item("grade").min, q.item("grade").max) == contract.INT_RANGES["grade"]


def test_questionnaire_has_parent_and_youth_wording_in_both_languages():
    q = load_questionnaire()
    for item in q.items:
        for rt in contract.RESPONDENT_TYPES:
            assert item.question(rt, "nl") and item.question(rt, "en")
    # youth wording addresses "je/jij", parent wording "u/uw"
    assert "jij" in q.item("measure_type").question("jeugdige", "nl")
    assert "uw kind" in q.item("measure_type").question("ouder", "nl")
    assert "jou" in q.item("contact_one_on_one").question("jeugdige", "nl")


def test_questionnaire_quality_items_shown_only_with_a_worker():
    q = load_questionnaire()
    for col in contract.QUALITY_ITEMS:
        item = q.item(col)
        assert not item.is_shown({"n_workers": 0})
        assert not item.is_shown({})
        assert item.is_shown({"n_workers": 3})
    assert q.item("grade").is_shown({"n_workers": 0})


def test_questionnaire_labels_in_dutch_and_english():
    q = load_questionnaire()
    assert q.item("n_workers").label(6, "nl") == "Meer dan 5"
    assert q.item("n_workers").label(6, "en") == "More than 5"
    assert q.item("say_in_plan").label("geen_plan_bekend", "nl").startswith("Ik weet niet")


def test_questionnaire_broken_file_names_file_and_yaml_path(tmp_path):
    raw = _raw()
    del raw["items"][3]["options"][1]["code"]
    bad = tmp_path / "broken.yaml"
    bad.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(QuestionnaireError) as exc:
        load_questionnaire(bad)
    assert exc.value.file == str(bad)
    assert exc.value.path == "items[3].options[1]"
    assert "broken.yaml" in str(exc.value) and "code" in str(exc.value)


def test_questionnaire_missing_translation_is_an_error():
    raw = _raw()
    del raw["items"][0]["text"]["jeugdige"]["en"]
    with pytest.raises(QuestionnaireError) as exc:
        parse_questionnaire(raw, "q.yaml")
    assert exc.value.path == "items[0].text.jeugdige.en"


def test_questionnaire_show_if_must_point_to_earlier_item():
    raw = _raw()
    raw["items"][0]["show_if"] = {"item": "grade", "op": ">=", "value": 1}
    with pytest.raises(QuestionnaireError) as exc:
        parse_questionnaire(raw, "q.yaml")
    assert exc.value.path == "items[0].show_if.item"


def test_questionnaire_invalid_yaml_names_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nitems: [\n", encoding="utf-8")
    with pytest.raises(QuestionnaireError) as exc:
        load_questionnaire(bad)
    assert "line" in exc.value.path


def test_questionnaire_step_titles_address_youths_with_jij():
    q = load_questionnaire()
    titles = {s.id: s for s in q.steps}
    assert titles["werker"].heading("jeugdige", "nl") == "Jouw jeugdzorgwerker"
    assert titles["werker"].heading("ouder", "nl") == "Uw jeugdzorgwerker"
    for step in q.steps:
        assert " u " not in f" {step.heading('jeugdige', 'nl')} ".replace("?", " ")
