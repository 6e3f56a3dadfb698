"""An auditor: every output a reader can obtain, every subtraction, and padding (issue 9, item 7).

On a seeded data set with a 7-respondent institution (KLEIN) and 5 parents
without a measure type (tests/_disclosure_data.py) the auditor

1. enumerates the outputs a reader can obtain for every selection (each
   filter one value or all): the report JSON (every figure and text
   statistic), the key numbers, the comparison of every institution with the
   rest, cross tables and the comments;
2. turns every shown number into a *known set*: the respondents it is a total
   of (worked out here from the data, not taken from analysis.protection);
3. subtracts: a known set minus a known set inside it is known too (parent
   minus all children but one, over every one-filter split and every group
   split, repeated until nothing new follows);
4. fails when it learns the totals (answers or grades) of a set of 1 to 9
   respondents, or the exact size of a small group the report hides;
5. checks with linear algebra (numpy, per respondent) that no hidden small
   group lies in the span of the shown groups of the same numbers;
6. repeats the attack after *padding*: 3 rows the attacker knows are added
   to KLEIN (7 -> 10) and subtracted again.

Comments are sets of texts, so set differences and intersections apply: the
auditor checks every Boolean combination of the selections that show
comments.
"""

from __future__ import annotations

import itertools
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from _disclosure_data import SMALL_GI, audit_frame, padded

from analysis import contract, stats
from analysis.protection import DIMS, ProtectedData

MIN_CELL = 10
CROSSTABS = (("had_gap", "say_in_plan"), ("gi", "explained_at_start"), ("n_workers", "help_improves"))
#: cross tables whose lines are read from the question's family (H3 of the disclosure review)
LINE_CROSSTABS = (("had_gap", "say_in_plan"), ("gi", "explained_at_start"))


# --------------------------------------------------------------------------- bitsets of respondents


def bits(mask) -> int:
    """A boolean mask over the data rows as a Python int (bit i = row i)."""
    idx = np.flatnonzero(np.asarray(mask, dtype=bool))
    out = 0
    for i in idx:
        out |= 1 << int(i)
    return out


def size(b: int) -> int:
    return b.bit_count()


class Knowledge:
    """Sets of respondents whose totals of one kind of number a reader knows."""

    def __init__(self, name: str, answers: bool):
        self.name = name
        self.answers = answers  # True: the totals are answers/grades; False: only sizes (counts)
        self.known: set[int] = set()
        self.hidden_groups: set[int] = set()  # respondent sets of groups the outputs hide
        self.own = 0  # rows the attacker added and knows (padding): subtracted from everything

    def add(self, b: int) -> None:
        if b:
            self.known.add(b)

    def close(self, rounds: int = 3) -> set[int]:
        """Subtract nested known sets until nothing new follows; return everything known."""
        known = set(self.known)
        for _ in range(rounds):
            ordered = sorted(known, key=size)
            new = set()
            for i, small in enumerate(ordered):
                for big in ordered[i + 1 :]:
                    if big & small == small and big != small:
                        d = big & ~small
                        if d not in known:
                            new.add(d)
            if not new:
                break
            known |= new
        return known

    def leaks(self) -> list[int]:
        """Known sets that give something hidden away."""
        out = []
        for b in self.close():
            b &= ~self.own  # what the attacker did not know already
            n = size(b)
            if self.answers and 0 < n < MIN_CELL:
                out.append(b)
            elif not self.answers and b in self.hidden_groups and n < MIN_CELL:
                # the size of a small hidden group (a group hidden only to protect another has at
                # least min_cell respondents; its size may follow from others, which tells nothing
                # about a small group)
                out.append(b)
        return out


# --------------------------------------------------------------------------- the outputs


def views(df: pd.DataFrame):
    rounds = [None] + sorted(df["round_id"].unique())
    gis = [None] + sorted(df["gi"].unique())
    types = [None, *contract.RESPONDENT_TYPES]
    measures = [None, *contract.CODES["measure_type"]]
    if len(rounds) == 2:
        rounds = [None]
    for r, g, t, m in itertools.product(rounds, gis, types, measures):
        yield {"round_id": r, "gi": g, "respondent_type": t, "measure_type": m}


def view_mask(df: pd.DataFrame, f: dict) -> np.ndarray:
    mask = np.ones(len(df), dtype=bool)
    for k, v in f.items():
        if v is not None:
            mask &= (df[k].astype(object) == v).fillna(False).to_numpy(dtype=bool)
    return mask


