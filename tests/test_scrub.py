"""analysis.scrub: contact details in free text become [verwijderd] (rules); names, places, addresses,
dates and ages become deduce's placeholders."""

import pandas as pd
import pytest
from _io_helpers import valid_frame

from analysis.scrub import (
    REPLACEMENT,
    bsn_elfproef,
    find_personal_data,
    iban_valid,
    scrub_frame,
    scrub_text,
)

R = REPLACEMENT

# (text, kind) -- each one is embedded in a sentence and must disappear completely
POSITIVES = [
    # phone numbers
    ("06-12345678", "phone"),
    ("06 1234 5678", "phone"),
    ("06 12 34 56 78", "phone"),
    ("0612345678", "phone"),
    ("06-1234 5678", "phone"),
    ("+31 6 12345678", "phone"),
    ("+31 (0)6 12345678", "phone"),
    ("+31612345678", "phone"),
    ("0031 6 12345678", "phone"),
    ("0031612345678", "phone"),
    ("020-1234567", "phone"),
    ("010 123 4567", "phone"),
    ("(020) 123 4567", "phone"),
    ("0318-123456", "phone"),
    ("+31 20 123 4567", "phone"),
    ("085.123.45.67", "phone"),
    # e-mail
    ("jan@example.nl", "email"),
    ("voor.naam+jeugd@sub.example.com", "email"),
    ("J.de-Vries@gemeente-utrecht.nl", "email"),
    # BSN (pass the eleven test)
    ("123456782", "bsn"),
    ("123.456.782", "bsn"),
    ("123 456 782", "bsn"),
    ("111222333", "bsn"),
    # IBAN
    ("NL91ABNA0417164300", "iban"),
    ("NL91 ABNA 0417 1643 00", "iban"),
    ("nl91abna0417164300", "iban"),
    ("NL02ABNA0123456789", "iban"),  # mistyped check digits: still a Dutch account number
    ("DE89 3704 0044 0532 0130 00", "iban"),
    ("BE68539007547034", "iban"),
    # postcode with house number
    ("1234 AB 12", "postcode"),
    ("1234AB 12a", "postcode"),
    ("1234AB12", "postcode"),
    ("1234ab 12", "postcode"),
    ("1234 AB 12-3", "postcode"),
    ("9999 ZZ 1 A", "postcode"),
    # web addresses
    ("http://example.com", "url"),
    ("https://www.jeugdbescherming.nl/contact?id=3#top", "url"),
    ("www.example.nl", "url"),
    ("WWW.Example.NL/pagina", "url"),
    ("example.nl/path", "url"),
    ("facebook.com/jan.jansen", "url"),
    ("mijn-blog.info/over-mij", "url"),
    ("jeugdbescherming.nl", "url"),
    ("bol.com", "url"),
]


@pytest.mark.parametrize("value,kind", POSITIVES)
def test_scrub_text_removes_personal_data(value, kind):
    text = f"Neem contact op via {value}, alstublieft."
    assert scrub_text(text) == f"Neem contact op via {R}, alstublieft."
    assert find_personal_data(text) == [(kind, value)]


@pytest.mark.parametrize("value", [v for v, _ in POSITIVES])
def test_scrub_text_removes_personal_data_at_start_and_end(value):
    assert scrub_text(value) == R
    assert scrub_text(f"({value})") == f"({R})"
    assert scrub_text(f"{value}.") == f"{R}."


