"""analysis.comments: which comments a reader may see (issue 9, item 4), and the Opmerkingen page text."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis import comments, contract, i18n
from analysis.comments import comments_for
from analysis.filters import filter_responses
from analysis.scrub import scrub_text
from sample_data import generate

MIN = contract.MIN_CELL_FLOOR


def _frame(groups: dict[tuple[str, str, str], int], *, text=None) -> pd.DataFrame:
    """``groups``: (gi, respondent_type, measure_type) -> number of respondents, each with a comment."""
    rows = []
    for (gi, rtype, measure), n in groups.items():
        for i in range(n):
            rows.append(
                {
                    "round_id": "r1",
                    "gi": gi,
                    "respondent_type": rtype,
                    "measure_type": measure,
                    "grade": (i % 10) + 1,
                    "comment_grade": text(gi, i) if text else f"{gi} {rtype} {measure} opmerking {i}",
                    "comment_improve": pd.NA,
                }
            )
    df = pd.DataFrame(rows)
    for c in ("round_id", "gi", "respondent_type", "measure_type", "comment_grade", "comment_improve"):
        df[c] = df[c].astype("string")
    df["grade"] = df["grade"].astype("Int64")
    return df


def _shown(df, selection, **kw) -> set[str]:
    sub = filter_responses(df, **{k: v for k, v in selection.items() if v is not None})
    result = comments_for(sub, selection=selection, scrub=lambda s: s, **kw)
    return set(result.table.iloc[:, -1]) if result.shown else set()


# one large institution (two cells of 40 and 30), one small one (7 respondents)
LARGE_SMALL = {("GROOT", "ouder", "ots"): 40, ("GROOT", "jeugdige", "ots"): 30, ("KLEIN", "ouder", "ots"): 7}


def test_comments_difference_of_large_and_small_minus_large_reveals_nothing():
    """Issue 9: comments of {large, small} minus those of {large} must not reveal the small one's comments."""
    df = _frame(LARGE_SMALL)
    both = _shown(df, {"gi": ["GROOT", "KLEIN"]})
    large = _shown(df, {"gi": ["GROOT"]})
    everyone = _shown(df, {})
    assert large  # the large institution's comments are shown
    assert both - large == set()
    assert everyone - large == set()
    assert not any(c.startswith("KLEIN") for c in both | large | everyone)


def test_comments_a_selected_part_under_the_minimum_hides_everything():
    df = _frame(LARGE_SMALL)
    sub = filter_responses(df, gi=["GROOT", "KLEIN"])
    r = comments_for(sub, selection={"gi": ["GROOT", "KLEIN"]})
    assert r.status == comments.PART_TOO_SMALL and r.table.empty
    assert r.parts == (("gi", "KLEIN"),)
    msg = r.message("nl")
    assert "KLEIN" in msg and f"minder dan {MIN}" in msg and "7" not in msg  # the size of the small part stays hidden


def test_comments_every_selected_filter_part_is_checked():
    df = _frame({("A", "ouder", "ots"): 30, ("A", "jeugdige", "ots"): 4, ("A", "ouder", "voogdij"): 20})
    for selection in (
        {"respondent_type": ["ouder", "jeugdige"]},
        {"gi": ["A"], "respondent_type": ["jeugdige", "ouder"], "measure_type": ["ots"]},
    ):
        sub = filter_responses(df, **selection)
        assert comments_for(sub, selection=selection).status == comments.PART_TOO_SMALL, selection
    sub = filter_responses(df, measure_type=["ots", "voogdij"])
    assert comments_for(sub, selection={"measure_type": ["ots", "voogdij"]}).shown


def test_comments_of_small_cells_never_shown_in_any_selection():
    """Every selection is a union of cells, so no sum or difference of selections isolates a small cell."""
    df = _frame(
        {
            ("A", "ouder", "ots"): 30,
            ("A", "jeugdige", "ots"): 4,
            ("B", "ouder", "ots"): 25,
            ("B", "ouder", "voogdij"): 3,
        }
    )
    selections = [
        {},
        {"gi": ["A"]},
        {"gi": ["B"]},
        {"gi": ["A", "B"]},
        {"respondent_type": ["ouder"]},
        {"measure_type": ["ots"]},
        {"gi": ["A"], "respondent_type": ["ouder"]},
    ]
    seen = set().union(*(_shown(df, s) for s in selections))
    small = set(df[(df["respondent_type"] == "jeugdige") | (df["measure_type"] == "voogdij")]["comment_grade"])
    assert seen and not seen & small
    everyone = comments_for(df, selection={})
    assert everyone.shown and everyone.left_out
    assert f"minder dan {MIN}" in everyone.notes("nl")[0]


def test_comments_selection_under_the_minimum_hides_and_does_not_give_its_size():
    df = _frame({("A", "ouder", "ots"): 9})
    r = comments_for(df)
    assert r.status == comments.SELECTION_TOO_SMALL and r.table.empty
    assert "9" not in r.message("nl") and f"minder dan {MIN}" in r.message("nl")
    assert comments_for(_frame({("A", "ouder", "ots"): 10})).shown


@pytest.mark.parametrize("matches", [0, 1, MIN - 1])
def test_comments_search_matching_fewer_than_the_minimum_shows_nothing(matches):
    df = _frame({("A", "ouder", "ots"): 40}, text=lambda gi, i: "te weinig tijd" if i < matches else "prima")
    r = comments_for(df, search="tijd")
    assert r.status == comments.SEARCH_TOO_FEW and r.table.empty
    assert r.message("nl") == i18n.text("privacy.comments.search_too_few", "nl", min_cell=MIN)


