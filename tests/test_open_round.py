"""Figures of a round only once its fieldwork has closed, then sticky (issue 9, H5 and M4 of the review).

Readers without row data (``gi``, ``onderzoeker``) select from a protected
table built only from rounds whose fieldwork has closed for every institution;
the cells that table hid when a round was first released are stored
(``frozen_tables``, migration 0009) and stay hidden after a reopen or an
import.  Readers with row data (``beheerder``, ``inspecteur``) keep the live
table.  Real temporary databases; the pages in AppTest (no browser).
"""

from __future__ import annotations

import datetime as dt
import uuid

import numpy as np
import pandas as pd
import pytest
from _auth_helpers import make_users, sign_in, staff_app_on
from streamlit.testing.v1 import AppTest

from analysis import i18n
from analysis.frame import canonical_frame
from analysis.monitor import WINDOW_COLUMNS, open_rounds, readable_rounds
from analysis.protection import DIMS, SMALL, ProtectedData, protect
from sample_data import generate
from survey_app.dashboard import data_access
from survey_app.dashboard.data_access import protected_data, scope_for, table_rounds
from survey_app.storage import Storage

SECRET = "test-secret-key-0123456789abcdef"
ROUND = "ronde-open-2026"
TODAY = dt.date.today()
PAGES = __import__("pathlib").Path(__file__).resolve().parents[1] / "survey_app" / "web" / "screens"
KEY = ["family", *DIMS, "group", "group_2"]


def _frame(round_id: str, *, seed: int, small: int = 9, n: int = 360) -> pd.DataFrame:
    """Synthetic responses of ``round_id`` in which JBN has ``small`` jeugdigen (at most)."""
    df = generate(n=n, seed=seed, round_id=round_id)
    jbn = df.index[(df["gi"] == "JBN") & (df["respondent_type"] == "jeugdige")]
    assert len(jbn) >= min(small, 9)
    return df.drop(jbn[small:]).reset_index(drop=True)


def _one_more(round_id: str, *, seed: int) -> pd.DataFrame:
    """One more JBN jeugdige (a new response id)."""
    df = generate(n=200, seed=seed, round_id=round_id)
    row = df[(df["gi"] == "JBN") & (df["respondent_type"] == "jeugdige")].head(1).copy()
    row["response_id"] = str(uuid.uuid4())
    return row.reset_index(drop=True)


def _round(s: Storage, round_id: str = ROUND, *, seed: int = 21, small: int = 9) -> None:
    s.create_round(name=f"Ronde {round_id}", gis=["JBG", "JBN", "JBRA", "JBW", "WSS"], round_id=round_id)
    s.import_responses(_frame(round_id, seed=seed, small=small), round_id=round_id)


def _jbn_jeugdigen(data, round_id: str = ROUND):
    return data.view({"round_id": round_id, "gi": "JBN", "respondent_type": "jeugdige"}).respondents.n


def _statuses(frozen: pd.DataFrame, data) -> pd.Series:
    """The status in ``data`` of every stored cell (in the order of ``frozen``)."""
    now = data.table(data.figure_families())[[*KEY, "status"]].astype(object)
    merged = frozen[KEY].merge(now, on=KEY, how="left")
    assert len(merged) == len(frozen) and merged["status"].notna().all()
    return merged["status"]


def _windows(rows) -> pd.DataFrame:
    return pd.DataFrame.from_records(rows, columns=list(WINDOW_COLUMNS))


# --------------------------------------------------------------------------- the one decision (pure)


def test_readable_rounds_wait_until_every_institution_has_closed():
    past, future = TODAY - dt.timedelta(days=3), TODAY + dt.timedelta(days=3)
    w = _windows(
        [
            ("a", "A", False, "JBG", past, past, False, True),
            ("a", "A", False, "WSS", past, future, True, True),  # a late institution still open
            ("b", "B", False, "JBG", past, past, False, True),
            ("b", "B", False, "WSS", past, past, False, True),
            ("c", "C", True, "JBG", past, future, False, True),  # closed by hand
            ("d", "D", False, "JBG", None, None, False, True),  # no dates: open
        ]
    )
    assert readable_rounds(w, today=TODAY) == ("b", "c")
    assert readable_rounds(w, today=TODAY, always=("d",)) == ("b", "c", "d")
    assert readable_rounds(w, today=future + dt.timedelta(days=1)) == ("a", "b", "c")
    waiting = open_rounds(w, readable=("b", "c"))
    assert list(waiting["round_id"]) == ["a", "d"]
    assert waiting.set_index("round_id").loc["a", "closes"] == future  # the last closing day
    assert waiting.set_index("round_id").loc["d", "closes"] is None
    assert list(open_rounds(w, readable=("b", "c"), round_ids=["b", "d"])["round_id"]) == ["d"]


