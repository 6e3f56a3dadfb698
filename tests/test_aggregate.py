"""The aggregate of a round's answers (issue 10 item 2): analysis.aggregate and the stored answer_counts.

The aggregate is pinned to an independent count (pandas ``groupby`` of the
rows' labels), the protected table built from it to the one built from the
rows (same cells, same figures, no row read), and the stored aggregate to a
recount of the stored responses after submissions, imports and a release, on
SQLite and PostgreSQL.
"""

from __future__ import annotations

import random
import uuid

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
from db_fixtures import random_answers

from analysis import aggregate, contract, stats
from analysis.frame import canonical_frame
from analysis.protection import ProtectedData
from sample_data.generator import generate
from survey_app.storage import ImportRejected, InvalidAnswers

FILTERS = (
    {},
    {"gi": "JBG"},
    {"respondent_type": "jeugdige"},
    {"gi": "JBN", "respondent_type": "ouder"},
    {"measure_type": "ots"},
    {"round_id": "demo-synthetisch-2025", "gi": "WSS"},
)


@pytest.fixture(scope="module")
def demo():
    return generate()


def _independent(df: pd.DataFrame) -> pd.DataFrame:
    """The aggregate by a plain pandas groupby of the rows' labels, pair by pair."""
    parts = []
    for a, b in aggregate.PAIRS:
        labels = pd.DataFrame(
            {c: stats.category_labels(df, c) for c in (*aggregate.DIMS,)} | {"code": stats.category_labels(df, a)}
        )
        labels["code_2"] = stats.category_labels(df, b)
        labels = labels.fillna(aggregate.MISSING).astype(str)
        g = labels.groupby([*aggregate.DIMS, "code", "code_2"]).size().rename("n").reset_index()
        g["column"], g["column_2"] = a, b
        parts.append(g)
    out = pd.concat(parts, ignore_index=True)[list(aggregate.COLUMNS)]
    return out.sort_values(list(aggregate.KEY)).reset_index(drop=True)


def _plain(agg: pd.DataFrame) -> pd.DataFrame:
    out = agg[list(aggregate.COLUMNS)].astype({c: str for c in aggregate.KEY}).astype({"n": "int64"})
    return out.sort_values(list(aggregate.KEY)).reset_index(drop=True)


# --------------------------------------------------------------------------- analysis.aggregate


def test_aggregate_count_table_equals_a_groupby_of_the_rows(demo):
    agg = aggregate.count_table(demo)
    pd.testing.assert_frame_equal(_plain(agg), _plain(_independent(demo)))
    assert aggregate.check(agg) == []
    per_pair = agg.groupby(["column", "column_2"])["n"].sum()
    assert (per_pair == len(demo)).all() and len(per_pair) == len(aggregate.PAIRS)


def test_aggregate_one_response_equals_count_table_of_its_row(demo):
    for i in (0, 7, 400, len(demo) - 1):
        row = {
            c: None if pd.isna(v) else (int(v) if c in contract.INT_RANGES else str(v)) for c, v in demo.iloc[i].items()
        }
        one = pd.DataFrame(aggregate.one_response(row))
        pd.testing.assert_frame_equal(_plain(one), _plain(aggregate.count_table(demo.iloc[[i]].reset_index(drop=True))))


def test_aggregate_add_gives_the_aggregate_of_the_union(demo):
    a, b = demo.iloc[:500].reset_index(drop=True), demo.iloc[500:].reset_index(drop=True)
    both = aggregate.add(aggregate.count_table(a), aggregate.count_table(b))
    pd.testing.assert_frame_equal(_plain(both), _plain(aggregate.count_table(demo)))
    gone = aggregate.add(aggregate.count_table(demo), aggregate.count_table(b), sign=[1, -1])
    pd.testing.assert_frame_equal(_plain(gone), _plain(aggregate.count_table(a)))


def test_aggregate_check_finds_pairs_that_count_different_responses(demo):
    agg = aggregate.count_table(demo)
    assert aggregate.check(agg.iloc[1:]) == ["the pairs count different responses"]
    assert aggregate.check(agg.drop(columns="n")) == ["missing columns ['n']"]


