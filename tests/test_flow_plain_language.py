"""Plain language of the standard questionnaire (issue 12, item 2): B1 checks that a machine can make.

Short sentences, one question per item, no double negatives, and a one-sentence
explanation beside every question that uses a difficult word.  The item ids stay
the contract columns (the answers of every version are analysed together).
"""

from __future__ import annotations

import re

import pytest

from analysis import contract
from analysis.questionnaire import load_questionnaire

#: Longest sentence (words) of a question, an answer or an explanation.
MAX_WORDS = 20
#: Words a B1 reader may not know, and the item whose explanation (help) must name them.
JARGON = {
    "ondertoezichtstelling": "measure_type",
    "jeugdreclassering": "measure_type",
    "voogdij": "measure_type",
    "maatregel": "measure_type",
    "plan van aanpak": "say_in_plan",
    "jeugdzorgwerker": "n_workers",
}
NEGATIONS = ("niet", "geen", "nooit", "niemand", "niets")


@pytest.fixture(scope="module")
def q():
    return load_questionnaire()


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.?!:])\s+", text.strip()) if s]


def _dutch_texts(q):
    for item in q.items:
        for rtype in contract.RESPONDENT_TYPES:
            yield item.id, "question", item.question(rtype, "nl")
        for option in item.options:
            yield item.id, "option", option.label.nl
        if item.help is not None:
            yield item.id, "help", item.help.nl


def test_plain_language_item_ids_are_the_contract_columns(q):
    assert q.item_ids == contract.ITEM_COLUMNS


def test_plain_language_sentences_are_short(q):
    long = [
        (item_id, kind, s)
        for item_id, kind, text in _dutch_texts(q)
        for s in _sentences(text)
        if len(s.split()) > MAX_WORDS
    ]
    assert long == []


def test_plain_language_one_question_per_item(q):
    for item in q.items:
        for rtype in contract.RESPONDENT_TYPES:
            assert item.question(rtype, "nl").count("?") <= 1, item.id
            assert " en/of " not in item.question(rtype, "nl")


def test_plain_language_no_double_negatives(q):
    for item_id, kind, text in _dutch_texts(q):
        for sentence in _sentences(text):
            words = re.findall(r"\w+", sentence.lower())
            assert sum(w in NEGATIONS for w in words) <= 1, (item_id, kind, sentence)


def test_plain_language_difficult_words_are_explained_beside_the_question(q):
    for word, item_id in JARGON.items():
        help_text = q.item(item_id).help
        assert help_text is not None, item_id
        assert word in help_text.nl.lower(), (word, help_text.nl)
        assert help_text.en.strip(), item_id
    # every explanation: one short sentence per word it explains
    assert len(_sentences(q.item("say_in_plan").help.nl)) == 1
    assert len(_sentences(q.item("n_workers").help.nl)) == 1
