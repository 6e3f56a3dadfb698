"""survey_app.dashboard.data_access: scope first, then filters, on real temporary databases."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import contract
from sample_data import generate
from survey_app.dashboard.data_access import (
    Scope,
    apply_filters,
    filter_options,
    filters_key,
    load_data,
    normalize_filters,
    scope_for,
    selection_counts,
)

ROUND_B = "ronde-b-2026"


@pytest.fixture
def seeded(storage):
    """Two rounds: the demo round (300 synthetic rows) and round B (120 rows, JBG and JBN only, closed)."""
    storage.ensure_demo_round(lambda: generate(n=300, seed=1))
    storage.create_round(name="Ronde B", gis=["JBG", "JBN"], round_id=ROUND_B)
    b = generate(n=400, seed=2, round_id=ROUND_B)
    b = b[b["gi"].isin(["JBG", "JBN"])].head(120).reset_index(drop=True)
    storage.import_responses(b, round_id=ROUND_B)
    storage.close_round(ROUND_B)  # readers without row data see closed rounds only (issue 9 H5)
    return storage


def test_scope_values_and_everything():
    assert Scope().is_everything
    assert Scope(gis="JBN").gis == ("JBN",)
    assert not Scope(round_ids=["x"]).is_everything
    assert Scope.nothing().is_nothing and not Scope().is_nothing


def test_scope_for_each_role():
    assert scope_for("beheerder") == scope_for("inspecteur") == Scope(microdata=True)
    assert scope_for("onderzoeker") == Scope()  # every institution, no row-level downloads
    assert scope_for("gi", "JBN") == Scope(gis=("JBN",), pool_others=True)
    # no role, an unknown role, a gi account without an institution: nothing, never everything
    for role, gi in ((None, None), ("", None), ("admin", None), ("gi", None), ("gi", "")):
        assert scope_for(role, gi) == Scope.nothing(), (role, gi)
    # pooling only makes sense next to a limited set of institutions
    assert not Scope(pool_others=True).pool_others


def test_load_data_has_no_default_scope(seeded):
    with pytest.raises(TypeError):
        load_data(seeded, None, {})
    with pytest.raises(TypeError):
        filter_options(seeded, None)


def test_load_data_gi_scope_sees_others_only_pooled(seeded):
    scope = scope_for("gi", "JBN")
    own = load_data(seeded, scope, {})
    assert len(own) > 0 and set(own["gi"]) == {"JBN"}
    both = load_data(seeded, scope, {}, with_rest=True)
    everything = seeded.load_responses()
    assert len(both) == len(everything)
    assert set(both["gi"]) == {"JBN", "rest"}  # never another single institution
    rest = both[both["gi"] == "rest"]
    assert rest[list(contract.COMMENT_COLUMNS)].isna().all().all()  # no free text of others
    # a filter on another institution selects nobody; with_rest changes nothing for other scopes
    assert len(load_data(seeded, scope, {"gi": "JBG"}, with_rest=True)) == 0
    assert load_data(seeded, Scope(), {}, with_rest=True).equals(load_data(seeded, Scope(), {}))
    assert len(load_data(seeded, Scope.nothing(), {}, with_rest=True)) == 0


def test_filter_options_gi_scope_lists_own_institution_and_its_rounds(seeded):
    seeded.create_round(name="Alleen WSS", gis=["WSS"], round_id="alleen-wss")
    opts = filter_options(seeded, scope_for("gi", "JBN"))
    assert opts.gis == ("JBN",)
    assert set(opts.round_ids) == {contract.DEMO_ROUND_ID, ROUND_B}  # not the WSS-only round
    nothing = filter_options(seeded, Scope.nothing())
    assert nothing.gis == () and nothing.round_ids == ()


def test_scope_rejects_empty_values():
    with pytest.raises(ValueError):
        Scope(gis=("JBN", " "))


def test_load_data_everything_without_scope_or_filters(seeded):
    df = load_data(seeded, Scope(), {})
    assert len(df) == 420
    assert list(df.columns) == list(contract.COLUMNS)


def test_load_data_scope_limits_rows(seeded):
    df = load_data(seeded, Scope(gis=("JBN",)), None)
    assert len(df) > 0 and set(df["gi"]) == {"JBN"}
    df = load_data(seeded, Scope(round_ids=(ROUND_B,)), None)
    assert len(df) == 120 and set(df["round_id"]) == {ROUND_B}


def test_load_data_empty_scope_selects_nothing(seeded):
    assert len(load_data(seeded, Scope(gis=()), None)) == 0
    assert len(load_data(seeded, Scope(round_ids=()), None)) == 0


def test_load_data_filter_cannot_widen_scope(seeded):
    # the user may only see JBN; a filter on JBG gives nobody, not JBG's rows
    df = load_data(seeded, Scope(gis=("JBN",)), {"gi": "JBG"})
    assert len(df) == 0


def test_load_data_filters_combine(seeded):
    everything = seeded.load_responses()
    want = everything[
        (everything["round_id"] == contract.DEMO_ROUND_ID)
        & (everything["respondent_type"] == "jeugdige")
        & everything["measure_type"].isin(["ots", "voogdij"])
    ]
    df = load_data(
        seeded,
        Scope(),
        {
            "round_id": [contract.DEMO_ROUND_ID],
            "respondent_type": "jeugdige",
            "measure_type": ["ots", "voogdij"],
            "gi": [],
        },
    )
    assert len(df) == len(want) > 0
    assert sorted(df["response_id"]) == sorted(want["response_id"])


@pytest.mark.parametrize(
    "scope", [scope_for("beheerder"), scope_for("onderzoeker"), scope_for("gi", "JBN"), Scope.nothing()]
)
def test_selection_counts_count_the_rows_load_data_gives(seeded, scope):
    # issue 10: pages know the size of their selection (and the filter options) from the stored aggregate
    dims = list(contract.FILTER_COLUMNS)
    for filters in ({}, {"gi": "JBG"}, {"respondent_type": "jeugdige", "round_id": ROUND_B}, {"measure_type": "ots"}):
        rows = load_data(seeded, scope, filters)
        counts = selection_counts(seeded, scope, filters)
        want = rows[dims].astype(object).fillna("-").value_counts().sort_index()
        got = counts.astype({c: object for c in dims}).fillna("-").set_index(dims)["n"].sort_index()
        assert got.sum() == len(rows)
        assert dict(got.items()) == dict(want.items()), (scope, filters)


def test_normalize_filters_empty_list_means_no_filter():
    f = normalize_filters({"gi": [], "respondent_type": ["ouder"], "measure_type": None})
    assert f == {"gi": None, "respondent_type": ("ouder",), "round_id": None, "measure_type": None}
    assert list(f) == list(contract.FILTER_COLUMNS)


def test_normalize_filters_rejects_unknown_names_and_codes():
    with pytest.raises(ValueError, match="unknown filter"):
        normalize_filters({"grade": 5})
    with pytest.raises(ValueError, match="unknown code"):
        normalize_filters({"respondent_type": "opa"})


def test_filters_key_is_hashable_and_canonical():
    a = filters_key({"gi": "JBN", "respondent_type": None})
    b = filters_key({"respondent_type": [], "gi": ["JBN"]})
    assert a == b and hash(a) == hash(b)


def test_apply_filters_keeps_contract_columns():
    df = generate(n=50, seed=3)
    out = apply_filters(df, {"respondent_type": "ouder"})
    assert list(out.columns) == list(contract.COLUMNS)
    assert set(out["respondent_type"]) == {"ouder"}
    assert isinstance(out.index, pd.RangeIndex)


def test_filter_options_lists_rounds_and_gis_in_scope(seeded):
    opts = filter_options(seeded, Scope())
    assert set(opts.round_ids) == {contract.DEMO_ROUND_ID, ROUND_B}
    assert opts.gis == tuple(g for g in contract.GI_CODES)
    opts = filter_options(seeded, Scope(gis=("JBN", "WSS"), round_ids=(ROUND_B,)))
    assert opts.round_ids == (ROUND_B,)
    assert opts.gis == ("JBN",)  # WSS is not in round B


def test_report_hold_late_institution_waits_on_its_own_views_not_on_national_ones(storage):
    import datetime as dt

    from survey_app.dashboard.data_access import report_hold, selection

    today = dt.date(2026, 3, 25)
    info = storage.setup_round(
        name="Ronde 2026",
        gis=["JBG", "JBN", "WSS"],
        opens=dt.date(2026, 3, 2),
        closes=dt.date(2026, 4, 26),
        gi_dates={"WSS": (dt.date(2026, 3, 23), dt.date(2026, 5, 24))},
        access="open",
    )
    everything = scope_for("inspecteur")
    # national views: no institution filter, or every institution of the round
    assert report_hold(storage, everything, {}, today=today).empty
    assert report_hold(storage, everything, {"gi": ["JBG", "JBN", "WSS"]}, today=today).empty
    # WSS on its own: a filter, or the gi account of WSS (its scope), in this round or all rounds
    held = report_hold(storage, everything, {"gi": ["WSS"]}, today=today)
    assert held[["round_id", "gi", "closes"]].values.tolist() == [[info.id, "WSS", dt.date(2026, 5, 24)]]
    assert not report_hold(storage, scope_for("gi", "WSS"), {}, today=today).empty
    assert not report_hold(storage, scope_for("gi", "WSS"), {"round_id": [info.id]}, today=today).empty
    # other institutions on their own are not held; a filter outside the scope selects nothing to hold
    assert report_hold(storage, scope_for("gi", "JBN"), {}, today=today).empty
    assert report_hold(storage, scope_for("gi", "JBN"), {"gi": ["WSS"]}, today=today).empty
    assert selection(scope_for("gi", "JBN"), {"gi": ["WSS"]}) == ((), None)
    # after its closing day (or when the round is closed) its own report is shown
    assert report_hold(storage, everything, {"gi": ["WSS"]}, today=dt.date(2026, 5, 25)).empty
    storage.close_round(info.id)
    assert report_hold(storage, everything, {"gi": ["WSS"]}, today=today).empty


def test_warm_tables_builds_the_tables_the_first_readers_ask_for(seeded, monkeypatch):
    # the staff server calls it before its port opens (issue 10: the first reader waited ~10 s
    # for the figure families); a page's first protected_data finds the built tables
    from analysis import cube, protection
    from survey_app.dashboard import data_access

    monkeypatch.setattr(protection, "_CACHE", type(protection._CACHE)())
    data_access.forget_live_tables()
    live, readers = data_access.warm_tables(seeded)
    assert set(readers.rounds) == {contract.DEMO_ROUND_ID, ROUND_B} and tuple(seeded.frozen_round_ids()) == (ROUND_B,)

    def no_build(self, *a, **kw):
        raise AssertionError("a family was searched again")

    monkeypatch.setattr(cube.Cube, "suppress", no_build)
    assert data_access.protected_data(seeded) is live
    assert data_access.live_table(seeded, max_age=3600) is live  # kept as the newest live table
    assert data_access.protected_data(seeded, rounds=data_access.readable_round_ids(seeded)) is readers
    for data in (live, readers):
        data.view({}).figures()
        data.view({"respondent_type": "jeugdige"}).figures()
    # Overzicht's first view (everything, Dutch) has its charts made: nothing is built for it
    from analysis import charts

    monkeypatch.setattr(charts, "figure_chart", lambda *a, **kw: pytest.fail("a chart was built"))
    for data in (live, readers):
        made = data_access.figure_charts(data.view({}), lang="nl", synthetic=True)
        assert [f.id for f, _ in made] == list(contract.FIGURE_IDS)
        assert all(spec["description"] for _, spec in made)


def _held_builds(monkeypatch):
    """Every build of a protected table waits until ``release`` is set (``building`` says one started),
    and a kept live table is old (max_age 1e-6) but never too old to be shown."""
    import threading

    from survey_app.dashboard import data_access

    real, release, building = data_access.protected_data, threading.Event(), threading.Event()

    def slow(storage, **kw):
        building.set()
        assert release.wait(60)
        return real(storage, **kw)

    monkeypatch.setattr(data_access, "protected_data", slow)
    monkeypatch.setattr(data_access, "LIVE_HARD_AGE", 1e12)
    return release, building


def test_live_table_is_rebuilt_in_the_background_and_never_in_a_readers_page(seeded, monkeypatch):
    # issue 10: during fieldwork every submission changes the aggregate; the first reader after each
    # cache period waited ~10 s for the figure families. A reader now gets the newest table built.
    import threading

    from analysis import protection
    from survey_app.dashboard import data_access

    monkeypatch.setattr(protection, "_CACHE", type(protection._CACHE)())
    data_access.forget_live_tables()
    first = data_access.live_table(seeded, max_age=3600)  # the first call of a process builds it
    assert data_access.live_table(seeded, max_age=3600) is first
    total = first.view({}).respondents.n

    b = generate(n=40, seed=9, round_id=ROUND_B)
    b = b[b["gi"].isin(["JBG", "JBN"])].reset_index(drop=True)
    seeded.import_responses(b, round_id=ROUND_B)

    release, building = _held_builds(monkeypatch)
    # older than max_age: the kept table is returned at once, one rebuild starts in the background
    assert data_access.live_table(seeded, max_age=1e-6) is first
    assert building.wait(60)
    assert data_access.live_table(seeded, max_age=1e-6) is first  # still building: no second rebuild, no wait
    release.set()
    for _ in range(600):
        newer = data_access.live_table(seeded, max_age=3600)
        if newer is not first:
            break
        threading.Event().wait(0.1)
    assert newer is not first and newer.view({}).respondents.n == total + len(b)


def test_live_table_forgotten_is_built_again_and_a_build_from_before_is_not_kept(seeded, monkeypatch):
    import threading

    from analysis import protection
    from survey_app.dashboard import data_access

    monkeypatch.setattr(protection, "_CACHE", type(protection._CACHE)())
    data_access.forget_live_tables()
    first = data_access.live_table(seeded, max_age=3600)
    real = data_access.protected_data
    release, building = _held_builds(monkeypatch)
    assert data_access.live_table(seeded, max_age=1e-6) is first
    assert building.wait(60)
    data_access.forget_live_tables()  # an import meanwhile: what the rebuild reads may be from before it
    monkeypatch.setattr(data_access, "protected_data", real)
    fresh = data_access.live_table(seeded, max_age=3600)  # built now, in the reader's call
    release.set()
    for _ in range(50):
        threading.Event().wait(0.1)
        assert data_access.live_table(seeded, max_age=3600) is fresh


def test_live_table_too_old_or_missing_is_built_once_in_the_readers_call(seeded, monkeypatch):
    # after an idle night the first reader must not see yesterday's table; readers who ask at once
    # (after an import forgot it) wait for one build, not one each
    import threading

    from analysis import protection
    from survey_app.dashboard import data_access

    monkeypatch.setattr(protection, "_CACHE", type(protection._CACHE)())
    data_access.forget_live_tables()
    real, builds = data_access.protected_data, []

    def counting(storage, **kw):
        builds.append(1)
        threading.Event().wait(0.5)  # long enough for the other readers to arrive
        return real(storage, **kw)

    monkeypatch.setattr(data_access, "protected_data", counting)
    got = []
    readers = [
        threading.Thread(target=lambda: got.append(data_access.live_table(seeded, max_age=3600))) for _ in range(4)
    ]
    for t in readers:
        t.start()
    for t in readers:
        t.join(120)
    assert len(got) == 4 and all(g is got[0] for g in got) and builds == [1]
    monkeypatch.setattr(data_access, "LIVE_HARD_AGE", 0)  # every kept table too old: built in the call
    monkeypatch.setattr(protection, "_CACHE", type(protection._CACHE)())
    again = data_access.live_table(seeded, max_age=3600)
    assert again is not got[0] and builds == [1, 1]


def test_figure_charts_keeps_no_chart_of_figures_from_before_the_table_started_again(monkeypatch):
    # a table from counts of 299 responses starts again from rows of 300 (a response came in between)
    # while a reader's charts are being made: what is kept must be the new table's figures and charts
    from analysis import aggregate, charts
    from analysis.protection import ProtectedData
    from survey_app.dashboard import data_access

    rows = generate(300, seed=12)
    data = ProtectedData(aggregate=aggregate.count_table(rows.iloc[1:].reset_index(drop=True)), rows=lambda: rows)
    real, restarted = charts.figure_chart, []

    def restart_once(fig, **kw):
        if not restarted:  # another session needs rows: the table starts again
            restarted.append(1)
            data.view({}).grade_summary("help_improves")
        return real(fig, **kw)

    monkeypatch.setattr(charts, "figure_chart", restart_once)
    data_access.figure_charts(data.view({}), lang="nl", synthetic=False)
    assert restarted and not data.from_aggregate
    for fig, spec in data_access.figure_charts(data.view({}), lang="nl", synthetic=False):
        assert fig.base_n == data.view({}).figure(fig.id).base_n
        assert spec == charts.chart_spec(real(fig, lang="nl")), fig.id
