"""Which items differ between two questionnaire versions (analysis.questionnaire_diff)."""

from __future__ import annotations

import copy

import pytest
import yaml

from analysis import questionnaire_diff as qd
from analysis.questionnaire import DEFAULT_PATH, QuestionnaireError, load_questionnaire, parse_questionnaire


def _v2() -> dict:
    """The built-in definition with a reworded, a recoded, a removed and a new item (ids kept stable)."""
    data = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    d = copy.deepcopy(data)
    d["version"] = 2
    items = {i["id"]: i for i in d["items"]}
    items["had_gap"]["text"]["ouder"]["nl"] = "Had u een tijd geen jeugdzorgwerker?"
    items["opinion_asked"]["options"] = items["opinion_asked"]["options"][:3]  # one answer code fewer
    items["grade"]["required"] = not items["grade"].get("required", False)
    d["items"] = [i for i in d["items"] if i["id"] != "comment_improve"]
    d["items"].append(
        {
            "id": "would_recommend",
            "step": "cijfer",
            "type": "choice",
            "text": {
                "ouder": {"nl": "Zou u ons aanraden?", "en": "Would you recommend us?"},
                "jeugdige": {"nl": "Zou je ons aanraden?", "en": "Would you recommend us?"},
            },
            "options": [
                {"code": "ja", "label": {"nl": "Ja", "en": "Yes"}},
                {"code": "nee", "label": {"nl": "Nee", "en": "No"}},
            ],
        }
    )
    return d


def test_questionnaire_diff_same_version_has_no_differences():
    q = load_questionnaire()
    diff = qd.diff_questionnaires(q, q)
    assert tuple(diff.columns) == qd.DIFF_COLUMNS
    assert diff["item_id"].tolist() == list(q.item_ids)
    assert set(diff["change"]) == {"same"} and diff["comparable"].all()


def test_questionnaire_diff_names_each_changed_item_and_whether_it_stays_comparable():
    a = load_questionnaire()
    b = parse_questionnaire(_v2(), "v2.yaml")
    diff = qd.diff_questionnaires(a, b).set_index("item_id")
    assert diff.loc["had_gap", "change"] == "changed" and diff.loc["had_gap", "fields"] == "text"
    assert diff.loc["had_gap", "comparable"]  # rewording keeps the item comparable
    assert diff.loc["opinion_asked", "fields"] == "options" and not diff.loc["opinion_asked", "comparable"]
    assert diff.loc["grade", "fields"] == "required" and diff.loc["grade", "comparable"]
    assert diff.loc["comment_improve", "change"] == "removed" and not diff.loc["comment_improve", "comparable"]
    assert diff.loc["would_recommend", "change"] == "added" and diff.loc["would_recommend", "step_b"] == "cijfer"
    assert diff.index[-1] == "would_recommend"  # new items last
    same = diff[diff["change"] == "same"]
    assert len(same) == len(a.items) - 4
    view = qd.diff_view(diff.reset_index()[lambda d: d["change"] != "same"], a, b, lang="nl")
    assert view.columns.tolist() == ["Vraag (id)", "Vraag", "Verschil", "Wat is anders", "Te vergelijken"]
    row = view[view["Vraag (id)"] == "had_gap"].iloc[0]
    assert row["Vraag"] == "Had u een tijd geen jeugdzorgwerker?" and row["Wat is anders"] == "vraagtekst"
    assert row["Te vergelijken"] == "ja"
    assert view[view["Vraag (id)"] == "opinion_asked"].iloc[0]["Wat is anders"] == "antwoordcodes"


def test_questionnaire_diff_reads_an_uploaded_version_with_the_same_checks():
    text = yaml.safe_dump(_v2(), allow_unicode=True).encode()
    q = qd.read_questionnaire(text, file="concept-v2.yaml")
    assert q.version_key == "gi-clientervaring@2" and "would_recommend" in q.item_ids
    broken = _v2()
    broken["items"][0]["type"] = "slider"
    with pytest.raises(QuestionnaireError, match=r"concept\.yaml: items\[0\]\.type"):
        qd.read_questionnaire(yaml.safe_dump(broken).encode(), file="concept.yaml")
    with pytest.raises(QuestionnaireError, match="not valid YAML"):
        qd.read_questionnaire(b"id: [unclosed", file="x.yaml")
    assert list(qd.known_versions()) == ["gi-clientervaring@1"]