# --------------------------------------------------------------------------- the tables


def test_protected_data_open_round_gives_a_reader_without_rows_no_figures(sqlite_storage):
    s = sqlite_storage
    _round(s)
    for role, gi in (("gi", "JBN"), ("onderzoeker", None)):
        scope = scope_for(role, gi)
        assert table_rounds(s, scope) == ()
        data = protected_data(s, rounds=table_rounds(s, scope))
        assert data.df.empty and data.rounds == []
        assert data_access.load_data(s, scope, {}).empty  # no rows for the microdata or the models either
    for role in ("beheerder", "inspecteur"):  # row readers: the live table
        scope = scope_for(role)
        assert table_rounds(s, scope) is None
        assert ROUND in protected_data(s, rounds=None).rounds
        assert len(data_access.load_data(s, scope, {})) == s.count_responses()
    assert s.frozen_round_ids() == ()
    s.close_round(ROUND)
    rounds = table_rounds(s, scope_for("gi", "JBN"))
    assert rounds == (ROUND,)
    data = protected_data(s, rounds=rounds)
    assert len(data.df) == s.count_responses() and data.view({"round_id": ROUND}).respondents.n is not None
    assert s.frozen_round_ids() == (ROUND,)  # its hidden cells kept on the first build after close


def _published(data) -> pd.DataFrame:
    """Every cell of the figure families with its size and status, in a fixed order (what a reader can see)."""
    t = data.table(data.figure_families())[[*KEY, "n", "status"]].astype(object)
    return t.sort_values(KEY, key=lambda c: c.astype(str)).reset_index(drop=True)


def test_protected_data_reopen_and_one_more_response_changes_nothing_a_reader_without_rows_sees(sqlite_storage):
    s = sqlite_storage
    _round(s)
    s.close_round(ROUND)
    scope = scope_for("onderzoeker")
    first = protected_data(s, rounds=table_rounds(s, scope))
    assert _jbn_jeugdigen(first) is None  # 9 jeugdigen: hidden
    frozen = s.frozen_cells()
    assert set(frozen["round_id"]) == {ROUND} and set(frozen["status"]) <= {"small", "protects"}
    assert "n" not in frozen.columns  # keys only, no sizes
    assert s.frozen_member_count(ROUND) == len(first.df) == s.count_responses(ROUND)

    s.reopen_round(ROUND, closes=TODAY + dt.timedelta(days=7))
    assert table_rounds(s, scope) == ()  # open again: no figures meanwhile
    s.import_responses(_one_more(ROUND, seed=99), round_id=ROUND)  # the 10th JBN jeugdige
    s.close_round(ROUND)

    again = protected_data(s, rounds=table_rounds(s, scope))
    # the 10th stays out of the released table: two versions would give the 9 others' answers (10 minus the known one)
    assert s.held_back(ROUND) == 1 and len(again.df) == len(first.df)
    assert _published(again).equals(_published(first))
    assert len(data_access.load_data(s, scope, {})) == len(first.df)  # microdata, models, comments: the same rows
    assert _jbn_jeugdigen(protect(s.load_responses())) == 10  # the live table of a row reader has it
    assert s.frozen_cells().equals(frozen)  # written once, never changed


