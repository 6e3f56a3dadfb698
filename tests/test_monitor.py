"""Response monitor statistics (analysis.monitor), pinned to values worked out by hand in the comments."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from analysis import i18n
from analysis import monitor as M

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
    t = M.with_totals(_table(), exact=True)
    assert tuple(t.columns[: len(M.MONITOR_COLUMNS)]) == M.MONITOR_COLUMNS
    assert t["level"].tolist() == ["group", "group", "gi"] * 3 + ["round"]
    assert t["shown"].all()
    assert t.loc[t["level"] == "round", "responded"].item() == 49
    assert t.loc[t["level"] == "round", "invited"].item() == 280
    assert t.loc[(t["level"] == "gi") & (t["gi"] == "JBG"), "responded"].item() == 24


def test_monitor_totals_masked_hide_small_groups_and_totals_that_give_them_away():
    t = M.with_totals(_table(), exact=False)
    by = {
        ("*" if r.level == "round" else r.gi, r.respondent_type if r.level == "group" else r.level): r
        for r in t.itertuples()
    }
    assert by[("JBG", "ouder")].shown and by[("JBN", "ouder")].shown
    assert by[("JBG", "jeugdige")].hidden == "small" and not by[("JBG", "jeugdige")].shown
    # JBG total 24 = 20 (shown) + 4: it would give the 4 away
    assert by[("JBG", "gi")].hidden == "protect"
    assert by[("WSS", "gi")].hidden == "small"
    # the round total hides 4 + 3 + 0 + 7 = 14 in four groups: safe to show
    assert by[("*", "round")].shown
    # one hidden group only: the round total is hidden too
    small = _responses()[lambda d: ~((d.gi == "WSS") | (d.gi == "JBN"))]
    t2 = M.with_totals(
        M.response_monitor(small, invited=_invited(), windows=_windows()[lambda d: d.gi != "WSS"], today=TODAY),
        exact=False,
    )
    assert t2.loc[t2["level"] == "round", "hidden"].item() == "protect"


def test_monitor_view_masks_counts_and_their_rate_pace_and_expectation():
    view = M.monitor_view(M.with_totals(_table(), exact=False), lang="nl")
    row = view.iloc[1]  # JBG youths
    assert row["Ingevuld"] == "minder dan 10"
    assert row["Respons"] == "-" and row["Per week"] == "-" and row["Verwacht bij sluiten"] == "minder dan 10"
    assert "blijft onder 10" in row["Let op"]
    assert view.iloc[2]["Ingevuld"] == "verborgen"
    assert view.iloc[2]["Verwacht bij sluiten"] == "10 of meer"  # never the exact expectation (it gives n away)
    assert view.iloc[0]["Ingevuld"] == "20" and view.iloc[0]["Respons"] == "20%"
    assert "later gestart" in view.iloc[5]["Let op"] and "eigen rapport wacht" in view.iloc[5]["Let op"]
    assert "niet mee in de landelijke" in view.iloc[8]["Let op"]
    exact = M.monitor_view(M.with_totals(_table(), exact=True), lang="en")
    assert exact.iloc[1]["Responded"] == "4" and exact.iloc[1]["Response rate"] == "7%"
    assert exact.iloc[9]["Institution"] == "All institutions" and exact.iloc[9]["Responded"] == "49"


def test_monitor_weekly_fills_empty_weeks_and_masks_small_ones():
    w = M.weekly_responses(_responses(), last_week="2026-W14")
    assert tuple(w.columns) == M.WEEKLY_COLUMNS
    assert w["week"].tolist() == ["2026-W10", "2026-W11", "2026-W12", "2026-W13", "2026-W14"]
    assert w["n"].tolist() == [12, 27, 7, 3, 0] and w["cumulative"].tolist() == [12, 39, 46, 49, 49]
    across_year = M.weekly_responses(
        pd.DataFrame([("A", "ouder", "2025-W52", 1), ("A", "ouder", "2026-W02", 2)], columns=_responses().columns)
    )
    assert across_year["week"].tolist() == ["2025-W52", "2026-W01", "2026-W02"]
    masked = M.mask_weekly(w)
    assert masked["n"].isna().tolist() == [False, False, True, True, True]
    assert masked["cumulative"].tolist() == [12, 39, 46, 49, 49]
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
    # masked: only what the chart shows (the running total), small counts as "fewer than 10"
    masked = M.mask_weekly(M.weekly_responses(_responses().iloc[[0, 3]]))
    view = M.weekly_view(masked, lang="en", cumulative_only=True)
    assert view.to_dict("list") == {
        "Week": ["2026-W10", "2026-W11", "2026-W12", "2026-W13"],
        "Total so far": ["12", "12", "12", "15"],
    }
    desc = M.weekly_chart(masked, lang="en", cumulative_only=True).to_dict()["description"]
    assert desc.startswith("Line: the number of completed questionnaires so far, from 2026-W10 to 2026-W13.")
    assert "2026-W13: 15 so far" in desc and "3" not in desc.replace("2026-W13", "")
    first = M.mask_weekly(M.weekly_responses(_responses().iloc[[3]]))
    assert M.weekly_view(first, lang="nl", cumulative_only=True).iloc[0, 1] == "minder dan 10"
    assert M.weekly_description(w.iloc[0:0], lang="nl") == "Nog geen ingevulde vragenlijsten."


def test_monitor_texts_are_in_the_catalogs():
    for lang in i18n.languages():
        texts = {k: v for k, v in i18n.catalog(lang).items() if k.startswith(M.TEXT_NAMESPACE)}
        assert texts and all(texts.values()), lang
    assert M.t("status_value.not_yet_open", "nl") == "nog niet open"
    assert M.t("small", "en", m=10) == "fewer than 10"
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