@pytest.mark.parametrize(
    "columns, answered",
    [
        ((), ()),
        (("gi",), ()),
        (("n_workers",), ()),
        (("n_workers", "had_gap", "respondent_type"), ()),
        (("grade", "n_workers"), ("grade",)),
        (("grade",), ()),
        (("say_in_plan", "had_gap"), ("say_in_plan",)),
        (("explained_at_start", "respondent_type"), ()),
        (("measure_type", "respondent_type"), ()),
    ],
)
def test_aggregate_select_equals_counts_of_the_rows(demo, columns, answered):
    agg = aggregate.count_table(demo)
    for where in ({}, {"gi": "JBRA"}, {"respondent_type": "jeugdige", "gi": "JBG"}):
        rows = demo
        for d, v in where.items():
            rows = rows[rows[d].astype(object) == v]
        for c in answered:
            rows = rows[rows[c].notna()]
        want = stats.count_rows(rows.reset_index(drop=True), list(columns)).frame
        got = aggregate.select(agg, list(columns), answered=answered, where=where)
        order = list(columns)
        key = (lambda f: f.fillna("~").sort_values(order).reset_index(drop=True)) if order else (lambda f: f)
        pd.testing.assert_frame_equal(key(got.astype(object)), key(want.astype(object)), check_dtype=False)


def test_aggregate_select_stacks_items_read_one_by_one(demo):
    agg = aggregate.count_table(demo)
    got = stats.pct_by_group(
        stats.Counts(aggregate.select(agg, [*contract.QUALITY_ITEMS, "had_gap"], apart=True)),
        items=contract.QUALITY_ITEMS,
        group="had_gap",
        min_cell=contract.UNPROTECTED,
    )
    want = stats.pct_by_group(demo, items=contract.QUALITY_ITEMS, group="had_gap", min_cell=contract.UNPROTECTED)
    pd.testing.assert_frame_equal(got, want)


def test_aggregate_select_refuses_what_it_does_not_hold(demo):
    agg = aggregate.count_table(demo)
    with pytest.raises(aggregate.NeedsRows):
        aggregate.select(agg, ["explained_at_start", "opinion_asked"])
    with pytest.raises(aggregate.NeedsRows):
        aggregate.select(agg, ["grade"], answered=["help_improves"])


# --------------------------------------------------------------------------- the protected table from counts


def _no_rows():
    raise AssertionError("the rows were read")


def test_aggregate_protected_table_from_counts_equals_the_one_from_rows(demo):
    """Same cells, same statuses, same figures and key numbers; no row is read for them."""
    rows = ProtectedData(demo, min_cell=10)
    counts = ProtectedData(aggregate=aggregate.count_table(demo), rows=_no_rows, min_cell=10)
    assert counts.from_aggregate and not rows.from_aggregate
    pd.testing.assert_frame_equal(rows.table(rows.figure_families()), counts.table(counts.figure_families()))
    for f in FILTERS:
        a, b = rows.view(f), counts.view(f)
        for fa, fb in zip(a.figures(), b.figures()):
            assert (fa.id, fa.suppressed, fa.base_n) == (fb.id, fb.suppressed, fb.base_n)
            pd.testing.assert_frame_equal(fa.table, fb.table, check_dtype=False)
        pd.testing.assert_frame_equal(a.key_numbers(), b.key_numbers())
        assert a.respondents == b.respondents


def test_aggregate_protected_table_reads_rows_only_for_what_counts_do_not_hold():
    demo = generate(300, seed=11)  # small: a cross table builds the families of both questions first
    read = []

    def rows():
        read.append(1)
        return demo

    counts = ProtectedData(aggregate=aggregate.count_table(demo), rows=rows, min_cell=10)
    counts.view({}).figures()
    assert read == []
    family = "crosstab:explained_at_start:opinion_asked"
    want = ProtectedData(demo, min_cell=10)
    want.table(want.figure_families())
    pd.testing.assert_frame_equal(counts.table([family]), want.table([family]))
    assert read == [1]
    without = ProtectedData(aggregate=aggregate.count_table(demo), min_cell=10)
    with pytest.raises(aggregate.NeedsRows):
        without.view({}).crosstab("explained_at_start", "opinion_asked")


