"""analysis.microdata: the k-anonymous export for researchers (issue 9, item 6).

k-anonymity is checked with the project's own count and, independently, with
pycanon (Sainz-Pardo Díaz & López García 2022, "A Python library to check the
level of anonymity of a dataset", Scientific Data 9, 785).  pycanon pins
pandas 2.3.3 while the app needs pandas >= 3.1, so it lives in its own venv
(``make install``/``make test`` build ``build/pycanon-venv``; another one can be
named with ``PYCANON_PYTHON``) and is run as a program on the exported CSV.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from analysis import contract
from analysis.microdata import (
    OTHER,
    QUASI_IDENTIFIERS,
    class_sizes,
    k_anonymous_microdata,
    k_of,
    week_period,
)
from sample_data import generate

ROOT = Path(__file__).resolve().parents[1]
PYCANON_PYTHON = Path(os.environ.get("PYCANON_PYTHON", ROOT / "build" / "pycanon-venv" / "bin" / "python"))
PYCANON_SCRIPT = """
import json, sys
import pandas as pd
from pycanon import anonymity
df = pd.read_csv(sys.argv[1], sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
qi = json.loads(sys.argv[2])
print(json.dumps({"k": int(anonymity.k_anonymity(df, qi)), "pandas": pd.__version__}))
"""


def pycanon_k(frame: pd.DataFrame, tmp_path: Path, qi=QUASI_IDENTIFIERS) -> int:
    """k of ``frame`` on ``qi`` according to pycanon (a missing value is the text "(leeg)")."""
    if not PYCANON_PYTHON.exists():
        msg = f"pycanon is not installed at {PYCANON_PYTHON}: run `make install` (or set PYCANON_PYTHON)"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    path = tmp_path / "microdata.csv"
    frame.astype("string").fillna("(leeg)").to_csv(path, sep=";", index=False, encoding="utf-8-sig")
    out = subprocess.run(
        [str(PYCANON_PYTHON), "-c", PYCANON_SCRIPT, str(path), json.dumps(list(qi))],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])["k"]


@pytest.fixture(scope="module")
def demo():
    return generate()


def _small_institution(n_small=7, seed=5) -> pd.DataFrame:
    """Five institutions from the generator and one of ``n_small`` respondents."""
    df = generate(n=800, seed=seed)
    small = df.head(n_small).copy()
    small["gi"] = "KLEIN"
    small["response_id"] = [f"00000000-0000-4000-8000-{i:012d}" for i in range(n_small)]
    return pd.concat([df.iloc[n_small:], small], ignore_index=True)


@pytest.mark.parametrize("k", [10, 15])
def test_microdata_is_k_anonymous_by_pycanon_and_own_count(demo, tmp_path, k):
    frame, record = k_anonymous_microdata(demo, k=k)
    assert len(frame) > 0.9 * len(demo)
    assert k_of(frame) >= k and record.smallest_class == k_of(frame)
    assert pycanon_k(frame, tmp_path) >= k


def test_microdata_pycanon_agrees_on_a_frame_that_is_not_k_anonymous(demo, tmp_path):
    """The oracle is not blind: the raw quasi-identifiers (with the week) are far from 10-anonymous."""
    raw = demo.rename(columns={"submitted_week": "period"})
    assert pycanon_k(raw, tmp_path) == k_of(raw) < 10


def test_microdata_small_institution_is_pooled_or_left_out(tmp_path):
    df = _small_institution()
    frame, record = k_anonymous_microdata(df, k=10)
    assert "KLEIN" not in set(frame["gi"])
    assert record.recoded.get("gi", 0) > 0 and OTHER in set(frame["gi"])
    assert pycanon_k(frame, tmp_path) >= 10


def test_microdata_never_holds_free_text_or_ids(demo):
    demo = demo.copy()
    demo.loc[demo.index[:50], "comment_grade"] = "Mijn werker heet Jan"
    frame, record = k_anonymous_microdata(demo)
    assert not set(frame.columns) & {"comment_grade", "comment_improve", "response_id", "submitted_week"}
    assert not frame.astype("string").isin(["Mijn werker heet Jan"]).any().any()
    assert set(record.dropped_columns) == {"comment_grade", "comment_improve", "response_id", "submitted_week"}


def test_microdata_generalises_the_week_before_suppressing(demo):
    frame, record = k_anonymous_microdata(demo)
    assert record.period_level == "quarter"
    assert set(frame["period"]) <= {"2024-Q3", "2024-Q4", "2025-Q1"}
    assert record.suppressed <= 0.02 * len(demo)
    # without a period split the round alone needs no suppression at all
    frame, record = k_anonymous_microdata(demo, max_suppressed=0.0)
    assert record.period_level == "round" and record.suppressed == 0 and len(frame) == len(demo)


def test_microdata_answers_are_kept_as_they_were(demo):
    frame, _ = k_anonymous_microdata(demo, max_suppressed=0.0)
    by_grade = demo["grade"].value_counts().sort_index()
    pd.testing.assert_series_equal(frame["grade"].value_counts().sort_index(), by_grade)


def test_microdata_week_period_uses_the_thursday_of_the_iso_week():
    # 2024-W01 runs Mon 1 Jan - Sun 7 Jan 2024; 2025-W01 starts Mon 30 Dec 2024, its Thursday is 2 Jan 2025
    weeks = pd.Series(["2024-W01", "2025-W01", "2024-W39", "2024-W40"], dtype="string")
    assert week_period(weeks, "month").tolist() == ["2024-01", "2025-01", "2024-09", "2024-10"]
    assert week_period(weeks, "quarter").tolist() == ["2024-Q1", "2025-Q1", "2024-Q3", "2024-Q4"]


def test_microdata_note_says_what_was_done_without_exact_small_counts():
    df = _small_institution(seed=6)
    _, record = k_anonymous_microdata(df, k=10)
    nl, en = record.note("nl"), record.note("en")
    assert len(nl) == len(en)
    assert any("k = 10" in line for line in nl)
    assert any("vrije tekst" in line for line in nl) and any("free text" in line for line in en)
    assert any("'overig'" in line for line in nl)
    if 0 < record.suppressed < 10:
        assert any("minder dan 10" in line for line in nl)
        assert not any(f": {record.suppressed}." in line for line in nl)


def test_microdata_class_sizes_count_missing_as_a_value():
    df = pd.DataFrame({c: ["a"] * 3 for c in QUASI_IDENTIFIERS})
    df.loc[2, "measure_type"] = None
    assert class_sizes(df).tolist() == [2, 2, 1]


def test_microdata_refuses_k_below_the_floor(demo):
    with pytest.raises(ValueError, match="min_cell"):
        k_anonymous_microdata(demo, k=contract.MIN_CELL_FLOOR - 1)


def test_microdata_files_hold_the_data_and_the_note(demo, tmp_path):
    from survey_app.dashboard.microdata import xlsx_bytes, zip_bytes

    frame, record = k_anonymous_microdata(demo)
    with zipfile.ZipFile(io.BytesIO(zip_bytes(frame, record))) as z:
        assert sorted(z.namelist()) == ["microdata.csv", "toelichting.txt"]
        got = pd.read_csv(z.open("microdata.csv"), sep=";", dtype=str, encoding="utf-8-sig", keep_default_na=False)
        note = z.read("toelichting.txt").decode("utf-8")
    assert len(got) == len(frame) and "Wat is er gedaan" in note and "What was done" in note
    assert pycanon_k(got.replace("", pd.NA), tmp_path) >= 10
    sheets = pd.read_excel(io.BytesIO(xlsx_bytes(frame, record, "nl")), sheet_name=None)
    assert list(sheets) == ["data", "toelichting"] and len(sheets["data"]) == len(frame)


def _round_cells(frame: pd.DataFrame) -> pd.Series:
    return frame.groupby(["round_id", "gi", "respondent_type", "measure_type"], dropna=False).size()


def test_microdata_counts_are_never_a_cell_the_protected_table_hides():
    """Issue 9 (b): the file is a publication next to the dashboards; a (round, institution, type,
    measure type) count in it must not equal a cell the table hides (it would be subtracted from the
    shown total to give the small neighbour away)."""
    from analysis.protection import protect

    df = _small_institution()
    data = protect(df)
    out, record = k_anonymous_microdata(df, k=10, protected=data)
    assert k_of(out) >= 10
    for r, g, t, m in _round_cells(out).index:
        if g == OTHER:
            assert m == OTHER  # a pooled institution takes its measure type with it
            continue
        cell = data.view({"round_id": r, "gi": g, "respondent_type": t}).respondents
        assert cell.shown, (r, g, t)
        if m != OTHER and not pd.isna(m):
            assert data.view({"round_id": r, "gi": g, "respondent_type": t, "measure_type": m}).respondents.shown
    # the attack of the review: a cell hidden to protect a small one (>= 10 respondents), kept whole
    # by k-anonymity alone, no longer appears with its own count
    hidden_big = [
        key
        for key, n in _round_cells(df).items()
        if n >= 10
        and not pd.isna(key[3])
        and not data.view(dict(zip(("round_id", "gi", "respondent_type", "measure_type"), key))).respondents.shown
    ]
    assert hidden_big, "the fixture must have a hidden cell of at least 10"
    plain, _ = k_anonymous_microdata(df, k=10)
    assert set(hidden_big) & set(_round_cells(plain).index)  # without the table it is in the file
    assert not set(hidden_big) & set(_round_cells(out).index)
    assert record.recoded.get("measure_type", 0) > 0


def _late_small_institution():
    """The auditor's data set with KLEIN (7 respondents) answering in a quarter of its own."""
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from _disclosure_data import SMALL_GI, audit_frame

    df = audit_frame()
    df.loc[df["gi"] == SMALL_GI, "submitted_week"] = "2025-W20"
    return df


def test_microdata_joint_audit_sees_a_set_that_gives_a_small_cell():
    """ProtectedData.derived_small_cells: the table alone gives no small cell; a release with KLEIN's rows
    as a set of their own (or everyone but KLEIN) gives KLEIN's cell."""
    from analysis.cube import ALL
    from analysis.protection import protect

    df = _late_small_institution()
    data = protect(df)
    nothing = pd.Series(pd.NA, index=df.index, dtype=object)
    assert data.derived_small_cells(nothing) == []
    klein = (ALL, "KLEIN", ALL, ALL)
    alone = nothing.mask(df["gi"].eq("KLEIN").to_numpy(), "k")
    assert klein in data.derived_small_cells(alone)
    rest = nothing.mask(df["gi"].ne("KLEIN").to_numpy(), "rest")  # the shown total minus the rest
    assert klein in data.derived_small_cells(rest)


def test_microdata_joint_audit_coarsens_the_period_and_stays_k_anonymous_by_pycanon(tmp_path):
    from analysis.protection import protect

    df = _late_small_institution()
    data = protect(df)
    out, record = k_anonymous_microdata(df, k=10, protected=data, max_recoded=0.5)
    assert record.audited and record.period_level == "round"  # the quarter gave KLEIN away
    assert k_of(out) >= 10 and pycanon_k(out, tmp_path) >= 10
    assert any("gecontroleerd" in line for line in record.note("nl"))
    assert any("checked together with the tables" in line for line in record.note("en"))
    plain, record = k_anonymous_microdata(df, k=10)  # no table: no audit, and the note does not claim one
    assert not record.audited and not any("gecontroleerd" in line for line in record.note("nl"))


def test_microdata_joint_audit_releases_nothing_when_no_period_or_pooling_helps(monkeypatch):
    """A release whose period cannot be coarsened any more and whose derived cell is pooled already:
    no row is released (the safe end of the loop)."""
    from analysis import microdata
    from analysis.protection import protect

    df = _late_small_institution()
    data = protect(df)
    monkeypatch.setattr(microdata, "PERIOD_LEVELS", ("month", "quarter"))
    out, record = k_anonymous_microdata(df, k=10, protected=data, max_recoded=0.5)
    assert out.empty and record.n_out == 0 and record.suppressed == len(df)


#: the group columns of the table's figures and their labels there (code -> label)
GROUP_LABELS = {
    "n_workers": {str(code): label for code, label in contract.WORKER_GROUPS.items()},
    "had_gap": {code: code for code in contract.CODES["had_gap"]},
}


def _hidden_groups_in_the_file(df: pd.DataFrame, data, out: pd.DataFrame) -> list[tuple]:
    """The attack of the third outsider (stop 17), written out as they did it.

    In a view the table shows (round, institution, respondent type), its
    hidden groups of a question (number of workers, a period without one)
    hold the answered total minus the shown groups; when the file has exactly
    that many rows of those groups in the view, the file's count of each
    hidden group is its true size.  Returns the hidden groups under 10 found
    so: (round, institution, type, column, value, size).
    """
    found = []
    for rid in df["round_id"].dropna().unique():
        for gi in [None, *sorted(df["gi"].dropna().unique())]:
            for rt in (None, "ouder", "jeugdige"):
                view = data.view({"round_id": rid, "gi": gi, "respondent_type": rt})
                if not view.respondents.shown:
                    continue
                sel = out["round_id"].astype(str).eq(str(rid))
                if gi is not None:
                    sel &= out["gi"].astype("string").eq(gi).fillna(False)
                if rt is not None:
                    sel &= out["respondent_type"].astype("string").eq(rt).fillna(False)
                for column, labels in GROUP_LABELS.items():
                    answered = view.cell("respondents", **{column: "+"})
                    if not answered.shown:
                        continue
                    infos = {code: view.cell("respondents", **{column: label}) for code, label in labels.items()}
                    hidden = [code for code, info in infos.items() if not info.shown and info.status != "empty"]
                    if not hidden:
                        continue
                    hidden_total = answered.n - sum(info.n or 0 for info in infos.values() if info.shown)
                    values = out.loc[sel, column].dropna().astype(str).str.replace(r"\.0$", "", regex=True)
                    counts = values.value_counts()
                    if sum(int(counts.get(code, 0)) for code in hidden) != hidden_total:
                        continue
                    found += [
                        (rid, gi, rt, column, code, int(counts[code]))
                        for code in hidden
                        if 0 < int(counts.get(code, 0)) < 10
                    ]
    return found


def test_microdata_group_counts_give_no_hidden_group_of_the_table(demo):
    """Third outsider (stop 17): Overzicht hid JBN's groups "0" and "5" jeugdzorgwerkers (18 together);
    the file held 1 + 17 such JBN rows, so the group of 1 with its grade and every answer. The file's
    counts of a question the figures group by must not give a group the table hides."""
    from analysis.protection import protect

    data = protect(demo)
    plain, _ = k_anonymous_microdata(demo, k=10)
    assert _hidden_groups_in_the_file(demo, data, plain)  # the attack works on a file without the audit
    out, record = k_anonymous_microdata(demo, k=10, protected=data)
    assert record.audited and k_of(out) >= 10
    assert _hidden_groups_in_the_file(demo, data, out) == []
    assert len(out) > 0.5 * len(demo)  # still a file to work with