def test_protected_data_import_after_close_changes_no_number_a_gi_reader_sees(sqlite_storage):
    s = sqlite_storage
    other = "ronde-andere-2026"
    _round(s, seed=21)
    _round(s, other, seed=22)
    s.close_round(ROUND)
    s.close_round(other)
    scope = scope_for("gi", "JBG")
    first = protected_data(s, rounds=table_rounds(s, scope))
    rows = data_access.load_data(s, scope, {}, with_rest=True)
    assert _jbn_jeugdigen(first) is None and _jbn_jeugdigen(first, other) is None
    assert s.frozen_round_ids() == tuple(sorted((ROUND, other)))
    for round_id, seed in ((ROUND, 98), (other, 97)):  # paper questionnaires entered after close
        s.import_responses(_one_more(round_id, seed=seed), round_id=round_id)
    again = protected_data(s, rounds=table_rounds(s, scope))
    assert s.held_back(ROUND) == s.held_back(other) == 1
    # every cell and every size the reader can see is what it was: nothing to subtract
    assert _published(again).equals(_published(first))
    assert data_access.load_data(s, scope, {}, with_rest=True).equals(rows)
    live = protected_data(s, rounds=None)  # a reader with row data sees the imported rows
    assert len(live.df) == len(first.df) + 2


def test_protected_data_a_later_round_keeps_every_cell_hidden_at_the_first_release(sqlite_storage):
    s = sqlite_storage
    other = "ronde-andere-2026"
    _round(s, seed=21)
    _round(s, other, seed=22)
    s.close_round(ROUND)
    scope = scope_for("gi", "JBG")
    first = protected_data(s, rounds=table_rounds(s, scope))
    assert first.rounds == [ROUND]
    frozen = s.frozen_cells()
    s.close_round(other)  # a second round released: one table over both, secondary choices made anew
    again = protected_data(s, rounds=table_rounds(s, scope))
    assert again.rounds == sorted((ROUND, other))
    statuses = _statuses(frozen, again)
    assert statuses.isin(["small", "protects"]).mean() > 0.9  # the cells hidden at the first release stay hidden,
    _shown_again_only_where_derivable(again)  # but for those the shown cells give anyway


def _shown_again_only_where_derivable(data) -> None:
    """Every cell of an earlier release shown again in ``data`` follows from the other shown cells."""
    for key, cube in data._families.items():
        again = np.flatnonzero(cube.sticky & cube.shown)
        if not len(again):
            continue
        base = cube.dense[cube.shown & ~cube.sticky].astype(float).T  # atoms x shown cells
        target = cube.dense[again].astype(float).T
        coef, *_ = np.linalg.lstsq(base, target, rcond=None)
        assert np.abs(base @ coef - target).max() < 1e-6, key


def _hide(table: pd.DataFrame, **where) -> pd.DataFrame:
    """``table`` with the respondents cells of ``where`` (other filters and groups at "all") hidden."""
    out = table.copy()
    at = (out["family"] == "respondents") & (out["group"] == "*") & (out["group_2"] == "*")
    for column in DIMS:
        if column != "round_id":
            at &= out[column] == where.get(column, "*")
    out.loc[at, "status"] = "protects"
    return out


def test_protected_data_a_frozen_cell_anyone_can_work_out_is_shown_again():
    """Outsider finding (stop 16): a group hidden at its release stayed hidden while 147 - 114 gave it.

    A cell kept hidden from an earlier release of the same rows is shown when
    its total follows from the shown cells (all of JBG minus its parents);
    hidden, the label "verborgen" would only tell which number to work out.
    The cells the first table hid follow from nothing shown: they stay hidden.
    """
    a = canonical_frame(_frame(ROUND, seed=21))
    first = ProtectedData(a)
    table = first.table(["respondents"])
    view = {"round_id": ROUND, "gi": "JBG", "respondent_type": "jeugdige"}
    assert first.view(view).respondents.n == 18
    one = ProtectedData(a, previous=_hide(table, gi="JBG", respondent_type="jeugdige"))
    assert one.view({**view, "respondent_type": "ouder"}).respondents.n == 57
    assert one.view({**view, "respondent_type": None}).respondents.n == 75
    assert one.view(view).respondents.n == 18  # 75 - 57: shown again
    _shown_again_only_where_derivable(one)
    was_hidden = table["status"].isin(["small", "protects"])
    assert was_hidden.any()
    again = one.table(["respondents"])
    assert (again["status"][was_hidden.to_numpy()] != "shown").all()