def test_aggregate_protected_table_starts_again_from_rows_that_count_one_more():
    # a response came in between reading the counts and the rows: a grade:* family of 300 next to
    # a grade family of 299 would give the newest respondent's answers away by subtraction
    rows = generate(300, seed=12)
    counts = ProtectedData(aggregate=aggregate.count_table(rows.iloc[1:].reset_index(drop=True)), rows=lambda: rows)
    first = counts.table(["respondents", "grade"])
    assert (
        first.loc[(first["family"] == "respondents") & (first[list(aggregate.DIMS)] == "*").all(axis=1), "n"].max()
        == 299
    )
    counts.view({}).grade_summary("help_improves")  # needs rows: read, 300
    assert not counts.from_aggregate
    whole = ProtectedData(rows)
    families = ["respondents", "grade", "grade:help_improves"]
    pd.testing.assert_frame_equal(counts.table(families), whole.table(families))


def test_aggregate_select_many_labels_counts_only_the_combinations_present(demo):
    agg = aggregate.count_table(demo)
    index = aggregate.Indexed(agg)
    many = agg.assign(round_id=[f"r{i % 400}" for i in range(len(agg))], gi=[f"g{i % 700}" for i in range(len(agg))])
    got = aggregate.select(many, ["round_id", "gi", "respondent_type", "measure_type", "grade", "n_workers"])
    assert got["n"].sum() == len(demo) and (got["n"] > 0).all()
    with_na = index.select(["say_in_plan"], missing=pd.NA)  # pd.NA for "not answered" (no comparison with it)
    assert with_na.loc[with_na["say_in_plan"].isna(), "n"].sum() == demo["say_in_plan"].isna().sum() > 0


# --------------------------------------------------------------------------- the stored aggregate


def _stored(storage, *, held: bool | None = None) -> pd.DataFrame:
    """The answer_counts table as stored (no check, no rebuild), held or not."""
    st = storage.stored_counts()
    if held is not None:
        st = st[st["held"] == held]
    return aggregate.add(st.drop(columns="held")) if len(st) else aggregate.empty()


def _recount(frame: pd.DataFrame) -> pd.DataFrame:
    return aggregate.count_table(frame) if len(frame) else aggregate.empty()


def _equal(a, b):
    pd.testing.assert_frame_equal(_plain(a), _plain(b))


def test_storage_answer_counts_follow_submissions_and_imports(storage):
    info, _ = storage.create_round(name="Tellingen", gis=contract.GI_CODES, round_id="r1")
    rng = random.Random(5)
    for i in range(12):
        storage.submit_response(
            info.id,
            random_answers(rng),
            gi=contract.GI_CODES[i % 3],
            respondent_type=("ouder", "jeugdige")[i % 2],
            submission_token=uuid.uuid4().hex,
        )
    _equal(_stored(storage), _recount(storage.load_responses()))
    assert storage.import_responses(generate(80, seed=4, round_id="r1"), round_id="r1") == 80
    _equal(_stored(storage), _recount(storage.load_responses()))
    assert not storage.stored_counts()["held"].any()
    _equal(storage.answer_counts(round_ids="r1"), _recount(storage.load_responses(round_ids="r1")))
    assert aggregate.check(storage.answer_counts()) == []


def test_storage_answer_counts_of_a_rejected_submission_or_import_are_not_kept(storage, monkeypatch):
    info, _ = storage.create_round(name="Tellingen", gis=contract.GI_CODES, round_id="r1")
    storage.import_responses(generate(30, seed=2, round_id="r1"), round_id="r1")
    before = storage.stored_counts()
    bad = generate(10, seed=3, round_id="r1")
    bad.loc[4, "grade"] = 11
    with pytest.raises(ImportRejected):
        storage.import_responses(bad, round_id="r1")
    with pytest.raises(InvalidAnswers):
        storage.submit_response(
            info.id, {"grade": 12}, gi="JBG", respondent_type="ouder", submission_token=uuid.uuid4().hex
        )
    # a failure after the counts were added (the disk fills at commit): responses and counts go together
    real = storage._add_counts

    def add_then_fail(conn, agg, **kw):
        real(conn, agg, **kw)
        raise OSError("disk full")

    monkeypatch.setattr(storage, "_add_counts", add_then_fail)
    with pytest.raises(OSError):
        storage.import_responses(generate(10, seed=9, round_id="r1"), round_id="r1")
    with pytest.raises(OSError):
        storage.submit_response(
            info.id, random_answers(random.Random(2)), gi="JBG", respondent_type="ouder", submission_token="t" * 32
        )
    monkeypatch.undo()
    pd.testing.assert_frame_equal(storage.stored_counts(), before)
    assert storage.count_responses() == 30