NEGATIVES = [
    "7",
    "Ik geef een 7, want ze luistert.",
    "Cijfer 7.5 of 8",
    "In 2024 ging het beter dan in 2023.",
    "2024 en 2025",
    "2025-W07",
    "Het kostte 1.500 euro",
    "123 456 789",
    "06 keer gebeld en 5 keer gemaild",
    "0 jeugdzorgwerkers gehad, toen 3",
    "tussen 2 en 3 keer per week",
    "1234 keer gebeld",
    "Het was goed.Nu gaat het beter",
    "o.a. d.w.z. t.a.v. m.b.t. enz.",
    "ja/nee",
    "NL is een mooi land",
    "NL91ABNA",
    "meer dan 5 jeugdzorgwerkers: 6 of 7",
    "",
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_scrub_text_keeps_ordinary_text(text):
    assert scrub_text(text) == text
    assert find_personal_data(text) == []


# not contact details (the rules keep them), but deduce replaces them: (text, scrubbed, deduce's tags)
DEDUCE_ONLY = [
    ("Op 01-02-2024 om 12:30 was het gesprek.", "Op [DATUM-1] om 12:30 was het gesprek.", ["datum"]),
    ("12-03-2024", "[DATUM-1]", ["datum"]),
    ("Ik ben 16 jaar en woon in Utrecht.", "Ik ben [LEEFTIJD-1] jaar en woon in [LOCATIE-1].", ["leeftijd", "locatie"]),
]


#: the rules keep these; deduce takes long digit strings for identifiers (case numbers) and dates
RULES_ONLY = [
    "123456789",  # nine digits that fail the eleven test
    "987654321",
    "12345678",  # eight digits
    "1234567890",  # ten digits, not starting with 0
    "Sinds 3 mei 2024 (week 18)",
]


@pytest.mark.parametrize("text", RULES_ONLY)
def test_scrub_text_rules_keep_but_deduce_replaces(text):
    assert scrub_text(text, deidentify=False) == text
    assert find_personal_data(text, deidentify=False) == []
    assert scrub_text(text) != text


@pytest.mark.parametrize("text,scrubbed,tags", DEDUCE_ONLY)
def test_scrub_text_deduce_replaces_dates_ages_and_places(text, scrubbed, tags):
    assert scrub_text(text, deidentify=False) == text
    assert scrub_text(text) == scrubbed
    assert [k for k, _ in find_personal_data(text)] == tags


# the examples of issue 9 (item 5): each is scrubbed completely
ISSUE_EXAMPLES = [
    ("Mijn werker heet Jan", "Mijn werker heet [PERSOON-1]"),
    ("Mijn voogd is Jan de Vries.", "Mijn voogd is [PERSOON-1]."),
    ("Ik woon in de Kerkstraat 12 in Utrecht", "Ik woon in de [LOCATIE-1] in [LOCATIE-2]"),
    ("Ik ben 15 jaar", "Ik ben [LEEFTIJD-1] jaar"),
    ("Bel 06\u20131234 5678 aub", f"Bel {R} aub"),  # en dash
    ("Bel 06 - 12 34 56 78 aub", f"Bel {R} aub"),  # spaces inside the number
    ("Bel 0 6 1 2 3 4 5 6 7 8 aub", f"Bel {R} aub"),
    ("Bel \uff10\uff16\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18 aub", f"Bel {R} aub"),  # full-width
    ("Mail jan (at) gmail aub", f"Mail {R} aub"),
    ("Mail jan [at] gmail [dot] com aub", f"Mail {R} aub"),
    ("Mail jan at hotmail dot com aub", f"Mail {R} aub"),
    ("Mail jan @ gmail.com aub", f"Mail {R} aub"),
    ("Mijn adres is 3511 AB, nr 12 hoor", f"Mijn adres is {R} hoor"),
    ("postcode 3511 AB", f"postcode {R}"),
    ("Volg mij: @jansen_2009 op insta", f"Volg mij: {R} op insta"),
]


@pytest.mark.parametrize("text,scrubbed", ISSUE_EXAMPLES)
def test_scrub_text_issue_examples_are_scrubbed(text, scrubbed):
    assert scrub_text(text) == scrubbed


@pytest.mark.parametrize(
    "text,kind",
    [
        ("Bel 06\u20131234 5678", "phone"),
        ("\uff10\uff16\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18", "phone"),
        ("jan (at) gmail", "email"),
        ("3511 AB, nr 12", "postcode"),
        ("@jansen_2009", "handle"),
    ],
)
def test_scrub_text_rules_catch_obfuscated_contact_details_without_deduce(text, kind):
    assert [k for k, _ in find_personal_data(text, deidentify=False)] == [kind]


@pytest.mark.parametrize("text", ["Kijk eens at me", "Ik ben at home", "ja @ nee", "prijs @ 5 euro"])
def test_scrub_text_a_bare_at_is_not_an_email(text):
    assert scrub_text(text, deidentify=False) == text


def test_scrub_text_unchanged_text_is_not_normalised():
    text = "Goed \uff17 gedaan \u2013 echt"  # a full-width 7 and an en dash, nothing to remove
    assert scrub_text(text) == text


def test_scrub_deidentifier_is_loaded_once_per_process():
    from analysis import scrub

    first = scrub.deidentifier()
    scrub_text("Mijn werker heet Piet")
    assert scrub.deidentifier() is first


def test_scrub_deidentifier_tables_are_frozen_out_of_the_garbage_collector():
    # deduce's lookup tables are ~4.5 million objects for the life of the process; unfrozen, every
    # full collection walked them (Streamlit collects after each run: ~4.5 s per click, measured
    # December 2026). Frozen, they are left out of every collection.
    import gc

    from analysis import scrub

    scrub.deidentifier()
    assert gc.get_freeze_count() > 1_000_000


def test_scrub_text_several_findings_in_one_text():
    text = (
        "Bel 06-12345678 of mail a.b@c.nl. Mijn BSN is 123.456.782, rekening NL91ABNA0417164300, "
        "adres 1234 AB 12. Zie www.x.nl. Ik geef een 6."
    )
    assert scrub_text(text) == (
        f"Bel {R} of mail {R}. Mijn BSN is {R}, rekening {R}, adres {R}. Zie {R}. Ik geef een 6."
    )
    assert [k for k, _ in find_personal_data(text)] == ["phone", "email", "bsn", "iban", "postcode", "url"]


def test_scrub_text_email_is_not_cut_into_a_web_address():
    assert scrub_text("mail jan@jeugdbescherming.nl") == f"mail {R}"


def test_scrub_text_iban_digits_are_not_taken_for_a_phone_number():
    assert find_personal_data("NL91 ABNA 0417 1643 00") == [("iban", "NL91 ABNA 0417 1643 00")]


def test_scrub_text_keeps_punctuation_after_a_web_address():
    assert scrub_text("Zie https://example.nl/a.") == f"Zie {R}."
    assert scrub_text("(zie https://example.nl/wiki/A_(b))") == f"(zie {R})"


def test_scrub_text_passes_missing_values_through():
    assert scrub_text(None) is None
    assert scrub_text(pd.NA) is pd.NA
    assert scrub_text("") == ""


def test_scrub_text_custom_replacement():
    assert scrub_text("bel 0612345678", replacement="***") == "bel ***"


def test_bsn_elfproef():
    # 9*1 + 8*2 + 7*3 + 6*4 + 5*5 + 4*6 + 3*7 + 2*8 - 1*2 = 154 = 14 * 11
    assert bsn_elfproef("123456782")
    assert bsn_elfproef("111222333")  # 9+8+7+12+10+8+9+6-3 = 66 = 6 * 11
    assert not bsn_elfproef("123456789")  # 147, remainder 4
    assert not bsn_elfproef("000000000")
    assert not bsn_elfproef("12345678")


def test_iban_valid():
    # Examples from the ISO 13616 / SWIFT IBAN registry
    assert iban_valid("NL91ABNA0417164300")
    assert iban_valid("GB82 WEST 1234 5698 7654 32")
    assert iban_valid("DE89370400440532013000")
    assert not iban_valid("NL92ABNA0417164300")
    assert not iban_valid("GB82 WEST 1234 5698 7654 33")


def test_scrub_frame_cleans_only_the_comment_columns():
    df = valid_frame(4)
    df.loc[0, "comment_grade"] = "Bel 06-12345678"
    df.loc[1, "comment_improve"] = "mail a@b.nl of 0612345678"
    df.loc[2, "round_id"] = "0612345678"  # not a free-text column: kept
    out = scrub_frame(df)
    assert out.loc[0, "comment_grade"] == f"Bel {R}"
    assert out.loc[1, "comment_improve"] == f"mail {R} of {R}"
    assert out.loc[2, "round_id"] == "0612345678"
    assert pd.isna(out.loc[1, "comment_grade"])
    assert out.dtypes.equals(df.dtypes)
    assert df.loc[0, "comment_grade"] == "Bel 06-12345678"  # the input is not changed
    pd.testing.assert_frame_equal(
        out.drop(columns=["comment_grade", "comment_improve"]), df.drop(columns=["comment_grade", "comment_improve"])
    )