def answered(df: pd.DataFrame, col: str) -> np.ndarray:
    return df[col].notna().to_numpy(dtype=bool)


def labels(df: pd.DataFrame, col: str) -> np.ndarray:
    return stats.category_labels(df, col)


def audit(df: pd.DataFrame, data: ProtectedData, *, attacker_rows: np.ndarray | None = None):
    """Collect what a reader learns from every output; return {kind: Knowledge}."""
    kinds: dict[str, Knowledge] = {}

    def kb(name, answers=True):
        if name not in kinds:
            kinds[name] = Knowledge(name, answers)
            if attacker_rows is not None:
                kinds[name].own = bits(attacker_rows)
        return kinds[name]

    if attacker_rows is not None:  # the attacker knows these rows: their totals of everything
        for k in ("grade", "respondents", *contract.CODES, *contract.QUALITY_ITEMS):
            kb(k, k != "respondents").add(bits(attacker_rows))
            kinds[k].own = bits(attacker_rows)

    for f in views(df):
        v = data.view(f)
        vm = view_mask(df, f)
        resp = v.respondents
        rk = kb("respondents", answers=False)
        if resp.n is not None:
            rk.add(bits(vm))
        elif resp.true_n:
            rk.hidden_groups.add(bits(vm))
        for fig in v.figures() + v.text_statistics():
            rows = fig.table.astype(object).to_dict("records")
            if fig.kind == "distribution":
                col = fig.items[0]
                if col in ("measure_type", "n_workers", "had_gap"):  # categories are groups: their sizes
                    k = kb(f"size:{col}", answers=False)
                    for r in rows:
                        b = bits(vm & (labels(df, col) == r["category"]))
                        (k.hidden_groups.add(b) if r["suppressed"] else k.add(b))
                    if fig.base_n is not None:
                        k.add(bits(vm & answered(df, col)))
                elif fig.base_n is not None:
                    kb(col).add(bits(vm & answered(df, col)))
            elif fig.kind == "mean_by_group":
                for r in rows:
                    b = bits(vm & (labels(df, "n_workers") == r["group"]) & answered(df, "grade"))
                    k = kb("grade")
                    if r["suppressed"]:
                        k.hidden_groups.add(b)
                        assert r["n"] is None or r["n"] == 0, (fig.id, f, r)  # hidden means hidden
                    else:
                        k.add(b)
            elif fig.kind == "pct_by_group":
                for r in rows:
                    b = bits(vm & (labels(df, "had_gap") == r["group"]) & answered(df, r["item"]))
                    if r["suppressed"]:
                        assert r["n"] is None or r["n"] == 0, (fig.id, f, r)
                    else:
                        kb(r["item"]).add(b)
            elif fig.kind == "distribution_by_group":
                col, group = fig.items
                for g in dict.fromkeys(r["group"] for r in rows):
                    grow = [r for r in rows if r["group"] == g]
                    if not all(r["suppressed"] for r in grow):
                        kb(col).add(bits(vm & (labels(df, group) == g) & answered(df, col)))
        kn = v.key_numbers().set_index("key")
        if not kn.loc["mean_grade", "suppressed"]:
            kb("grade").add(bits(vm & answered(df, "grade")))
        if f["gi"] is None:
            for gi in data.gis:
                cmp = v.compare_institution(gi)
                for r in cmp.astype(object).to_dict("records"):
                    if r["suppressed"]:
                        continue
                    item = r["item"]
                    a = vm & (df["gi"] == gi).to_numpy() & answered(df, item)
                    b = vm & (df["gi"] != gi).to_numpy() & answered(df, item)
                    kb(item).add(bits(a))
                    kb(item).add(bits(b))
        for row, col in CROSSTABS:
            ct = v.crosstab(row, col)
            lr, lc = labels(df, row), labels(df, col)
            if (row, col) in LINE_CROSSTABS:  # lines are distributions of a question: answers of the line's set
                for a, line in ct.astype(object).groupby("row", sort=False):
                    if line["suppressed"].all():
                        assert line["n"].isna().all(), (row, col, f, a)
                    else:
                        assert not line["suppressed"].any(), (row, col, f, a)  # a line is shown whole
                        kb(col).add(bits(vm & (lr == a) & answered(df, col)))
                continue
            k = kb(f"crosstab:{row}:{col}", answers=False)
            for r in ct.astype(object).to_dict("records"):
                b = bits(vm & (lr == r["row"]) & (lc == r["col"]))
                if r["suppressed"]:
                    k.hidden_groups.add(b)
                else:
                    k.add(b)
    return kinds