def test_storage_answer_counts_hold_back_what_came_after_a_release(storage):
    storage.create_round(name="Vrijgegeven", gis=contract.GI_CODES, round_id="r1")
    storage.import_responses(generate(60, seed=6, round_id="r1"), round_id="r1")
    df = storage.load_responses(round_ids="r1")
    # released on a table built before the last response came in: that one is held back
    table = ProtectedData(df.iloc[1:].reset_index(drop=True), min_cell=10).table(["respondents"])
    assert storage.freeze_cells("r1", table, response_ids=df["response_id"].iloc[1:])
    late = generate(25, seed=7, round_id="r1")
    late["response_id"] = [str(uuid.uuid4()) for _ in range(len(late))]
    storage.import_responses(late, round_id="r1")  # paper questionnaires after close
    _equal(_stored(storage, held=False), _recount(storage.load_responses(released=True)))
    _equal(_stored(storage), _recount(storage.load_responses()))
    stored = storage.stored_counts()
    assert stored.loc[stored["held"].astype(bool), "n"].sum() == 26 * len(aggregate.PAIRS)
    _equal(storage.answer_counts(released=True), _recount(storage.load_responses(released=True)))
    _equal(storage.answer_counts(), _recount(storage.load_responses()))


def test_storage_answer_counts_are_counted_again_when_they_do_not_match(storage):
    storage.create_round(name="Hersteld", gis=contract.GI_CODES, round_id="r1")
    storage.create_round(name="Leeg", gis=contract.GI_CODES, round_id="r2")
    storage.import_responses(generate(40, seed=8, round_id="r1"), round_id="r1")
    want = _recount(storage.load_responses())
    with storage._write() as conn:  # e.g. a database restored from a version without the table's rows
        conn.execute(sa.text("DELETE FROM answer_counts WHERE code = 'ja'"))
    assert len(_stored(storage)) < len(want)
    _equal(storage.answer_counts(), want)
    _equal(_stored(storage), want)
    assert storage.answer_counts(round_ids="r2").empty and storage.answer_counts(round_ids=[]).empty


def test_storage_answer_counts_of_demo_build_the_same_table_as_its_rows(storage):
    storage.ensure_demo_round(generate)
    df = storage.load_responses()
    rows = ProtectedData(df, min_cell=10)
    counts = ProtectedData(aggregate=storage.answer_counts(), rows=_no_rows, min_cell=10)
    pd.testing.assert_frame_equal(rows.table(["respondents", "grade"]), counts.table(["respondents", "grade"]))
    assert np.array_equal(
        rows.view({"gi": "JBN"}).key_numbers()["value"].to_numpy(),
        counts.view({"gi": "JBN"}).key_numbers()["value"].to_numpy(),
        equal_nan=True,
    )
    assert canonical_frame(df).shape == df.shape


def test_storage_answer_counts_spread_submissions_over_shards_and_read_their_sum(storage):
    info, _ = storage.create_round(name="Gedeeld", gis=contract.GI_CODES, round_id="r1")
    rng = random.Random(11)
    for _ in range(40):
        storage.submit_response(
            info.id, random_answers(rng), gi="JBG", respondent_type="ouder", submission_token=uuid.uuid4().hex
        )
    st = storage.stored_counts()
    shards = set(st["shard"])
    # PostgreSQL: 40 submissions over 8 shards picked at random (all in one shard: chance 8 ** -39);
    # SQLite has one writer at a time and keeps one copy
    assert shards <= {str(i) for i in range(8)}
    assert len(shards) > 1 if storage.dialect == "postgresql" else shards == {"0"}
    _equal(storage.answer_counts(), _recount(storage.load_responses()))
    # a release holds back the late ones and writes the members' counts back summed, in shard "0"
    df = storage.load_responses(round_ids="r1")
    table = ProtectedData(df.iloc[2:].reset_index(drop=True), min_cell=10).table(["respondents"])
    assert storage.freeze_cells("r1", table, response_ids=df["response_id"].iloc[2:])
    st = storage.stored_counts()
    assert set(st.loc[~st["held"].astype(bool), "shard"]) == {"0"}
    _equal(_stored(storage, held=False), _recount(storage.load_responses(released=True)))
    _equal(storage.answer_counts(released=True), _recount(storage.load_responses(released=True)))
    # erase-order (PostgreSQL: rewrites the counter rows) sums every shard into "0" and keeps the counts
    storage.erase_insertion_order()
    if storage.dialect == "postgresql":
        assert set(storage.stored_counts()["shard"]) == {"0"}
    _equal(storage.answer_counts(), _recount(storage.load_responses()))