def test_comments_search_matching_the_minimum_shows_the_matches():
    df = _frame({("A", "ouder", "ots"): 40}, text=lambda gi, i: "te weinig TIJD" if i < MIN else "prima")
    r = comments_for(df, search="tijd", lang="en")
    assert r.shown and r.table["Comment"].tolist() == ["te weinig TIJD"] * MIN


def test_comments_search_runs_on_the_scrubbed_text():
    df = _frame({("A", "ouder", "ots"): 40}, text=lambda gi, i: "bel 0612345678" if i < 5 else "prima")
    assert comments_for(df, search="0612").status == comments.SEARCH_TOO_FEW
    r = comments_for(df, search="[verwijderd]")
    assert r.status == comments.SEARCH_TOO_FEW  # 5 < 10


def test_comments_without_other_answers_for_every_role_but_inspecteur():
    df = _frame({("A", "ouder", "ots"): 30})
    for role in (None, "beheerder", "gi", "onderzoeker"):
        r = comments_for(df, role=role)
        assert list(r.table.columns) == ["Vraag", "Opmerking"], role
        assert not r.with_answers
        assert r.table["Opmerking"].tolist() == sorted(r.table["Opmerking"], key=str.casefold)  # not in row order
    r = comments_for(df, role="inspecteur")
    assert list(r.table.columns) == ["Vraag", "Instelling", "Cijfer", "Opmerking"]
    assert r.with_answers and set(r.table["Instelling"]) == {"A"}
    assert r.table["Cijfer"].tolist() == [str(g) for g in df["grade"]]


def test_comments_scrubbed_on_the_way_out():
    df = _frame({("A", "ouder", "ots"): 12}, text=lambda gi, i: "Bel 06-12345678 aub" if i == 0 else "Goed")
    r = comments_for(df, scrub=lambda s: scrub_text(s, deidentify=False))
    assert "06-12345678" not in " ".join(r.table["Opmerking"]) and "Bel [verwijderd] aub" in set(r.table["Opmerking"])


def test_comments_rejects_unknown_columns_and_low_min_cell():
    df = _frame({("A", "ouder", "ots"): 12})
    with pytest.raises(ValueError, match="not a comment column"):
        comments_for(df, columns=["grade"])
    with pytest.raises(ValueError, match="min_cell"):
        comments_for(df, min_cell=5)


def test_comments_on_the_demo_data_shows_the_national_comments():
    df = generate()
    r = comments_for(df, selection={}, scrub=lambda s: s)
    assert r.shown and r.n_respondents == len(df) and r.n_comments > 0


# --------------------------------------------------------------------------- what the page claims


#: one example per kind of detail the Opmerkingen page says is removed (privacy.comments.scrubbed)
CLAIMS = {
    "telefoonnummers": "Bel 06-12345678",
    "e-mailadressen": "mail jan@example.nl",
    "'jan (at) gmail'": "mail jan (at) gmail",
    "webadressen": "zie www.voorbeeld.nl",
    "social-media-namen": "volg @jansen_2009",
    "postcodes": "3511 AB",
    "huisnummer": "3511 AB 12",
    "IBAN's": "NL91ABNA0417164300",
    "BSN's": "123456782",
    "namen": "Mijn werker heet Jan de Vries",
    "adressen (straat en huisnummer)": "Ik woon in de Kerkstraat 12",
    "instellingen": "Ik was bij het Mondriaan ziekenhuis",
    "plaatsen": "Ik woon in Utrecht",
    "datums": "Op 01-02-2024 was het gesprek",
    "leeftijden": "Ik ben 15 jaar",
}
#: the kind as it appears on the page -> the exact words the detail had in the example
DETAIL = {
    "telefoonnummers": "06-12345678",
    "e-mailadressen": "jan@example.nl",
    "'jan (at) gmail'": "jan (at) gmail",
    "webadressen": "www.voorbeeld.nl",
    "social-media-namen": "@jansen_2009",
    "postcodes": "3511 AB",
    "huisnummer": "3511 AB 12",
    "IBAN's": "NL91ABNA0417164300",
    "BSN's": "123456782",
    "namen": "Jan de Vries",
    "adressen (straat en huisnummer)": "Kerkstraat 12",
    "instellingen": "Mondriaan",
    "plaatsen": "Utrecht",
    "datums": "01-02-2024",
    "leeftijden": "15",
}


def test_comments_page_text_matches_what_is_done():
    """Every kind of detail the page says is removed is removed, and the page claims nothing else."""
    claim = i18n.text("privacy.comments.scrubbed", "nl")
    for kind, example in CLAIMS.items():
        assert kind in claim, kind
        assert DETAIL[kind] not in scrub_text(example), (kind, scrub_text(example))
    # the page lists exactly these kinds (nothing claimed that is not checked above)
    listed = claim.split(":", 1)[1].split(". ", 1)[0]
    for kind in sorted(CLAIMS, key=len, reverse=True):
        listed = listed.replace(kind, "")
    leftover = {w for w in re.split(r"[\s,;()]+|\[[^\]]*\]", listed) if w}
    assert leftover <= {"(ook", "als", "ook", "met", "of", "zonder", "en", "@naam", "IBAN's"}, leftover
    assert "Dat gaat niet altijd goed" in claim  # and it says that it can miss things


def test_comments_page_does_not_claim_more_in_english():
    nl, en = (i18n.text("privacy.comments.scrubbed", lang) for lang in ("nl", "en"))
    assert nl.count(",") == en.count(",")