def comment_sets(df: pd.DataFrame, data: ProtectedData) -> list[int]:
    """Respondent sets (with a comment) of every selection that shows comments."""
    has = df["comment_grade"].notna().to_numpy() | df["comment_improve"].notna().to_numpy()
    out = []
    for f in views(df):
        res = data.view(f).comments()
        if res.shown:
            out.append(bits(view_mask(df, f) & has))
    return out


def boolean_atoms(sets: list[int], universe: int) -> list[int]:
    """The atoms of the Boolean algebra the sets generate (what set operations can isolate)."""
    atoms = [universe]
    for s in sets:
        nxt = []
        for a in atoms:
            for part in (a & s, a & ~s):
                if part:
                    nxt.append(part)
        atoms = nxt
    return atoms


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def df():
    return audit_frame()


@pytest.fixture(scope="module")
def data(df):
    return ProtectedData(df, min_cell=MIN_CELL)


@pytest.fixture(scope="module")
def knowledge(df, data):
    return audit(df, data)


# --------------------------------------------------------------------------- tests


def test_disclosure_auditor_data_has_the_small_groups(df):
    assert (df["gi"] == SMALL_GI).sum() == 7
    assert ((df["gi"] == "JBN") & (df["respondent_type"] == "ouder") & df["measure_type"].isna()).sum() == 5


def test_disclosure_auditor_subtraction_recovers_no_answers_of_a_small_set(knowledge):
    for name, k in knowledge.items():
        if not k.answers:
            continue
        leaks = k.leaks()
        assert not leaks, (name, [size(b) for b in leaks][:10])


def test_disclosure_auditor_subtraction_recovers_no_size_of_a_hidden_group(knowledge):
    for name, k in knowledge.items():
        if k.answers:
            continue
        leaks = k.leaks()
        assert not leaks, (name, [size(b) for b in leaks][:10])


def test_disclosure_auditor_hidden_small_groups_are_not_in_the_span_of_shown_groups(df, knowledge):
    for name, k in knowledge.items():
        shown = [b for b in k.known]
        hidden = [b for b in k.hidden_groups if 0 < size(b) < MIN_CELL]
        if not shown or not hidden:
            continue
        n = len(df)
        A = np.array([[(b >> i) & 1 for i in range(n)] for b in shown], dtype=float)
        for h in hidden:
            t = np.array([(h >> i) & 1 for i in range(n)], dtype=float)
            coef, *_ = np.linalg.lstsq(A.T, t, rcond=None)
            assert np.abs(A.T @ coef - t).max() > 1e-6, (name, size(h))


def test_disclosure_auditor_comments_give_no_small_set_by_set_operations(df, data):
    sets = comment_sets(df, data)
    assert sets, "the national selection shows comments"
    has = df["comment_grade"].notna().to_numpy() | df["comment_improve"].notna().to_numpy()
    universe = bits(np.ones(len(df), dtype=bool) & has)
    everyone = [bits(view_mask(df, f)) for f in views(df) if data.view(f).comments().shown]
    # the respondents (not only the commenters) behind every Boolean combination
    for atom in boolean_atoms(everyone, bits(np.ones(len(df), dtype=bool))):
        if atom & universe:
            assert size(atom) >= MIN_CELL, size(atom)


def test_disclosure_auditor_padding_with_the_previous_table_recovers_nothing(df, data):
    pad, known = padded(df)
    rows = np.zeros(len(pad), dtype=bool)
    rows[len(df) :] = True  # the attacker's own rows
    again = ProtectedData(pad, min_cell=MIN_CELL, previous=data.table(data.figure_families()))
    assert again.view({"gi": SMALL_GI}).respondents.n is None  # KLEIN (7 + 3 = 10) stays hidden
    for name, k in audit(pad, again, attacker_rows=rows).items():
        assert not k.leaks(), name


def test_disclosure_auditor_every_dimension_is_audited(df):
    assert len(list(views(df))) == 1 * 7 * 3 * 5
    assert set(DIMS) == {"round_id", "gi", "respondent_type", "measure_type"}