def test_storage_answer_counts_of_a_submission_during_a_release_are_held(postgres_storage):
    """PostgreSQL: a submission that arrives while a release (freeze) is being written waits for it and is
    counted as held, not as a member of the released table (review finding of stop 20)."""
    import threading
    import time

    from survey_app.storage.frozen import frozen_table, members_table

    storage = postgres_storage
    info, _ = storage.create_round(name="Tijdens", gis=contract.GI_CODES, round_id="r1")
    rng = random.Random(3)
    for _ in range(12):
        storage.submit_response(
            info.id, random_answers(rng), gi="JBG", respondent_type="ouder", submission_token=uuid.uuid4().hex
        )
    members = storage.load_responses(round_ids="r1")["response_id"].astype(str)
    done = []
    with storage.engine.begin() as freeze:  # what freeze_cells holds while it writes the release
        freeze.exec_driver_sql("LOCK TABLE answer_counts IN SHARE ROW EXCLUSIVE MODE")
        freeze.execute(sa.insert(frozen_table).values(round_id="r1", n_cells=0, cells="[]"))
        freeze.execute(sa.insert(members_table), [{"response_id": i, "round_id": "r1"} for i in members])
        late = threading.Thread(
            target=lambda: done.append(
                storage.submit_response(
                    info.id, random_answers(rng), gi="JBN", respondent_type="ouder", submission_token=uuid.uuid4().hex
                )
            )
        )
        late.start()
        time.sleep(1.5)
        assert late.is_alive() and not done  # waits for the release to commit
    late.join(30)
    assert done
    stored = storage.stored_counts()
    assert stored.loc[stored["held"].astype(bool), "n"].sum() == len(aggregate.PAIRS)  # the late one, held
    _equal(_stored(storage, held=False), _recount(storage.load_responses(released=True)))


@pytest.mark.parametrize("writer", ["submission", "import"])
def test_storage_answer_counts_erase_order_during_a_write_ends_without_deadlock(postgres_storage, monkeypatch, writer):
    """PostgreSQL: every transaction takes answer_counts before responses.  A submission or an import that is
    half-way (its counts lock taken / its rows inserted) when erase-order starts: both finish (review
    finding of stop 21: erase took responses first and deadlocked with them)."""
    import threading
    import time

    storage = postgres_storage
    info, _ = storage.create_round(name="Volgorde", gis=contract.GI_CODES, round_id="r1")
    storage.import_responses(generate(20, seed=1, round_id="r1"), round_id="r1")
    slow = "_answers_row" if writer == "submission" else "_add_counts"  # after the lock / after the rows
    real = getattr(storage, slow)

    def slowly(*args, **kwargs):
        time.sleep(1.5)
        return real(*args, **kwargs)

    monkeypatch.setattr(storage, slow, slowly)
    errors = []

    def write():
        try:
            if writer == "submission":
                storage.submit_response(
                    info.id,
                    random_answers(random.Random(4)),
                    gi="JBG",
                    respondent_type="ouder",
                    submission_token="s" * 32,
                )
            else:
                late = generate(15, seed=2, round_id="r1")
                late["response_id"] = [str(uuid.uuid4()) for _ in range(len(late))]
                storage.import_responses(late, round_id="r1")
        except Exception as exc:  # reported below
            errors.append(exc)

    t = threading.Thread(target=write)
    t.start()
    time.sleep(0.5)
    storage.erase_insertion_order()  # waits for the writer, then rewrites both tables
    t.join(60)
    assert not errors, errors
    monkeypatch.undo()
    assert storage.count_responses() == (21 if writer == "submission" else 35)
    _equal(storage.answer_counts(), _recount(storage.load_responses()))
    assert set(storage.stored_counts()["shard"]) == {"0"}
