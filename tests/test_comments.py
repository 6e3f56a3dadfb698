"""The one comments rule (issue 9 (d)): :meth:`analysis.protection.ProtectedView.comments`, and the page text.

The rule is the comment-block rule the disclosure auditor tests
(tests/test_disclosure_auditor.py); the Opmerkingen page calls it
(tests/test_app_dashboards.py checks the page shows exactly its output).
"""

from __future__ import annotations

import itertools
import re
import uuid

import pandas as pd
import pytest

from analysis import comments, contract, i18n
from analysis.frame import canonical_frame
from analysis.protection import protect, visible_comments
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
                    "response_id": str(uuid.UUID(int=len(rows) + 1, version=4)),
                    "round_id": "r1",
                    "gi": gi,
                    "respondent_type": rtype,
                    "submitted_week": "2025-W07",
                    "measure_type": measure,
                    "grade": (i % 10) + 1,
                    "comment_grade": text(gi, i) if text else f"opmerking {gi} {rtype} {measure} nummer {i}",
                }
            )
    return canonical_frame(pd.DataFrame(rows))


def _shown(data, filters, **kw) -> set[str]:
    result = data.view(filters).comments(**kw)
    return set(result.table.iloc[:, -1]) if result.shown else set()


def _views(df):
    gis = [None, *sorted(df["gi"].unique())]
    types = [None, *contract.RESPONDENT_TYPES]
    measures = [None, *contract.CODES["measure_type"]]
    for g, t, m in itertools.product(gis, types, measures):
        yield {"gi": g, "respondent_type": t, "measure_type": m}


def _mask(df, f):
    keep = pd.Series(True, index=df.index)
    for k, v in f.items():
        if v is not None:
            keep &= (df[k] == v).fillna(False)
    return keep


# one large institution (two cells of 40 and 30), one small one (7 respondents)
LARGE_SMALL = {("GROOT", "ouder", "ots"): 40, ("GROOT", "jeugdige", "ots"): 30, ("KLEIN", "ouder", "ots"): 7}


def test_comments_difference_of_large_and_small_minus_large_reveals_nothing():
    """Issue 9: no difference of two selections gives the small institution's comments."""
    df = _frame(LARGE_SMALL)
    data = protect(df, min_cell=MIN)
    with pytest.raises(ValueError, match="one value or all"):  # {large, small} is not a selection
        visible_comments(df, filters={"gi": ["GROOT", "KLEIN"]})
    small = {scrub_text(t) for t in df.loc[df["gi"] == "KLEIN", "comment_grade"]}
    shown = {tuple(f.items()): _shown(data, f) for f in _views(df)}
    everyone = shown[tuple({"gi": None, "respondent_type": None, "measure_type": None}.items())]
    assert everyone >= small  # the national selection shows everyone's comments (KLEIN pooled in a block)
    for a, b in itertools.permutations([t for t in shown.values() if t], 2):
        assert not (a - b and (a - b) <= small)
    assert not _shown(data, {"gi": "KLEIN"})


def test_comments_a_selected_part_under_the_minimum_hides_everything():
    df = _frame(LARGE_SMALL)
    r = visible_comments(df, filters={"gi": "KLEIN"}, min_cell=MIN)
    assert r.status == comments.SELECTION_HIDDEN and r.table.empty and r.n_respondents == 0
    msg = r.message("nl")
    assert f"minder dan {MIN}" in msg and "7" not in msg  # the size of the small part stays hidden


def test_comments_a_selection_pooled_with_a_small_group_outside_it_shows_nothing():
    # A/ouder/voogdij (5) is pooled with A/ouder/ots (40) into one block: a shown selection that holds
    # one of them but not the other (e.g. measure type ots) would give the 5 comments by subtraction
    df = _frame(
        {
            ("A", "ouder", "ots"): 40,
            ("A", "ouder", "voogdij"): 5,
            ("A", "jeugdige", "ots"): 30,
            ("B", "ouder", "ots"): 40,
            ("B", "ouder", "jeugdreclassering"): 40,
        }
    )
    data = protect(df, min_cell=MIN)
    refused = [f for f in _views(df) if data.view(f).comments().status == comments.SHARES_SMALL_GROUP]
    assert refused
    for f in refused:
        r = data.view(f).comments()
        assert data.view(f).respondents.has_data and r.table.empty and r.n_respondents >= MIN
        assert r.message("en") == i18n.text("onerule.comments.shares_small_group", "en", min_cell=MIN)
        assert (_mask(df, f) & (df["measure_type"] == "voogdij")).sum() in (0, 5)
    assert data.view({"gi": "A", "respondent_type": "jeugdige"}).comments().shown