def test_disclosure_auditor_crosstab_and_distribution_agree(df, data):
    """H3: a cross table of a filter dimension (or the question's group) by a question is its distributions.

    For every such table at the national view and every one-filter view, a
    line is shown iff the question's distribution in the view with that value
    is shown (the distribution figure, or the question's cell where there is
    no figure), with the same counts per answer; a hidden line has no count.
    """
    from analysis.protection import ITEMS

    def counts(mask, item):
        lab = labels(df, item)
        return {c: int((mask & (lab == c)).sum()) for c in dict.fromkeys(x for x in lab if x is not None)}

    def line(f, item, group=None, value=None):
        """(shown, {answer: n}) of the question in view ``f`` (in group ``value`` of ``group``)."""
        v = data.view(f)
        mask = view_mask(df, f) & answered(df, item)
        if group is not None:
            mask &= labels(df, group) == value
            if item == "say_in_plan":  # the figure say_in_plan_by_gap
                t = v.figure("say_in_plan_by_gap").table.astype(object)
                t = t[t["group"] == value]
                shown = not t["suppressed"].all()
                return shown, {r["category"]: r["n"] for r in t.to_dict("records") if shown}
            return v.cell(f"item:{item}", **{group: value}).has_data, counts(mask, item)
        if item in contract.DISTRIBUTION_FIGURES:
            t = v.figure(item).table.astype(object)
            shown = not t["suppressed"].all()
            return shown, {r["category"]: r["n"] for r in t.to_dict("records") if shown}
        return v.cell(f"item:{item}").has_data, counts(mask, item)

    pairs = [(d, i) for d in DIMS for i in ITEMS] + [("had_gap", q) for q in ("say_in_plan", *contract.QUALITY_ITEMS)]
    one_filter = [f for f in views(df) if sum(v is not None for v in f.values()) <= 1]
    checked = hidden = 0
    for f in one_filter:
        v = data.view(f)
        for dim, item in pairs:
            ct = v.crosstab(dim, item).astype(object)
            for a, rows in ct.groupby("row", sort=False):
                if dim in DIMS:
                    if f[dim] is not None and f[dim] != a:
                        assert (rows["n"] == 0).all() and not rows["suppressed"].any(), (f, dim, item, a)
                        continue
                    shown, want = line({**f, dim: a}, item)
                else:
                    shown, want = line(f, item, dim, a)
                got = dict(zip(rows["col"], rows["n"]))
                if shown:
                    assert not rows["suppressed"].any(), (f, dim, item, a)
                    assert {c: n for c, n in got.items() if n} == {c: n for c, n in want.items() if n}, (f, dim, a)
                else:
                    hidden += 1
                    assert rows["suppressed"].all() and rows["n"].isna().all(), (f, dim, item, a)
                checked += 1
    assert checked and hidden  # the data set has hidden lines (KLEIN)


def test_disclosure_auditor_crosstab_of_two_groupings_reads_the_respondents_family(df, data):
    """A cross table of two filter dimensions (or one and n_workers/had_gap) shows group sizes of the respondents family."""
    one_filter = [f for f in views(df) if sum(v is not None for v in f.values()) <= 1]
    shown = 0
    for f in one_filter:
        v = data.view(f)
        for row, col in (("gi", "measure_type"), ("respondent_type", "had_gap"), ("gi", "n_workers")):
            ct = v.crosstab(row, col).astype(object)
            lr, lc = labels(df, row), labels(df, col)
            for r in ct.to_dict("records"):
                n = int((view_mask(df, f) & (lr == r["row"]) & (lc == r["col"])).sum())
                if any(c in DIMS and f[c] is not None and f[c] != r[k] for c, k in ((row, "row"), (col, "col"))):
                    assert r["n"] == 0 and not r["suppressed"]  # outside the view: an empty cell
                    continue
                if col in DIMS:
                    cell = data.view({**f, row: r["row"], col: r["col"]}).respondents
                else:
                    cell = data.view({**f, row: r["row"]}).cell("respondents", **{col: r["col"]})
                if r["suppressed"]:
                    assert r["n"] is None or pd.isna(r["n"]), (f, row, col, r)
                else:
                    assert r["n"] == n and cell.shown, (f, row, col, r)
                    shown += n > 0
                if 0 < n < MIN_CELL:
                    assert r["suppressed"], (f, row, col, r)
    assert shown


def test_disclosure_auditor_question_by_question_table_hides_the_views_its_questions_hide(df, data):
    """Two questions keep a family of their own, forced by both questions' families at the margins."""
    hidden_views = 0
    for f in (f for f in views(df) if sum(v is not None for v in f.values()) <= 1):
        v = data.view(f)
        for row, col in (("explained_at_start", "opinion_asked"), ("n_workers", "help_improves")):
            items = [c for c in (row, col) if c.startswith(("explained", "opinion", "help"))]
            if any(v.cell(f"item:{c}").status in ("small", "protects") for c in items):
                hidden_views += 1
                ct = v.crosstab(row, col)
                assert ct["suppressed"].all() and ct["n"].isna().all(), (f, row, col)
    assert hidden_views  # KLEIN's view is hidden in the question families


