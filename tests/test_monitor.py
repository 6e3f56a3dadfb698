"""Response monitor statistics (analysis.monitor), pinned to values worked out by hand in the comments."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import uuid

import numpy as np
import pandas as pd
import pytest

from analysis import i18n
from analysis import monitor as M
from analysis.frame import canonical_frame
from analysis.protection import ProtectedData
from sample_data.generator import generate

D = dt.date
TODAY = D(2026, 3, 25)  # a Wednesday in ISO week 2026-W13


def _windows():
    return pd.DataFrame(
        [
            dict(gi="JBG", opens=D(2026, 3, 2), closes=D(2026, 4, 26), national=True, late=False),
            dict(gi="WSS", opens=D(2026, 3, 23), closes=D(2026, 5, 24), national=True, late=True),
            dict(gi="JBN", opens=D(2026, 3, 2), closes=D(2026, 4, 26), national=False, late=False),
        ]
    )


def _invited():
    return pd.DataFrame(
        [("JBG", "ouder", 100), ("JBG", "jeugdige", 60), ("WSS", "ouder", 80), ("JBN", "ouder", 40)],
        columns=["gi", "respondent_type", "invited"],
    )


def _responses():
    return pd.DataFrame(
        [
            ("JBG", "ouder", "2026-W10", 12),
            ("JBG", "ouder", "2026-W11", 8),
            ("JBG", "jeugdige", "2026-W11", 4),
            ("WSS", "ouder", "2026-W13", 3),
            ("JBN", "ouder", "2026-W11", 15),
            ("JBN", "jeugdige", "2026-W12", 7),
        ],
        columns=["gi", "respondent_type", "submitted_week", "n"],
    )


def _table(**kw):
    args = dict(invited=_invited(), windows=_windows(), today=TODAY)
    args.update(kw)
    return M.response_monitor(_responses(), **args)


ROUND = "r26"


def _frame(counts: pd.DataFrame, *, round_id: str = ROUND, seed: int = 1) -> pd.DataFrame:
    """Synthetic responses (sample_data.generate, seeded) with exactly ``counts`` per gi, type and week."""
    pool = generate(n=800, seed=seed, round_id=round_id)
    rng = np.random.default_rng(seed)
    used = {"ouder": 0, "jeugdige": 0}
    parts = []
    for gi, rt, week, n in counts[["gi", "respondent_type", "submitted_week", "n"]].itertuples(index=False):
        rows = pool[pool["respondent_type"] == rt].iloc[used[rt] : used[rt] + n].copy()
        assert len(rows) == n
        used[rt] += n
        rows["gi"], rows["submitted_week"] = gi, week
        rows["response_id"] = [str(uuid.UUID(bytes=rng.bytes(16), version=4)) for _ in range(n)]
        parts.append(rows)
    return canonical_frame(pd.concat(parts, ignore_index=True))


def _counts(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["gi", "respondent_type", "submitted_week", "n"])


@pytest.fixture(scope="module")
def protected():
    """The protected table of the responses of :func:`_responses` (round r26)."""
    return ProtectedData(_frame(_responses()), min_cell=10)


def _protected_table(data, gis=None, **kw):
    counts = M.table_counts(data, round_id=ROUND, gis=gis)
    windows = _windows() if gis is None else _windows()[lambda d: d["gi"].isin(gis)]
    args = dict(invited=_invited(), windows=windows, today=TODAY)
    args.update(kw)
    return M.protected_totals(M.response_monitor(counts, **args), data, round_id=ROUND)


def test_monitor_columns_and_one_row_per_institution_and_type():
    t = _table()
    assert tuple(t.columns) == M.MONITOR_COLUMNS
    assert list(zip(t["gi"], t["respondent_type"])) == [
        ("JBG", "ouder"),
        ("JBG", "jeugdige"),
        ("WSS", "ouder"),
        ("WSS", "jeugdige"),
        ("JBN", "ouder"),
        ("JBN", "jeugdige"),
    ]
    assert t["invited"].tolist() == [100, 60, 80, 0, 40, 0]
    assert t["responded"].tolist() == [20, 4, 3, 0, 15, 7]


def test_monitor_rate_pace_and_expectation_by_hand():
    t = _table().set_index(["gi", "respondent_type"])
    jbg = t.loc[("JBG", "ouder")]
    # 20 of 100 letters; open 2 March .. today 25 March = 24 days = 24/7 weeks
    assert jbg["response_rate"] == pytest.approx(0.20)
    assert jbg["weeks_running"] == pytest.approx(24 / 7)
    assert jbg["per_week"] == pytest.approx(20 / (24 / 7))  # 5.8333
    # 32 days left until 26 April: 20 + 5.8333 * 32/7 = 46.667
    assert jbg["weeks_left"] == pytest.approx(32 / 7)
    assert jbg["expected"] == pytest.approx(20 + 20 / (24 / 7) * 32 / 7)
    assert not jbg["below_min"]
    # JBG youths: 4 + (4 / (24/7)) * 32/7 = 9.333 < 10 -> the warning
    assert t.loc[("JBG", "jeugdige"), "expected"] == pytest.approx(4 + 4 / (24 / 7) * 32 / 7)
    assert t.loc[("JBG", "jeugdige"), "below_min"]
    # WSS opened 23 March: 3 days, the pace counts as one whole week; no warning in the first week
    wss = t.loc[("WSS", "ouder")]
    assert wss["weeks_running"] == 1.0 and wss["per_week"] == 3.0
    assert wss["expected"] == pytest.approx(3 + 3 * 60 / 7)
    assert not t.loc[("WSS", "jeugdige"), "below_min"]
    assert np.isnan(t.loc[("WSS", "jeugdige"), "response_rate"])  # no letters made


def test_monitor_status_late_and_own_report():
    t = _table().set_index(["gi", "respondent_type"])
    assert t["status"].unique().tolist() == ["open"]
    assert t.loc[("WSS", "ouder"), "late"] and t.loc[("WSS", "ouder"), "own_report_waits"]
    assert not t.loc[("JBN", "ouder"), "national"]
    before = _table(today=D(2026, 3, 10)).set_index(["gi", "respondent_type"])
    assert before.loc[("WSS", "ouder"), "status"] == "not_yet_open"
    assert np.isnan(before.loc[("WSS", "ouder"), "expected"]) and not before.loc[("WSS", "ouder"), "below_min"]
    after = _table(today=D(2026, 5, 1)).set_index(["gi", "respondent_type"])
    assert after.loc[("JBG", "jeugdige"), "status"] == "closed"
    assert after.loc[("JBG", "jeugdige"), "expected"] == 4 and after.loc[("JBG", "jeugdige"), "below_min"]
    assert after.loc[("WSS", "ouder"), "status"] == "open"
    closed = _table(round_closed=True)
    assert set(closed["status"]) == {"closed"} and not closed["own_report_waits"].any()


def test_monitor_totals_exact_for_roles_that_run_rounds():
    t = M.with_totals(_table())
    assert tuple(t.columns[: len(M.MONITOR_COLUMNS)]) == M.MONITOR_COLUMNS
    assert t["level"].tolist() == ["group", "group", "gi"] * 3 + ["round"]
    assert t["shown"].all()
    assert t.loc[t["level"] == "round", "responded"].item() == 49
    assert t.loc[t["level"] == "round", "invited"].item() == 280
    assert t.loc[(t["level"] == "gi") & (t["gi"] == "JBG"), "responded"].item() == 24
    assert t.loc[(t["gi"] == "JBG") & (t["respondent_type"] == "jeugdige"), "hidden"].item() == "small"  # a mark only


def test_monitor_table_counts_are_the_protected_tables_data(protected):
    counts = M.table_counts(protected, round_id=ROUND)
    assert counts.to_dict("list") == _responses().sort_values(["gi", "respondent_type", "submitted_week"]).reset_index(
        drop=True
    ).to_dict("list")
    assert M.table_counts(protected, round_id=ROUND, gis=["WSS"])["n"].tolist() == [3]
    assert M.table_counts(protected, round_id="r25").empty


def test_monitor_protected_totals_are_the_cells_of_the_protected_table(protected):
    t = _protected_table(protected)
    assert t["level"].tolist() == ["group", "group", "gi"] * 3 + ["round"]
    for r in t.to_dict("records"):
        f = {"round_id": ROUND}
        if r["level"] != "round":
            f["gi"] = r["gi"]
        if r["level"] == "group":
            f["respondent_type"] = r["respondent_type"]
        cell = protected.view(f).respondents
        assert r["shown"] == cell.shown, (f, cell)  # hidden there, hidden here; shown there, shown here
        if cell.shown:
            assert r["responded"] == cell.n and r["hidden"] is None
        else:
            # small or protecting: one mark (two would tell the reader which hidden group is small)
            assert r["hidden"] == "hidden"
    by = {
        ("*" if r.level == "round" else r.gi, r.respondent_type if r.level == "group" else r.level): r
        for r in t.itertuples()
    }
    assert by[("JBG", "jeugdige")].hidden == "hidden"
    # JBG: 20 parents + 4 youths; the table hides the total (it would give the 4 away) and shows the 20
    assert by[("JBG", "gi")].hidden == "hidden" and by[("JBG", "ouder")].shown
    assert by[("WSS", "gi")].hidden == "hidden"
    assert by[("WSS", "jeugdige")].shown and by[("WSS", "jeugdige")].responded == 0  # an empty cell: 0
    assert by[("*", "round")].shown and by[("*", "round")].responded == 49


def test_monitor_protected_totals_hide_what_the_table_hides_even_when_the_monitor_rule_would_show_it():
    # issue 9, H4.1: JBG 30 parents + 6 youths; the table shows the total 36 and so hides the 30
    data = ProtectedData(
        _frame(
            _counts(
                [
                    ("JBG", "ouder", "2026-W10", 18),
                    ("JBG", "ouder", "2026-W11", 12),
                    ("JBG", "jeugdige", "2026-W12", 6),
                    ("JBN", "ouder", "2026-W10", 40),
                    ("JBN", "jeugdige", "2026-W11", 25),
                    ("WSS", "ouder", "2026-W11", 30),
                    ("WSS", "jeugdige", "2026-W12", 20),
                ]
            )
        ),
        min_cell=10,
    )
    assert data.view({"round_id": ROUND, "gi": "JBG"}).respondents.n == 36
    t = _protected_table(data, gis=["JBG"])
    by = {r.respondent_type if r.level == "group" else r.level: r for r in t.itertuples()}
    assert by["gi"].shown and by["gi"].responded == 36
    assert not by["ouder"].shown and by["ouder"].hidden == "hidden"
    assert not by["jeugdige"].shown and by["jeugdige"].hidden == "hidden"
    view = M.monitor_view(t, lang="nl")
    assert view["Ingevuld"].tolist() == ["verborgen", "verborgen", "36"]
    assert "30" not in " ".join(view.astype(str).to_numpy().ravel())
    # a count that is not the cell's (live counts next to an older table) is never shown
    live = M.response_monitor(
        _counts([("JBG", "ouder", "2026-W10", 31), ("JBG", "jeugdige", "2026-W12", 6)]),
        invited=_invited(),
        windows=_windows()[lambda d: d["gi"] == "JBG"],
        today=TODAY,
    )
    total = M.protected_totals(live, data, round_id=ROUND).query("level == 'gi'")
    assert not total["shown"].item() and total["hidden"].item() == "hidden"


def test_monitor_view_masks_counts_and_their_rate_pace_and_expectation(protected):
    view = M.monitor_view(_protected_table(protected), lang="nl")
    row = view.iloc[1]  # JBG youths (4): looks like any hidden group, with no expectation of its own
    assert row["Ingevuld"] == "verborgen"
    assert row["Respons"] == "-" and row["Per week"] == "-" and row["Verwacht bij sluiten"] == "-"
    assert "blijft onder" not in row["Let op"]
    # the warning goes on the institution's row and names no respondent type
    assert view.iloc[2]["Ingevuld"] == "verborgen" and view.iloc[2]["Verwacht bij sluiten"] == "-"
    assert "een groep blijft onder 10 bij dit tempo" in view.iloc[2]["Let op"]
    assert view.iloc[0]["Ingevuld"] == "20" and view.iloc[0]["Respons"] == "20%"
    assert "later gestart" in view.iloc[5]["Let op"] and "eigen rapport wacht" in view.iloc[5]["Let op"]
    assert "niet mee in de landelijke" in view.iloc[8]["Let op"]
    exact = M.monitor_view(M.with_totals(_table()), lang="en")
    assert exact.iloc[1]["Responded"] == "4" and exact.iloc[1]["Response rate"] == "7%"
    assert exact.iloc[9]["Institution"] == "All institutions" and exact.iloc[9]["Responded"] == "49"


def test_monitor_weekly_fills_empty_weeks_and_shows_steps_only():
    w = M.weekly_responses(_responses(), last_week="2026-W14")
    assert tuple(w.columns) == M.WEEKLY_COLUMNS
    assert w["week"].tolist() == ["2026-W10", "2026-W11", "2026-W12", "2026-W13", "2026-W14"]
    assert w["n"].tolist() == [12, 27, 7, 3, 0] and w["cumulative"].tolist() == [12, 39, 46, 49, 49]
    across_year = M.weekly_responses(
        pd.DataFrame([("A", "ouder", "2025-W52", 1), ("A", "ouder", "2026-W02", 2)], columns=_responses().columns)
    )
    assert across_year["week"].tolist() == ["2025-W52", "2026-W01", "2026-W02"]
    # steps of at least 10 from the previous shown point and at least 10 under the total; the total last
    masked = M.mask_weekly(w, total_shown=True)
    assert masked["n"].isna().all()  # never a count per week
    assert masked["cumulative"].fillna(-1).tolist() == [12, 39, -1, -1, 49]
    assert M.mask_weekly(w, total_shown=False)["cumulative"].fillna(-1).tolist() == [12, 39, -1, -1, -1]
    # never a number the table hides: 39 -> held back, 46 is then too close to the total
    assert M.mask_weekly(w, total_shown=True, hidden=[39])["cumulative"].fillna(-1).tolist() == [12, -1, -1, -1, 49]
    assert M.weekly_for(_responses(), M.with_totals(_table()), exact=True).equals(M.weekly_responses(_responses()))
    assert M.weekly_responses(_responses().iloc[0:0]).empty
    chart = M.weekly_chart(w, lang="nl").to_dict()
    assert "layer" in chart


def test_monitor_weekly_chart_has_a_text_alternative_and_a_table_of_its_numbers():
    # issue 12: title, description with every number, the same numbers as a table
    w = M.weekly_responses(_responses(), last_week="2026-W14")
    spec = M.weekly_chart(w, lang="nl").to_dict()
    assert spec["title"] == "Ingevulde vragenlijsten per week"
    assert spec["description"] == (
        "Staafdiagram met lijn: ingevulde vragenlijsten per week, van 2026-W10 tot en met 2026-W14. "
        "2026-W10: 12, tot nu toe 12; 2026-W11: 27, tot nu toe 39; 2026-W12: 7, tot nu toe 46; "
        "2026-W13: 3, tot nu toe 49; 2026-W14: 0, tot nu toe 49."
    )
    assert spec["config"]["locale"]["number"]["decimal"] == ","
    view = M.weekly_view(w, lang="en")
    assert view.to_dict("list") == {
        "Week": ["2026-W10", "2026-W11", "2026-W12", "2026-W13", "2026-W14"],
        "Responses": ["12", "27", "7", "3", "0"],
        "Total so far": ["12", "39", "46", "49", "49"],
    }
    # masked: only what the chart shows (the running total in steps), held-back weeks as "not shown"
    masked = M.mask_weekly(M.weekly_responses(_responses().iloc[[0, 3]]), total_shown=True)  # 12, 12, 12, 15
    view = M.weekly_view(masked, lang="en", cumulative_only=True)
    assert view.to_dict("list") == {
        "Week": ["2026-W10", "2026-W11", "2026-W12", "2026-W13"],
        "Total so far": ["not shown", "not shown", "not shown", "15"],
    }
    spec = M.weekly_chart(masked, lang="en", cumulative_only=True).to_dict()
    desc = spec["description"]
    assert desc.startswith("Line: the number of completed questionnaires so far, from 2026-W10 to 2026-W13.")
    assert "2026-W10: not shown;" in desc and "2026-W13: 15 so far" in desc
    numbers = re.sub(r"2026-W\d\d", "", desc)  # the numbers without the weeks' names
    assert "12" not in numbers and "3" not in numbers
    assert spec["mark"]["interpolate"] == "step-after"
    first = M.mask_weekly(M.weekly_responses(_responses().iloc[[3]]), total_shown=False)
    assert M.weekly_view(first, lang="nl", cumulative_only=True).iloc[0, 1] == "niet getoond"
    assert M.weekly_description(w.iloc[0:0], lang="nl") == "Nog geen ingevulde vragenlijsten."


def test_monitor_texts_are_in_the_catalogs():
    for lang in i18n.languages():
        texts = {k: v for k, v in i18n.catalog(lang).items() if k.startswith(M.TEXT_NAMESPACE)}
        assert texts and all(texts.values()), lang
    assert M.t("status_value.not_yet_open", "nl") == "nog niet open"
    assert M.t("status", "en") == "Status"


# --------------------------------------------------------------------------- the own report of a late institution waits


def _fieldwork(**kw):
    """One round 'r26' as Storage.fieldwork_windows gives it: WSS started three weeks late."""
    w = _windows().assign(round_id="r26", round_name="Ronde 2026", round_closed=False)
    for k, v in kw.items():
        w[k] = v
    return w[list(M.WINDOW_COLUMNS)]


def test_monitor_report_hold_institution_views_wait_national_views_do_not():
    w = _fieldwork()
    # national: no institution chosen, or every institution that counts nationally (JBN does not count)
    assert M.report_hold(w, gis=None, round_ids=None, today=TODAY).empty
    assert M.report_hold(w, gis=["JBG", "WSS"], round_ids=None, today=TODAY).empty
    assert M.report_hold(w, gis=["JBG", "JBN", "WSS"], round_ids=["r26"], today=TODAY).empty
    # WSS on its own (a filter, a gi account, WSS against the rest): held, with its closing day
    held = M.report_hold(w, gis=["WSS"], round_ids=None, today=TODAY)
    assert list(held.columns) == list(M.HOLD_COLUMNS)
    assert held.to_dict("records") == [
        {"round_id": "r26", "round_name": "Ronde 2026", "gi": "WSS", "closes": D(2026, 5, 24)}
    ]
    assert M.report_hold(w, gis="WSS", round_ids="r26", today=TODAY)["gi"].tolist() == ["WSS"]
    # a selection of some institutions with WSS among them is not national either
    assert M.report_hold(w, gis=["JBN", "WSS"], round_ids=None, today=TODAY)["gi"].tolist() == ["WSS"]
    # institutions that did not start late are never held; another round is not held
    assert M.report_hold(w, gis=["JBG"], round_ids=None, today=TODAY).empty
    assert M.report_hold(w, gis=["WSS"], round_ids=["r25"], today=TODAY).empty


def test_monitor_report_hold_lifts_when_the_fieldwork_closes():
    w = _fieldwork()
    assert not M.report_hold(w, gis=["WSS"], round_ids=None, today=D(2026, 5, 24)).empty  # its closing day: still open
    assert M.report_hold(w, gis=["WSS"], round_ids=None, today=D(2026, 5, 25)).empty  # the day after
    assert M.report_hold(
        _fieldwork(round_closed=True), gis=["WSS"], round_ids=None, today=TODAY
    ).empty  # closed by hand
    # before it opens it waits too (nothing of its own to show yet)
    assert not M.report_hold(w, gis=["WSS"], round_ids=None, today=D(2026, 3, 10)).empty
    # the monitor's mark and the decision agree
    table = _table()
    assert table.loc[table["own_report_waits"], "gi"].unique().tolist() == ["WSS"]
    assert M.own_report_waits(late=True, status="open") and not M.own_report_waits(late=True, status="closed")
    assert not M.own_report_waits(late=False, status="open")
    assert M.fieldwork_status(D(2026, 3, 23), None, round_closed=False, today=TODAY) == "open"


def test_monitor_report_hold_messages_name_institution_date_and_round():
    held = M.report_hold(_fieldwork(), gis=["WSS"], round_ids=None, today=TODAY)
    (nl,) = M.hold_messages(held, lang="nl")
    assert nl.startswith("Het eigen rapport van WSS wacht tot het veldwerk sluit op 24 mei 2026.")
    assert "'Ronde 2026'" in nl and "landelijke cijfers" in nl
    (en,) = M.hold_messages(held, lang="en")
    assert "waits until its fieldwork closes on 24 May 2026" in en
    no_date = M.report_hold(_fieldwork(closes=None), gis=["WSS"], round_ids=None, today=TODAY)
    assert M.hold_messages(no_date)[0].startswith("Het eigen rapport van WSS wacht tot het veldwerk sluit.")
    with pytest.raises(ValueError, match="missing column"):
        M.report_hold(_windows(), gis=["WSS"], round_ids=None, today=TODAY)


# --------------------------------------------------------------------------- weekly running totals for readers without exact counts (issue 9, (c))


def _shown_points(masked: pd.DataFrame) -> list[int]:
    return [int(v) for v in masked["cumulative"].dropna()]


def test_monitor_weekly_any_two_shown_points_differ_by_0_or_at_least_10():
    rng = np.random.default_rng(26)
    for case in range(300):
        weeks = int(rng.integers(1, 16))
        per_week = rng.choice([0, 1, 2, 3, 5, 8, 9, 10, 11, 14, 25], size=weeks)
        counts = _counts([("JBG", "ouder", f"2026-W{10 + i:02d}", int(n)) for i, n in enumerate(per_week) if n])
        if counts.empty:
            continue
        w = M.weekly_responses(counts)
        total = int(w["cumulative"].iloc[-1])
        hidden = [int(v) for v in rng.choice(np.arange(1, total + 1), size=min(3, total), replace=False)]
        total_shown = bool(rng.integers(0, 2)) and total >= 10 and total not in hidden
        masked = M.mask_weekly(w, total_shown=total_shown, hidden=hidden)
        points = _shown_points(masked)
        assert masked["n"].isna().all(), case  # never a count per week
        for a, b in itertools.combinations(points, 2):
            assert abs(a - b) == 0 or abs(a - b) >= 10, (case, points)
        assert not set(points) & set(hidden), (case, points, hidden)  # never a number the table hides
        if points and points[-1] != total:
            assert total - points[-1] >= 10, (case, points, total)  # nor one close under the total
        assert (total in points) == total_shown, (case, points, total)
        # the chart, its text alternative and its table show exactly these points
        view = M.weekly_view(masked, lang="nl", cumulative_only=True)
        assert [int(v) for v in view["Totaal tot nu"] if v != "niet getoond"] == points


def test_monitor_weekly_last_point_absent_when_the_institution_total_is_hidden():
    # JBG 7 (small) and JBN 40 in the round: the table shows the round's 47, so it hides JBN's 40 too
    data = ProtectedData(
        _frame(
            _counts(
                [
                    ("JBG", "ouder", "2026-W10", 4),
                    ("JBG", "jeugdige", "2026-W11", 3),
                    ("JBN", "ouder", "2026-W10", 14),
                    ("JBN", "ouder", "2026-W11", 3),
                    ("JBN", "ouder", "2026-W12", 9),
                    ("JBN", "jeugdige", "2026-W13", 14),
                ]
            )
        ),
        min_cell=10,
    )
    assert data.view({"round_id": ROUND, "gi": "JBN"}).respondents.n is None
    table = _protected_table(data, gis=["JBN"])
    assert not table.loc[table["level"] == "gi", "shown"].item()
    counts = M.table_counts(data, round_id=ROUND, gis=["JBN"])
    assert M.weekly_responses(counts)["cumulative"].tolist() == [14, 17, 26, 40]
    shown = M.weekly_for(counts, table, exact=False)
    points = _shown_points(shown)
    assert 40 not in points and np.isnan(shown["cumulative"].iloc[-1])  # the hidden total
    # 14 and 26 are the hidden youths and parents of JBN: never shown; 17 is a step from 0 and 23 under 40
    assert points == [17]
    assert M.weekly_view(shown, lang="en", cumulative_only=True)["Total so far"].tolist() == [
        "not shown",
        "17",
        "not shown",
        "not shown",
    ]
    # the same weeks when the total is a shown cell: the last point is that cell's number
    shown_total = table.assign(shown=True, hidden=None)
    assert _shown_points(M.weekly_for(counts, shown_total, exact=False)) == [14, 26, 40]


# --------------------------------------------------------------------------- auditor: monitor + weekly series + the table


def _h4_counts() -> pd.DataFrame:
    """JBG has one small respondent type (30 parents, 6 youths); the other institutions are large."""
    return _counts(
        [
            ("JBG", "ouder", "2026-W10", 18),
            ("JBG", "ouder", "2026-W11", 12),
            ("JBG", "jeugdige", "2026-W12", 6),
            ("JBN", "ouder", "2026-W10", 40),
            ("JBN", "jeugdige", "2026-W11", 25),
            ("WSS", "ouder", "2026-W11", 30),
            ("WSS", "jeugdige", "2026-W12", 20),
        ]
    )


def test_monitor_auditor_gi_with_one_small_type_learns_no_small_count():
    # the auditor of tests/test_disclosure_auditor.py: every shown count is a known set of respondents;
    # nested known sets subtract; no hidden small group may follow, nor lie in the span of the known sets
    from test_disclosure_auditor import MIN_CELL, Knowledge, bits, size, view_mask, views

    df = _frame(_h4_counts())
    data = ProtectedData(df, min_cell=MIN_CELL)
    k = Knowledge("respondents", answers=False)
    for f in views(df):  # the protected table: every selection of the respondents family
        cell = data.view(f).respondents
        if cell.n is not None:
            k.add(bits(view_mask(df, f)))
        elif cell.true_n:
            k.hidden_groups.add(bits(view_mask(df, f)))
    jbg_youth = bits(view_mask(df, {"gi": "JBG", "respondent_type": "jeugdige"}))
    assert jbg_youth in k.hidden_groups and size(jbg_youth) == 6

    in_round = (df["round_id"] == ROUND).to_numpy()
    week = df["submitted_week"].astype(str).to_numpy()
    shown_monitor = 0
    for gis in (["JBG"], None):  # the gi account of JBG, and a reader of every institution (onderzoeker)
        table = _protected_table(data, gis=gis)
        for r in table[table["shown"]].to_dict("records"):
            f = {"round_id": ROUND}
            if r["level"] != "round":
                f["gi"] = r["gi"]
            if r["level"] == "group":
                f["respondent_type"] = r["respondent_type"]
            mask = view_mask(df, f)
            assert int(mask.sum()) == r["responded"]  # the shown number is the size of that set
            k.add(bits(mask))
            shown_monitor += 1
        rows = in_round & (np.ones(len(df), dtype=bool) if gis is None else df["gi"].isin(gis).to_numpy())
        weekly = M.weekly_for(M.table_counts(data, round_id=ROUND, gis=gis), table, exact=False)
        for w in weekly.dropna(subset=["cumulative"]).itertuples():
            mask = rows & (week <= w.week)
            assert int(mask.sum()) == w.cumulative
            k.add(bits(mask))
            shown_monitor += 1
    assert shown_monitor >= 4  # the monitor does show something (JBG's total, a weekly step, ...)

    leaks = k.leaks()
    assert not leaks, [size(b) for b in leaks]
    # linear algebra: no hidden small group is a combination of the known sets
    n = len(df)
    A = np.array([[(b >> i) & 1 for i in range(n)] for b in k.known], dtype=float)
    for h in (h for h in k.hidden_groups if 0 < size(h) < MIN_CELL):
        t = np.array([(h >> i) & 1 for i in range(n)], dtype=float)
        coef, *_ = np.linalg.lstsq(A.T, t, rcond=None)
        assert np.abs(A.T @ coef - t).max() > 1e-6, size(h)


def test_monitor_weekly_of_several_institutions_shows_only_what_each_own_series_shows():
    # without the rule, 58 in week 10 (JBG 18 + JBN 40) minus JBG's own 18 gives JBN's hidden 40 parents
    data = ProtectedData(_frame(_h4_counts()), min_cell=10)
    own = M.weekly_for(
        M.table_counts(data, round_id=ROUND, gis=["JBG"]), _protected_table(data, gis=["JBG"]), exact=False
    )
    assert _shown_points(own) == [18, 36]
    counts = M.table_counts(data, round_id=ROUND)
    assert M.weekly_responses(counts)["cumulative"].tolist() == [58, 125, 151]
    every = M.weekly_for(counts, _protected_table(data), exact=False)
    assert _shown_points(every) == [151]
    assert every["n"].isna().all()
