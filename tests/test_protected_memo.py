"""ProtectedData.memo: outputs made from the protected table's decisions, kept with the table.

The dashboards show each view's figures and charts from it (issue 10: a page run
built 13 Altair charts again, about 3 s); these tests pin that what is kept is
shared, bounded, and forgotten when the table starts again from its rows.
"""

from __future__ import annotations

import pandas as pd

from analysis import aggregate, protection
from analysis.protection import ProtectedData
from sample_data.generator import generate


def test_protected_data_memo_shares_a_views_figures_between_views_of_one_selection():
    data = ProtectedData(generate(400, seed=3), min_cell=10)
    first = data.view({"respondent_type": "ouder"}).figures()
    again = data.view({"respondent_type": ["ouder"]}).figures()  # the same selection, another spelling
    assert [a is b for a, b in zip(first, again)] == [True] * len(first)
    other = data.view({"respondent_type": "jeugdige"}).figures()
    assert first[0] is not other[0] and first[0].base_n != other[0].base_n
    # what is kept is what the view computes
    fresh = ProtectedData(generate(400, seed=3), min_cell=10).view({"respondent_type": "ouder"})
    for a, b in zip(first, fresh.figures()):
        pd.testing.assert_frame_equal(a.table, b.table)


def test_protected_data_memo_makes_each_key_once_and_keeps_at_most_memo_entries(monkeypatch):
    monkeypatch.setattr(protection, "MEMO_ENTRIES", 2)
    data = ProtectedData(generate(100, seed=4), min_cell=10)
    made = []

    def make(k):
        made.append(k)
        return k * 10

    assert [data.memo((k,), lambda k=k: make(k)) for k in (1, 1, 2, 1, 3, 1, 2)] == [10, 10, 20, 10, 30, 10, 20]
    # 1 2 kept; 1 used again; 3 pushes out 2 (least recently used), not 1; 2 is made again
    assert made == [1, 2, 3, 2]


def test_protected_data_memo_forgets_when_the_table_starts_again_from_its_rows():
    # the table from counts of 299 responses starts again from rows of 300 (a response came in
    # between): figures kept from the first must not be shown next to families of the second
    rows = generate(300, seed=12)
    data = ProtectedData(aggregate=aggregate.count_table(rows.iloc[1:].reset_index(drop=True)), rows=lambda: rows)
    before = data.view({}).figures()
    assert before[0].base_n == 299
    data.view({}).grade_summary("help_improves")  # needs rows: read, 300: the table starts again
    assert not data.from_aggregate
    assert data.view({}).figures()[0].base_n == 300


def test_protected_data_memo_does_not_keep_what_was_made_while_the_table_started_again():
    rows = generate(300, seed=12)
    data = ProtectedData(aggregate=aggregate.count_table(rows.iloc[1:].reset_index(drop=True)), rows=lambda: rows)

    def made_then_restarted():
        value = data.view({}).figure("grade_by_workers")  # of the table of 299
        data.view({}).grade_summary("help_improves")  # meanwhile (another session) the table starts again
        return value

    old = data.memo(("grade",), made_then_restarted)
    assert old.base_n == 299
    assert data.memo(("grade",), lambda: data.view({}).figure("grade_by_workers")).base_n == 300
