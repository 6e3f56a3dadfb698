"""The Inspectierapport reads the one protected table (issue 9, H2 and (e)).

A real temporary SQLite database holds the synthetic demo round (JBW has 6
respondents: under min_cell) and a round "ronde-2026" in which WSS does not
count in the national figures.  The page runs in Streamlit's AppTest, signed
in as a beheerder.  The auditor side is computed here from the table the other
dashboard pages read (:func:`survey_app.dashboard.data_access.protected_data`):
every number the page shows must be a number of that table's view of the same
selection, or hidden.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _auth_helpers import make_users, sign_in, staff_app_on
from streamlit.testing.v1 import AppTest

from analysis import contract, i18n, views
from analysis.filters import filter_responses
from analysis.reference import compare_to_published, compare_view
from sample_data import generate
from survey_app.dashboard import data_access
from survey_app.respond import widgets as ui
from survey_app.storage import Storage

PAGE = Path(__file__).resolve().parents[1] / "survey_app" / "web" / "screens" / "inspectierapport.py"
SECRET = "test-secret-key-0123456789abcdef"
DEMO = contract.DEMO_ROUND_ID
ROUND_B = "ronde-2026"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    path = tmp_path_factory.mktemp("refpage")
    url = f"sqlite:///{path / 'survey.sqlite'}"
    s = Storage(url, secret_key=SECRET)
    try:

        def demo_frame():
            df = generate(n=700, seed=11)
            return pd.concat([df[df["gi"] != "JBW"], df[df["gi"] == "JBW"].head(6)], ignore_index=True)

        s.ensure_demo_round(demo_frame)
        s.create_round(name="Ronde 2026", gis=["JBG", "JBN", "JBRA", "WSS"], round_id=ROUND_B)
        b = generate(n=500, seed=12, round_id=ROUND_B)
        s.import_responses(b[b["gi"] != "JBW"].head(250), round_id=ROUND_B)
        s.set_national(ROUND_B, "WSS", False)
        make_users(s, roles=("beheerder",))
        table = data_access.protected_data(s)  # the one global table of the dashboards
    finally:
        s.dispose()
    return {"path": path, "url": url, "table": table}


@pytest.fixture
def db(seeded, monkeypatch):
    staff_app_on(monkeypatch, seeded["path"], seeded["url"], SECRET)
    return seeded


def open_page(**state) -> AppTest:
    at = AppTest.from_file(str(PAGE), default_timeout=180)
    sign_in(at, ui.get_storage(), "beheer")
    for k, v in state.items():
        at.session_state[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shown_tables(at: AppTest) -> pd.DataFrame:
    """Every comparison table of the page, stacked (display strings)."""
    frames = [df.value for df in at.dataframe if "Berekend" in df.value.columns]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def view_numbers(view) -> np.ndarray:
    """Every number the global view publishes: respondents, key numbers, figure and text-statistic tables."""
    out = [] if view.respondents.n is None else [float(view.respondents.n)]
    kn = pd.to_numeric(view.key_numbers()["value"], errors="coerce")
    out += [float(v) for v in kn.dropna()]
    for fig in [*view.figures(), *view.text_statistics()]:
        for col in fig.table.columns:
            vals = pd.to_numeric(fig.table[col], errors="coerce") if fig.table[col].dtype != bool else None
            if vals is not None:
                out += [float(v) for v in vals.dropna()]
        out += [float(v) for v in (fig.group_n or {}).values() if v is not None]
    return np.array(out)


def outside(values, allowed: np.ndarray) -> list[float]:
    """Values that are no number of ``allowed`` (NaN = hidden is allowed)."""
    return [v for v in values if not math.isnan(v) and not np.isclose(allowed, v, rtol=0, atol=1e-9).any()]


def test_disclosure_auditor_reference_page_reads_the_global_table(db):
    filters = {"round_id": DEMO, "gi": "JBG"}
    view = db["table"].view(filters)
    expected = compare_view(view)
    # the auditor: every computed number is a number of the global view of gi=JBG, or hidden (NaN)
    assert not outside(expected["computed"], view_numbers(view))
    # the data make the difference: a table of the loaded subset (the old page) shows numbers the global view hides
    subset = filter_responses(db["table"].df, round_id=[DEMO], gi=["JBG"])
    assert outside(compare_to_published(subset)["computed"], view_numbers(view))

    at = open_page(flt_gi=["JBG"], ref_round=DEMO)
    shown = shown_tables(at)
    want = views.reference_view(expected, lang="nl")
    assert shown["Berekend"].tolist() == want["computed"].tolist()
    assert shown["Gepubliceerd 2025"].tolist() == want["published"].tolist()
    hidden = expected["computed"].isna().to_numpy()
    assert hidden.any() and (shown["Berekend"][hidden] == "-").all()
    # (e) "n selected" is the view's respondents, not a count of loaded rows
    resp = view.respondents
    if resp.n is None:
        caption = i18n.text("disclosure.n_selected_hidden", "nl", min_cell=10)
    else:
        caption = i18n.text("dashboard.n_selected", "nl", count=resp.n)
    assert caption in [c.value for c in at.caption]
    assert f"{int(expected['match'].sum())} / {len(expected)}" in [str(m.value) for m in at.metric]


def test_reference_page_without_a_national_view_says_why_and_shows_no_figures(db):
    at = open_page(ref_round=ROUND_B)
    assert shown_tables(at).empty
    assert any(i18n.text("refpage.not_national", "nl", count=1, gis="WSS") == m.value for m in at.info)
    # one institution of that round is a view of the table: shown, number for number
    at = open_page(ref_round=ROUND_B, flt_gi=["JBN"])
    want = views.reference_view(compare_view(db["table"].view({"round_id": ROUND_B, "gi": "JBN"})), lang="nl")
    assert shown_tables(at)["Berekend"].tolist() == want["computed"].tolist()


def test_reference_page_national_round_is_the_round_view_of_the_table(db):
    at = open_page(ref_round=DEMO)
    view = db["table"].view({"round_id": DEMO})
    want = views.reference_view(compare_view(view), lang="nl")
    assert shown_tables(at)["Berekend"].tolist() == want["computed"].tolist()
    assert i18n.text("dashboard.n_selected", "nl", count=view.respondents.n) in [c.value for c in at.caption]