def test_comments_no_set_operation_isolates_a_small_group():
    """Every selection that shows comments is a union of blocks of at least the minimum."""
    df = _frame(
        {
            ("A", "ouder", "ots"): 30,
            ("A", "jeugdige", "ots"): 4,
            ("B", "ouder", "ots"): 25,
            ("B", "ouder", "voogdij"): 3,
        }
    )
    data = protect(df, min_cell=MIN)
    sets = [_mask(df, f) for f in _views(df) if data.view(f).comments().shown]
    assert sets
    atoms = [pd.Series(True, index=df.index)]
    for s in sets:
        atoms = [p for a in atoms for p in (a & s, a & ~s) if p.any()]
    assert min(int(a.sum()) for a in atoms) >= MIN


def test_comments_selection_under_the_minimum_hides_and_does_not_give_its_size():
    df = _frame({("A", "ouder", "ots"): 9})
    r = visible_comments(df, min_cell=MIN)
    assert r.status == comments.SELECTION_HIDDEN and r.table.empty
    assert "9" not in r.message("nl") and f"minder dan {MIN}" in r.message("nl")
    assert visible_comments(_frame({("A", "ouder", "ots"): 10})).shown


@pytest.mark.parametrize("matches", [0, 1, MIN - 1])
def test_comments_search_matching_fewer_than_the_minimum_shows_nothing(matches):
    df = _frame({("A", "ouder", "ots"): 40}, text=lambda gi, i: "te weinig tijd" if i < matches else "prima")
    r = visible_comments(df, search="tijd")
    assert r.status == comments.SEARCH_TOO_FEW and r.table.empty
    assert r.message("nl") == i18n.text("privacy.comments.search_too_few", "nl", min_cell=MIN)


def test_comments_search_matching_the_minimum_shows_the_matches():
    df = _frame({("A", "ouder", "ots"): 40}, text=lambda gi, i: "te weinig TIJD" if i < MIN else "prima")
    r = visible_comments(df, search="tijd", lang="en")
    assert r.shown and r.table["Comment"].tolist() == ["te weinig TIJD"] * MIN


def test_comments_search_runs_on_the_scrubbed_text():
    df = _frame({("A", "ouder", "ots"): 40}, text=lambda gi, i: "bel 0612345678" if i < 5 else "prima")
    assert visible_comments(df, search="0612").status == comments.SEARCH_TOO_FEW
    r = visible_comments(df, search="[verwijderd]")
    assert r.status == comments.SEARCH_TOO_FEW  # 5 < 10


def test_comments_without_other_answers_for_every_role_but_inspecteur():
    df = _frame({("A", "ouder", "ots"): 30})
    for role in (None, "beheerder", "gi", "onderzoeker"):
        r = visible_comments(df, role=role)
        assert list(r.table.columns) == ["Vraag", "Opmerking"], role
        assert not r.with_answers
        assert r.table["Opmerking"].tolist() == sorted(r.table["Opmerking"], key=str.casefold)  # not in row order
    r = visible_comments(df, role="inspecteur")
    assert list(r.table.columns) == ["Vraag", "Instelling", "Cijfer", "Opmerking"]
    assert r.with_answers and set(r.table["Instelling"]) == {"A"}
    order = df.sort_values("response_id", kind="stable")
    assert r.table["Cijfer"].tolist() == [str(g) for g in order["grade"]]


def test_comments_scrubbed_on_the_way_out():
    df = _frame({("A", "ouder", "ots"): 12}, text=lambda gi, i: "Bel 06-12345678 aub" if i == 0 else "Goed")
    r = visible_comments(df)
    assert "06-12345678" not in " ".join(r.table["Opmerking"]) and "Bel [verwijderd] aub" in set(r.table["Opmerking"])


def test_comments_rejects_unknown_columns_and_low_min_cell():
    df = _frame({("A", "ouder", "ots"): 12})
    with pytest.raises(ValueError, match="not a comment column"):
        visible_comments(df, columns=["grade"])
    with pytest.raises(ValueError, match="min_cell"):
        visible_comments(df, min_cell=5)


def test_comments_on_the_demo_data_shows_the_national_comments():
    df = generate()
    r = visible_comments(df, filters={})
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