def test_protected_data_rounds_together_minus_an_earlier_release_recovers_nothing():
    """The attack across releases: round A shown alone, later A and B together; (A+B) minus A is B's part.

    Pooled as before (``pool_rounds=True``) this recovered 145 cells that B's
    table hides on these data (e.g. JBN voogdij: 27 together, 12 in A alone,
    so B's hidden 15); each round a table of its own, nothing.
    """
    other = "ronde-andere-2026"
    a = canonical_frame(_frame(ROUND, seed=21))
    b = canonical_frame(_frame(other, seed=22))
    key = ["family", "gi", "respondent_type", "measure_type", "group", "group_2"]
    t1 = ProtectedData(a, pool_rounds=False)  # the release of A (one round: its cells are those of all rounds)
    first = t1.table(t1.figure_families())
    t2 = ProtectedData(pd.concat([a, b], ignore_index=True), pool_rounds=False, previous=first)
    second = t2.table(t2.figure_families())

    def part(t, round_id, suffix):
        out = t[t["round_id"] == round_id][[*key, "n", "status"]]
        return out.rename(columns={"n": f"n{suffix}", "status": f"s{suffix}"})

    m = part(second, other, "B").merge(part(second, "*", "AB"), on=key).merge(part(first, ROUND, "A"), on=key)
    hidden_b = (m["sB"] != "shown") & (m["nB"] > 0)
    assert (hidden_b & (m["sA"] == "shown")).sum() > 100  # plenty to attack: B hides what A showed
    assert not (hidden_b & (m["sAB"] == "shown") & (m["sA"] == "shown")).any()
    # rounds together are hidden, unless they are one round's cell (the other round has none of them)
    both = part(second, "*", "AB").merge(part(second, ROUND, "A2"), on=key, how="left")
    both = both.merge(part(second, other, "B"), on=key, how="left").fillna({"nA2": 0, "nB": 0})
    shown_together = (both["sAB"] == "shown") & (both["nAB"] > 0)
    assert ((both["nA2"] == 0) | (both["nB"] == 0))[shown_together].all()
    assert ((both["nA2"] > 0) & (both["nB"] > 0) & (both["sAB"] != "shown")).sum() > 100


def test_protected_data_an_institution_of_one_round_is_shown_in_that_round():
    """Rounds apart: the cells of all rounds together are hidden, but an institution that took
    part in one round only is the same cell there (outsider 5, December 2026: JBW, 335
    respondents, read "verborgen" in its one round while the round's total minus the other
    institutions gave 335)."""
    other = "ronde-andere-2026"
    a = canonical_frame(_frame(ROUND, seed=21))
    b = canonical_frame(_frame(other, seed=22))
    b = b[b["gi"] != "JBW"]  # JBW answered in round A only
    data = ProtectedData(pd.concat([a, b], ignore_index=True), pool_rounds=False)
    jbw = data.view({"round_id": ROUND, "gi": "JBW"}).respondents
    assert jbw.shown and jbw.n == int((a["gi"] == "JBW").sum()) >= 10
    rest = [data.view({"round_id": ROUND, "gi": g}).respondents for g in ("JBG", "JBN", "JBRA", "WSS")]
    total = data.view({"round_id": ROUND}).respondents
    assert all(c.shown for c in rest) and total.n - sum(c.n for c in rest) == jbw.n  # nothing hidden follows


def test_protected_data_families_built_on_demand_are_kept_and_stay_hidden(sqlite_storage):
    s = sqlite_storage
    other = "ronde-andere-2026"
    _round(s, seed=21)
    _round(s, other, seed=22)
    s.close_round(ROUND)
    scope = scope_for("onderzoeker")
    first = protected_data(s, rounds=table_rounds(s, scope))
    family = "grade:help_improves"
    first.view({"round_id": ROUND}).grade_summary("help_improves")  # Verbanden builds it on demand
    assert s.frozen_families(ROUND) == (family,)
    kept = s.frozen_cells()
    kept = kept[kept["family"] == family]
    shown = first.table([family])
    hidden_then = shown[(shown["round_id"] == ROUND) & shown["status"].isin(["small", "protects"])]
    assert len(kept) == len(hidden_then) > 0
    first.view({"round_id": ROUND}).grade_summary("help_improves")
    assert s.frozen_families(ROUND) == (family,)  # once
    s.close_round(other)
    again = protected_data(s, rounds=table_rounds(s, scope))
    now = again.table([family])[[*KEY, "status"]].astype(object)
    merged = kept[KEY].merge(now, on=KEY, how="left")
    assert len(merged) == len(kept) and merged["status"].isin(["small", "protects"]).all()
    assert s.frozen_families(other) == (family,)  # built for the new table: kept for the round just released


