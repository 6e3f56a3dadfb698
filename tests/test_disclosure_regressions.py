"""Named regression tests for the attacks of issue 9 ("Disclosure control that holds across views").

Each test replays one attack of the issue on synthetic data: the demo data
(five institutions of 198-426 respondents) plus an institution of 7
(tests/_disclosure_data.py for the auditor's smaller set).  Before the
protected table (analysis/protection.py) every one of them recovered hidden
values; now each must fail.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import uuid
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _disclosure_data import SMALL_COMMENT, SMALL_GI, SMALL_GRADES, audit_frame

from analysis import contract, relations, stats
from analysis.figures import compute_figures
from analysis.frame import canonical_frame
from analysis.protection import ProtectedData, protect, visible_comments
from analysis.report import report_dict, report_markdown
from sample_data.generator import generate

SCRIPT = Path(sys.executable).with_name("survey-app")


@pytest.fixture(scope="module")
def demo7() -> pd.DataFrame:
    """The demo data plus KLEIN: 7 respondents with the grades of the issue (8, 5, 3, 2, 1, 5, 7)."""
    df = generate()
    small = df.sample(7, random_state=3).copy()
    small["gi"] = SMALL_GI
    small["grade"] = list(SMALL_GRADES)
    small["n_workers"] = [0, 1, 1, 2, 3, 4, 6]
    small["comment_grade"] = [SMALL_COMMENT.format(i=i) for i in range(7)]
    small["response_id"] = [str(uuid.UUID(int=i + 1, version=4)) for i in range(7)]
    return canonical_frame(pd.concat([df, small], ignore_index=True))


@pytest.fixture(scope="module")
def audit_df() -> pd.DataFrame:
    return audit_frame()


def _counts(fig: dict) -> dict:
    return {r.get("category"): r["n"] for r in fig["rows"]}


def test_national_minus_institutions_recovers_nothing_of_a_small_institution(demo7):
    large = [g for g in contract.GI_CODES]
    national = {f["id"]: f for f in report_dict(demo7)["figures"]}
    per_gi = {g: {f["id"]: f for f in report_dict(demo7, filters={"gi": g})["figures"]} for g in large}
    small_rows = demo7[demo7["gi"] == SMALL_GI]
    for fid in contract.DISTRIBUTION_FIGURES:
        terms = [_counts(national[fid])] + [_counts(per_gi[g][fid]) for g in large]
        complete = all(v is not None for t in terms for v in t.values())
        if complete:  # then national minus the five would be KLEIN's distribution
            diff = {c: terms[0][c] - sum(t[c] for t in terms[1:]) for c in terms[0]}
            assert not any(diff.values()), (fid, diff)
    # grade by number of workers: national sum of grades minus the five gives KLEIN's grades
    nat = {r["group"]: r for r in national["grade_by_workers"]["rows"]}
    for g, code in contract.WORKER_GROUPS.items():
        if not (small_rows["n_workers"] == g).any():
            continue
        rows = [nat[code]] + [{r["group"]: r for r in per_gi[x]["grade_by_workers"]["rows"]}[code] for x in large]
        assert any(r["mean"] is None or r["n"] is None for r in rows), code
    # the comparison page: KLEIN against the rest shows nothing
    cmp = protect(demo7).view({}).compare_institution(SMALL_GI)
    assert cmp["suppressed"].all() and cmp["a_n"].isna().all()


def test_national_minus_institutions_gives_no_small_institution_mean_grade(demo7):
    v = protect(demo7).view({})
    national = v.key_numbers().set_index("key")
    parts = [protect(demo7).view({"gi": g}).key_numbers().set_index("key") for g in contract.GI_CODES]
    shown = [p.loc["mean_grade", "value"] for p in parts] + [national.loc["mean_grade", "value"]]
    assert any(pd.isna(x) for x in shown)  # one institution's mean is hidden to protect KLEIN
    assert protect(demo7).view({"gi": SMALL_GI}).respondents.n is None


def test_splitting_by_another_filter_gives_nothing_of_parents_without_measure_type(audit_df):
    sel = {"gi": "JBN", "respondent_type": "ouder"}
    parent = report_dict(audit_df, filters=sel)
    children = [report_dict(audit_df, filters={**sel, "measure_type": m}) for m in contract.CODES["measure_type"]]
    for i, fig in enumerate(parent["figures"]):
        if fig["kind"] != "distribution" or fig["id"] == "measure_type":
            continue
        terms = [_counts(fig)] + [_counts(c["figures"][i]) for c in children]
        if all(v is not None for t in terms for v in t.values()):
            diff = {c: terms[0][c] - sum(t[c] for t in terms[1:]) for c in terms[0]}
            assert sum(diff.values()) == 0, (fig["id"], diff)  # would be the 5 parents' answers
    grade = [parent["figures"][6]] + [c["figures"][6] for c in children]
    for code in contract.WORKER_GROUPS.values():
        rows = [{r["group"]: r for r in g["rows"]}[code] for g in grade]
        if all(r["n"] is not None and r["mean"] is not None for r in rows):
            assert rows[0]["n"] == sum(r["n"] for r in rows[1:]), code


def test_comments_of_two_selections_cannot_be_subtracted(demo7):
    with pytest.raises(ValueError, match="one value or all"):
        visible_comments(demo7, filters={"gi": ["JBN", SMALL_GI]})
    data = protect(demo7)
    small = data.view({"gi": SMALL_GI}).comments()
    assert not small.shown and small.table.empty
    # every selection that shows comments is a union of blocks of at least 10 respondents
    blocks = data.comment_blocks()
    assert blocks.groupby("block")["n"].sum().min() >= 10
    texts_small = {SMALL_COMMENT.format(i=i) for i in range(7)}
    shown = {}
    for g in [None, *contract.GI_CODES, SMALL_GI]:
        res = data.view({"gi": g}).comments()
        if res.shown:
            shown[g] = set(res.table.iloc[:, -1])
    national = shown.get(None, set())
    others = set().union(*(t for g, t in shown.items() if g is not None))
    # national minus every other institution's comments is never exactly KLEIN's comments
    rest = national - others
    assert not (rest and rest <= texts_small)
    # a search with fewer matches than the minimum shows nothing
    assert not data.view({}).comments(search="Opmerking van KLEIN").shown


def test_comments_show_other_answers_only_to_inspecteur(demo7):
    v = protect(demo7).view({})
    assert list(v.comments().table.columns) == ["Vraag", "Opmerking"]
    assert list(v.comments(role="inspecteur").table.columns) == ["Vraag", "Instelling", "Cijfer", "Opmerking"]


def test_exact_size_of_hidden_groups_is_not_shown(demo7):
    d = report_dict(demo7, filters={"gi": "WSS", "respondent_type": "jeugdige"})
    hidden = [(f["id"], r) for f in d["figures"] for r in f["rows"] if r["suppressed"]]
    assert hidden
    for fid, r in hidden:
        assert r["n"] in (None, 0), (fid, r)
        assert r["n_below"] in (None, 10)
    grade = next(f for f in d["figures"] if f["id"] == "grade_by_workers")
    for r in grade["rows"]:
        if r["suppressed"]:
            assert grade["group_n"][r["group"]] in (None, 0)
    md = report_markdown(demo7, filters={"gi": "WSS", "respondent_type": "jeugdige"})
    for n in range(1, 10):
        assert f"| {n} | te weinig" not in md
    assert "minder dan 10" in md


def test_small_and_protecting_hidden_groups_look_the_same(demo7):
    """A reader cannot tell a small hidden group from one hidden to protect it (finding H6).

    With two labels ("minder dan 10" / "verborgen") a shown total of 11 over one small and one
    protecting hidden group gives both exactly (1 and 10). One text and ``n_below`` null for both.
    """
    filters = {"gi": "WSS", "respondent_type": "jeugdige"}
    d = report_dict(demo7, filters=filters)
    table = protect(demo7).table()  # the same (cached) table, with the families the report built
    sel = table[(table["gi"] == "WSS") & (table["respondent_type"] == "jeugdige")]
    assert {"small", "protects"} <= set(sel["status"])  # both kinds are hidden in this selection
    hidden = [r for f in d["figures"] for r in f["rows"] if r["suppressed"]]
    assert hidden and all(r["n"] in (None, 0) and r["n_below"] is None for r in hidden)
    assert all(f.get("base_n_below") is None for f in d["figures"])
    md = report_markdown(demo7, filters=filters)
    # every hidden size reads "verborgen" and says the same why (an empty group shows 0: nothing hidden)
    whys = set(re.findall(r"\| verborgen \| ([^|]*) \|", md))
    assert whys == {"verborgen (minder dan 10, of ter bescherming van een kleine groep)"}, whys
    assert not re.search(r"\| minder dan 10 \|", md)


def test_relations_run_over_shown_groups_only(audit_df):
    v = protect(audit_df).view({"gi": "JBRA"})
    shown = v.shown_groups("n_workers")
    everyone = stats.category_labels(v.sub, "n_workers")
    assert 0 < len(shown) < len(set(everyone) - {None})  # some groups are hidden here
    got = v.association("grade", "n_workers").set_index("measure")
    sub = v.sub[np.isin(everyone, shown)].reset_index(drop=True)
    want = relations.association(sub, x="grade", y="n_workers", min_cell=10).set_index("measure")
    assert got.loc["kruskal_wallis", "statistic"] == pytest.approx(want.loc["kruskal_wallis", "statistic"])
    old = relations.association(v.sub, x="grade", y="n_workers", min_cell=10).set_index("measure")
    assert got.loc["kruskal_wallis", "statistic"] != pytest.approx(old.loc["kruskal_wallis", "statistic"])
    # the same through the relations entry point with the whole data set and filters
    via = relations.association(audit_df, x="grade", y="n_workers", filters={"gi": "JBRA"}).set_index("measure")
    assert via.loc["kruskal_wallis", "statistic"] == pytest.approx(got.loc["kruskal_wallis", "statistic"])


def test_cross_table_hides_the_small_institution_and_warns_on_small_expected_counts(audit_df):
    ct = relations.crosstab(audit_df, row="gi", col="explained_at_start", filters={})
    small = ct[ct["row"] == SMALL_GI]
    assert small["suppressed"].all() and small["n"].isna().all()
    assert "low_expected" in ct.columns
    a = protect(audit_df).view({}).association("gi", "explained_at_start")
    assert "low_expected" in a.columns
    # every cell at least 10, yet an expected count of 20 * 20 / 220 = 1.8: flagged
    pairs = [("ja", "ja")] * 10 + [("ja", "nee")] * 10 + [("nee", "ja")] * 10 + [("nee", "nee")] * 190
    df = _mini(0).iloc[:0]
    df = canonical_frame(
        pd.DataFrame(
            {
                "response_id": [str(uuid.UUID(int=i + 1, version=4)) for i in range(len(pairs))],
                "round_id": "r1",
                "gi": "JBG",
                "respondent_type": "ouder",
                "submitted_week": "2025-W07",
                "measure_type": "ots",
                "had_gap": [a for a, _ in pairs],
                "say_in_plan": [b for _, b in pairs],
            }
        )
    )
    ct = relations.crosstab(df, row="had_gap", col="say_in_plan", filters={})
    cell = ct[(ct["row"] == "ja") & (ct["col"] == "ja")].iloc[0]
    assert not cell["suppressed"] and cell["expected"] == pytest.approx(20 * 20 / 220)
    assert cell["low_expected"]
    chi = protect(df).view({}).association("had_gap", "say_in_plan")
    assert chi["low_expected"].any() or "cramers_v" not in set(chi["measure"])


def test_min_cell_below_ten_is_refused_by_analysis(demo7):
    for bad in (1, 5, 9):
        with pytest.raises(ValueError, match="min_cell must be a whole number >= 10"):
            report_dict(demo7, min_cell=bad)
        with pytest.raises(ValueError, match="min_cell must be a whole number >= 10"):
            compute_figures(demo7, filters={}, min_cell=bad)
        with pytest.raises(ValueError, match="min_cell must be a whole number >= 10"):
            ProtectedData(demo7, min_cell=bad)


def test_min_cell_one_on_the_command_line_is_refused(tmp_path):
    out = tmp_path / "s.csv"
    assert (
        subprocess.run([str(SCRIPT), "sample-data", "--out", str(out), "--n", "200"], capture_output=True).returncode
        == 0
    )
    res = subprocess.run(
        [str(SCRIPT), "report", "--input", str(out), "--min-cell", "1"], capture_output=True, text=True, timeout=600
    )
    assert res.returncode != 0
    assert "min_cell must be a whole number >= 10" in res.stderr


def test_lists_of_filter_values_are_refused(demo7):
    with pytest.raises(ValueError, match="one value or all"):
        report_dict(demo7, filters={"gi": ["JBN", SMALL_GI]})
    assert report_dict(demo7, filters={"gi": ["JBN"]})["filters"]["gi"] == ["JBN"]  # one value is fine


def _mini(b_rows: int) -> pd.DataFrame:
    """Institution A with 40 respondents, institution B with ``b_rows``; one type, one measure."""
    rng = np.random.default_rng(4)
    n = 40 + b_rows
    return canonical_frame(
        pd.DataFrame(
            {
                "response_id": [str(uuid.UUID(int=i + 1, version=4)) for i in range(n)],
                "round_id": "r1",
                "gi": ["JBG"] * 40 + ["JBN"] * b_rows,
                "respondent_type": "ouder",
                "submitted_week": "2025-W07",
                "measure_type": "ots",
                "n_workers": 2,
                "grade": rng.integers(1, 11, n),
            }
        )
    )


def test_padding_attack_needs_the_previous_protected_table():
    before = _mini(7)  # JBN: 7 respondents, hidden
    first = ProtectedData(before)
    assert first.view({"gi": "JBN"}).respondents.n is None
    padded = pd.concat([before, _mini(10).iloc[47:]], ignore_index=True)  # 3 rows the attacker knows
    padded["response_id"] = [str(uuid.UUID(int=i + 1, version=4)) for i in range(len(padded))]
    fresh = ProtectedData(padded)
    # a fresh table shows JBN (7 + 3 = 10): minus the 3 known rows, the 7 original grades follow
    assert fresh.view({"gi": "JBN"}).respondents.n == 10
    sticky = ProtectedData(padded, previous=first.table(first.figure_families()))
    assert sticky.view({"gi": "JBN"}).respondents.n is None
    assert sticky.view({"gi": "JBN"}).key_numbers().set_index("key").loc["mean_grade", "suppressed"]
    assert sticky.view({"gi": "JBG"}).respondents.n is None  # and the other one protects it


def test_exact_size_of_hidden_groups_is_not_in_charts(demo7):
    from analysis import charts
    from analysis.protection import protect

    view = protect(demo7, min_cell=10).view({"gi": "WSS", "respondent_type": "jeugdige"})
    for fig in view.figures():
        hidden = [r for r in fig.table.astype(object).to_dict("records") if r["suppressed"] and r.get("n_below")]
        if not hidden:
            continue
        spec = json.dumps(charts.figure_chart(fig, lang="nl").to_dict(), ensure_ascii=False)
        # a small hidden group never shows its size ("n = 7"); "minder dan 10" where a size is given
        assert not re.search(r"n = [1-9]\b", spec), fig.id


def test_closure_check_finds_no_small_set_after_the_build():
    # a small L-shaped set that follows only from hidden cells whose totals follow gets a hypercube
    # (or a cut) in Cube._show_again, so the last closure check of every answer family is clean
    # (every figure family: before the fix 13 of the 14 answer and grade families found a set of 5-9)
    data = ProtectedData(generate(), min_cell=10)
    for key in data.figure_families():
        cube = data.family(key)
        assert cube._closure_leak(cube._derivable()) is None, key


def test_hidden_cell_never_has_a_total_anyone_can_work_out():
    """Outsider attack (stop 16): a round's youths at one institution were 'verborgen' (hidden to protect
    others, 33 respondents) while all respondents (147) and the parents (114) were shown: 147 - 114 = 33,
    and with it their mean grade and answers.  A hidden cell whose total follows from the shown cells
    protects nothing: it is shown (only cells forced by a parent family or an earlier table stay hidden)."""
    from _disclosure_data import audit_frame

    from analysis.protection import ProtectedData

    data = ProtectedData(audit_frame())
    for key in data.figure_families():
        cube = data.family(key)
        known = cube._derivable()
        free = cube.published & cube.hidden & ~cube.forced & known & (cube.n >= cube.min_cell)
        assert not free.any(), (key, [cube.id_keys[c] for c in np.flatnonzero(free)][:5])
        assert not (cube.published & cube.hidden & known & (cube.n > 0) & (cube.n < cube.min_cell)).any(), key