def _profiles(frame: pd.DataFrame) -> Counter:
    """Rows as tuples of the columns the microdata file keeps unchanged (a multiset; the group
    questions may be left empty)."""
    from analysis.microdata import DROPPED_COLUMNS, GROUP_COLUMNS

    keep = [c for c in contract.COLUMNS if c not in (*DROPPED_COLUMNS, *GROUP_COLUMNS, "gi", "measure_type")]
    return Counter(map(tuple, frame[keep].astype("string").fillna("-").to_numpy().tolist()))


def test_disclosure_auditor_microdata_and_table_give_no_small_cell(monkeypatch):
    """Issue 9 (b): the microdata file is a publication next to the table, so both are audited together.

    KLEIN (7 respondents, hidden in every family) answered late, in a quarter
    of its own.  Recoded from the table alone and made 10-anonymous, the
    file takes the quarter as its period and leaves KLEIN's rows out (their
    class is under 10); the table shows the total, so the total minus the
    file's rows is KLEIN's size, and the left-out rows are KLEIN's answers
    (found here by comparing the rows, not with the library's audit).  With
    the joint audit (the file's classes per period and summed, the rows left
    out and the rows recoded, with the shown cells of the respondents
    family) the period is coarsened to the round and no hidden small
    selection is the set of left-out rows.
    """
    from analysis import microdata
    from analysis.microdata import k_anonymous_microdata, k_of

    late = audit_frame()
    late.loc[late["gi"] == SMALL_GI, "submitted_week"] = "2025-W20"
    data = ProtectedData(late, min_cell=MIN_CELL)
    total = data.view({}).respondents.n
    klein = data.view({"gi": SMALL_GI}).respondents
    assert total == len(late) and klein.n is None and klein.true_n == 7
    small_views = [
        _profiles(late[view_mask(late, f)])
        for f in views(late)
        if data.view(f).respondents.n is None and 0 < (data.view(f).respondents.true_n or 0) < MIN_CELL
    ]
    assert small_views

    def left_out(out):
        return _profiles(late) - _profiles(out)

    with monkeypatch.context() as m:  # without the joint audit: only the table recode and k-anonymity
        m.setattr(microdata, "table_leaks", lambda *a, **k: [])
        plain, rec = k_anonymous_microdata(late, k=MIN_CELL, protected=data, max_recoded=0.5)
    assert rec.period_level == "quarter" and not data.view({"gi": SMALL_GI}).respondents.shown
    assert total - len(plain) == 7  # the table's total minus the file's rows: KLEIN's size
    assert left_out(plain) == _profiles(late[late["gi"] == SMALL_GI])  # and KLEIN's answers
    assert left_out(plain) in small_views

    out, record = k_anonymous_microdata(late, k=MIN_CELL, protected=data, max_recoded=0.5)
    assert record.audited and record.period_level == "round"
    assert k_of(out) >= MIN_CELL
    gone = left_out(out)
    assert sum(gone.values()) == total - len(out)
    assert not gone or gone not in small_views
    assert not microdata.table_leaks(
        data, microdata._table_rows(data, late), *_released(late, data, record.period_level)
    )
    # the auditor's own data set: released at the period k-anonymity chose, nothing follows either
    df = audit_frame()
    base = ProtectedData(df, min_cell=MIN_CELL)
    out, record = k_anonymous_microdata(df, k=MIN_CELL, protected=base)
    assert record.audited and k_of(out) >= MIN_CELL
    gone = _profiles(df) - _profiles(out)
    assert not gone or gone not in [
        _profiles(df[view_mask(df, f)])
        for f in views(df)
        if base.view(f).respondents.n is None and 0 < (base.view(f).respondents.true_n or 0) < MIN_CELL
    ]


def _released(df: pd.DataFrame, data: ProtectedData, level: str):
    """(every row after recoding, rows left out) of the file at ``level``, as k_anonymous_microdata makes it."""
    from analysis import microdata

    base = df.drop(columns=list(microdata.DROPPED_COLUMNS)).copy()
    for c in ("round_id", "gi", "respondent_type", "measure_type"):
        base[c] = base[c].astype("string")
    base, _ = microdata.table_recode(base, data)
    base["period"] = microdata.week_period(df["submitted_week"], level, df["round_id"])
    result, _, _, small = microdata._protect(base, MIN_CELL)
    return result, small