def test_protected_data_reads_the_members_another_server_kept(sqlite_storage):
    s = sqlite_storage
    _round(s)
    s.close_round(ROUND)
    df = s.load_responses(round_ids=ROUND)
    # another server froze the round first, on a table built before the last response came in
    assert s.freeze_cells(ROUND, protect(df).table(["respondents"]), response_ids=df["response_id"].iloc[1:])
    data = protected_data(s, rounds=table_rounds(s, scope_for("onderzoeker")))
    assert len(data.df) == len(df) - 1 and s.held_back(ROUND) == 1
    assert df["response_id"].iloc[0] not in set(data.df["response_id"])


def test_frozen_cells_round_trip_and_are_written_once(storage):
    storage.create_round(name="R", gis=["JBN"], round_id="r-frozen")
    cells = pd.DataFrame(
        [
            ["respondents", "r-frozen", "JBN", "jeugdige", "*", "n_workers", "*", "had_gap", "*", SMALL],
            ["grade", "r-frozen", "JBN", "*", "*", "n_workers", "2", None, None, "protects"],
            ["grade", "r-frozen", "JBN", "*", "*", "n_workers", "3", None, None, "shown"],  # not kept
            ["grade", "other", "JBN", "*", "*", "n_workers", "3", None, None, SMALL],  # another round: not kept
        ],
        columns=["family", *DIMS, "group_column", "group", "group_column_2", "group_2", "status"],
    )
    assert storage.freeze_cells("r-frozen", cells)
    back = storage.frozen_cells()
    assert back.values.tolist() == cells.iloc[:2].values.tolist()
    assert back["group_2"].isna().tolist() == [False, True]
    assert not storage.freeze_cells("r-frozen", cells.iloc[:1])  # the first writer wins
    assert len(storage.frozen_cells()) == 2
    assert storage.frozen_member_count("r-frozen") == 0  # no members given


def test_frozen_family_is_kept_once_and_only_for_a_frozen_round(storage):
    storage.create_round(name="R", gis=["JBN"], round_id="r-frozen")
    cells = pd.DataFrame(
        [
            ["crosstab:a:b", "r-frozen", "JBN", "*", "*", "a", "ja", "b", "nee", SMALL],
            ["crosstab:a:b", "r-frozen", "JBN", "*", "*", "a", "ja", "b", "ja", "shown"],  # not kept
            ["grade", "r-frozen", "JBN", "*", "*", "n_workers", "2", None, None, SMALL],  # another family
        ],
        columns=["family", *DIMS, "group_column", "group", "group_column_2", "group_2", "status"],
    )
    assert not storage.freeze_family("r-frozen", "crosstab:a:b", cells)  # the round is not frozen
    assert storage.freeze_cells("r-frozen", cells.iloc[:0], response_ids=[])
    assert storage.freeze_family("r-frozen", "crosstab:a:b", cells)
    assert not storage.freeze_family("r-frozen", "crosstab:a:b", cells.iloc[:0])  # the first writer wins
    assert storage.frozen_cells().values.tolist() == cells.iloc[:1].values.tolist()
    assert storage.frozen_families("r-frozen") == ("crosstab:a:b",)


# --------------------------------------------------------------------------- M4: a late institution


def test_protected_data_late_institution_is_in_no_figure_a_gi_reader_sees_until_all_close(sqlite_storage):
    s = sqlite_storage
    past, future = TODAY - dt.timedelta(days=20), TODAY + dt.timedelta(days=10)
    _round(s, small=30)
    # four institutions closed, WSS started late and is still in the field (its own report is held)
    s.set_institution_dates(ROUND, {g: (past, TODAY - dt.timedelta(days=1)) for g in ("JBG", "JBN", "JBRA", "JBW")})
    s.set_institution_dates(ROUND, {"WSS": (TODAY - dt.timedelta(days=5), future)})
    assert not data_access.report_hold(s, scope_for("gi", "WSS"), {}).empty
    scope = scope_for("gi", "JBN")
    assert table_rounds(s, scope) == ()
    data = protected_data(s, rounds=table_rounds(s, scope))
    # neither the national figures nor those of the four others: nothing to subtract WSS from
    assert data.df.empty and ROUND not in data.rounds
    assert data_access.load_data(s, scope, {}, with_rest=True).empty
    # a reader with row data keeps the live table (the hold stays a display policy for them)
    live = protected_data(s, rounds=table_rounds(s, scope_for("inspecteur")))
    assert "WSS" in set(live.df["gi"])
    assert table_rounds(s, scope, today=future + dt.timedelta(days=1)) == (ROUND,)  # once WSS closes too


# --------------------------------------------------------------------------- the pages and the cache


@pytest.fixture
def open_db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'survey.sqlite'}"
    s = Storage(url, secret_key=SECRET)
    _round(s, small=30)
    make_users(s, roles=("gi", "onderzoeker"))
    staff_app_on(monkeypatch, tmp_path, url, SECRET)
    yield s
    s.dispose()


def _page(storage, name: str, account: str) -> AppTest:
    # each page run may build a protected table (about 10 s, several times that with both cores busy)
    at = AppTest.from_file(str(PAGES / f"{name}.py"), default_timeout=300)
    sign_in(at, storage, account)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_app_open_round_page_says_why_and_closing_shows_the_figures(open_db):
    waits = i18n.text("open_round.none_closed", "nl")
    why = i18n.text("open_round.why", "nl")
    for page, account in (("overzicht", "gi-jbn"), ("overzicht", "onderzoek"), ("rondeverslag", "onderzoek")):
        at = _page(open_db, page, account)
        infos = [i.value for i in at.info]
        assert waits in infos and why in infos, (page, account, infos)
        assert len(at.metric) == 0 and len(at.get("download_button")) == 0, (page, account)
    at = _page(open_db, "overzicht", "gi-jbn")
    at.multiselect(key="flt_round").set_value([ROUND])
    at.run()
    assert f"De cijfers van de ronde 'Ronde {ROUND}' verschijnen" in " ".join(i.value for i in at.info)
    assert len(at.metric) == 0
    open_db.close_round(ROUND)
    at = _page(open_db, "overzicht", "gi-jbn")
    assert waits not in [i.value for i in at.info]
    assert len(at.metric) > 0  # the key numbers of the closed round


def test_context_protected_cache_key_changes_when_a_round_closes(open_db):
    from survey_app.dashboard import context

    context.clear_data_cache()
    try:
        scope = scope_for("onderzoeker")
        before = context.protected(open_db, scope)
        assert before.df.empty
        assert context.protected(open_db, scope) is before  # cached
        assert ROUND in context.protected_round(open_db, scope, ROUND).rounds  # the monitor: live counts
        open_db.close_round(ROUND)
        after = context.protected(open_db, scope)
        assert after is not before and ROUND in after.rounds
        assert context.protected_round(open_db, scope, ROUND) is after  # one table for monitor and figures
    finally:
        context.clear_data_cache()


def test_app_two_closed_rounds_a_gi_reader_reads_one_round_at_a_time(open_db):
    other = "ronde-andere-2026"
    _round(open_db, other, seed=22, small=30)
    open_db.close_round(ROUND)
    open_db.close_round(other)
    newest = open_db.list_rounds()[0].id  # the page starts with the newest round
    at = _page(open_db, "overzicht", "gi-jbn")
    assert at.multiselect(key="flt_round").value == [newest]
    assert len(at.metric) > 0
    assert i18n.text("open_round.per_round", "nl") in [c.value for c in at.sidebar.caption]
    n_newest = len(open_db.load_responses(round_ids=newest, gis="JBN"))  # a gi reader: its own institution
    assert [m.value for m in at.metric if m.label == "Respondenten"] == [str(n_newest)]
    older = next(r for r in (ROUND, other) if r != newest)
    at.multiselect(key="flt_round").set_value([older])
    at.run()
    assert at.multiselect(key="flt_round").value == [older]
    at.multiselect(key="flt_round").set_value([])  # rounds together: not for this reader, one round stays chosen
    at.run()
    assert at.multiselect(key="flt_round").value == [newest] and len(at.metric) > 0
    # a reader with row data keeps the figures of rounds together
    inspector = make_users(open_db, roles=("inspecteur",))["inspecteur"]
    at = _page(open_db, "overzicht", inspector)
    assert at.multiselect(key="flt_round").value == [] and len(at.metric) > 0
