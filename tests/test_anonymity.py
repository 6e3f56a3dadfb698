"""Nothing in the database links an access code to the response it unlocked.

The test submits responses with codes in a known order and then tries every
route a database reader has: shared columns, time columns, row ids, physical
row order, PostgreSQL transaction ids (xmin) and row positions (ctid), and the
order of load and export.  Every route must come up empty: the only order left
is the order of the random UUIDs.
"""

from __future__ import annotations

import random
import re
import uuid

import pytest
import sqlalchemy as sa
from db_fixtures import random_answers

from analysis import contract
from analysis.io import read_responses

TABLE_COLUMNS = {
    "alembic_version": ["version_num"],
    "rounds": [
        "id",
        "name",
        "gis",
        "respondent_types",
        "opens",
        "closes",
        "access",
        "questionnaire_version",
        "closed",
        "languages",
        "archived",
        "easy_read",  # migration 0008_variant (issue 12): the round offers the easy-read version
    ],
    "access_codes": ["code_hash", "round_id"],
    # migration 0004 (issue 11): dates per institution; letters made per group, counts only
    "round_gis": ["round_id", "gi", "opens", "closes", "national"],
    "code_batches": ["batch_id", "round_id", "gi", "respondent_type", "kind", "n_letters", "issued_week"],
    "unused_codes": ["code_hash"],
    "submission_tokens": ["token_hash", "round_id"],
    # + the optional contract 1.1 column: which version was answered (a code, never a time)
    "responses": [*contract.COLUMNS, contract.VARIANT_COLUMN],
    "app_meta": ["key", "value"],  # the access-code key's fingerprint; nothing about responses
    # staff tables (accounts, audit log): nothing about respondents, see
    # test_anonymity_staff_tables_hold_nothing_of_respondents
    "users": [
        "name",
        "role",
        "gi",
        "password_hash",
        "must_change",
        "failed_attempts",
        "locked_until",
        "session_version",
    ],
    "audit_log": ["id", "at", "actor", "action", "target", "detail"],
    # migration 0006_drafts (issue 10): answers in progress under a hashed browser token, no code;
    # expires_at is a whole hour at most a day ahead (test_drafts_store_no_code_and_only_a_whole_hour)
    "drafts": ["token_hash", "round_id", "expires_at", "data"],
    # migration 0009_frozen_table (issue 9 H5): which cells a round's table hid at close; keys, no sizes, no time
    "frozen_tables": ["round_id", "n_cells", "cells"],
    # migration 0010_frozen_members (issue 9): which responses a round's released table holds (no time,
    # no code), and the hidden cells of the families built on demand
    "frozen_members": ["response_id", "round_id"],
    "frozen_families": ["round_id", "family", "n_cells", "cells"],
    # migration 0011_answer_counts (issue 10): each round's answers counted per selection and pair of
    # questions (held: added after the round's table was released; shard: one of 8 copies of a counter
    # row, picked at random per submission on PostgreSQL); counts, no response id, no time
    "answer_counts": [
        "round_id",
        "gi",
        "respondent_type",
        "measure_type",
        "column",
        "code",
        "column_2",
        "code_2",
        "held",
        "shard",
        "n",
    ],
}
#: the only exact times in the database: staff actions, never respondents'
STAFF_TIMES = {("users", "locked_until"), ("audit_log", "at")}
#: a draft's expiry: a whole hour, deleted with the draft (tests/test_drafts.py pins this)
DRAFT_TIMES = {("drafts", "expires_at")}
N = 40


@pytest.fixture
def used_in_order(storage):
    """A codes round where N codes were used in a known order: (round, codes, ids in submission order)."""
    return _use_codes_in_order(storage)


def _use_codes_in_order(storage):
    info, codes = storage.create_round(name="anon", gis=["JBG", "JBN"], access="codes", n_codes=N + 5)
    ids = []
    rng = random.Random(42)
    for i, code in enumerate(codes[:N]):
        ids.append(
            storage.submit_response(
                info.id,
                random_answers(rng, comment=f"antwoord {i}"),
                gi="JBG" if i % 2 else "JBN",
                respondent_type="ouder",
                code=code,
                submission_token=uuid.uuid4().hex,
            )
        )
    assert ids != sorted(ids)  # chance 1/40!: the submission order is not the UUID order
    return info, codes, ids


def _scan(conn, sql):
    return [tuple(r) for r in conn.exec_driver_sql(sql).all()]


def test_anonymity_tables_and_columns_are_exactly_these(storage):
    insp = sa.inspect(storage.engine)
    assert sorted(insp.get_table_names()) == sorted(TABLE_COLUMNS)
    for table, cols in TABLE_COLUMNS.items():
        assert [c["name"] for c in insp.get_columns(table)] == cols, table


def test_anonymity_no_column_holds_a_time_finer_than_a_week(storage, used_in_order):
    insp = sa.inspect(storage.engine)
    for table in TABLE_COLUMNS:
        for col in insp.get_columns(table):
            t = col["type"]
            if (table, col["name"]) in STAFF_TIMES | DRAFT_TIMES:
                continue
            assert not isinstance(t, (sa.DateTime, sa.Time, sa.Interval)), (table, col["name"])
            assert "TIME" not in str(t).upper(), (table, col["name"])
            if isinstance(t, sa.Date):
                # only the organiser's opening and closing day of a round
                assert (table, col["name"]) in {
                    ("rounds", "opens"),
                    ("rounds", "closes"),
                    ("round_gis", "opens"),
                    ("round_gis", "closes"),
                }
    weeks = storage.load_responses()["submitted_week"]
    assert weeks.str.fullmatch(r"\d{4}-W\d{2}").all()


def test_anonymity_no_defaults_sequences_or_integer_keys(storage):
    insp = sa.inspect(storage.engine)
    for table in TABLE_COLUMNS:
        pk = insp.get_pk_constraint(table)["constrained_columns"]
        for col in insp.get_columns(table):
            if table == "rounds" and col["name"] in ("closed", "archived", "languages", "easy_read"):
                continue  # server defaults false / 'nl,en' / true
            assert col.get("default") is None, (table, col["name"], col.get("default"))
        if table != "alembic_version":
            assert not any(isinstance(c["type"], sa.Integer) for c in insp.get_columns(table) if c["name"] in pk)
    assert insp.get_pk_constraint("responses")["constrained_columns"] == ["response_id"]
    with storage.engine.connect() as conn:
        if storage.dialect == "postgresql":
            assert (
                conn.exec_driver_sql(
                    "SELECT count(*) FROM information_schema.sequences WHERE sequence_schema = current_schema()"
                ).scalar()
                == 0
            )
        else:
            for table in (
                "responses",
                "access_codes",
                "unused_codes",
                "submission_tokens",
                "rounds",
                "round_gis",
                "code_batches",
                "users",
                "audit_log",
                "drafts",
            ):
                sql = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).scalar()
                assert sql.rstrip().upper().endswith("WITHOUT ROWID"), table
                with pytest.raises(sa.exc.OperationalError, match="rowid"):
                    conn.exec_driver_sql(f"SELECT rowid FROM {table}")
            assert (
                conn.exec_driver_sql("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_sequence'").scalar() == 0
            )


def test_anonymity_code_tables_share_nothing_with_responses(storage, used_in_order):
    info, codes, ids = used_in_order
    insp = sa.inspect(storage.engine)
    response_cols = {c["name"] for c in insp.get_columns("responses")}
    for table in ("access_codes", "unused_codes", "submission_tokens"):
        shared = response_cols & {c["name"] for c in insp.get_columns(table)}
        assert shared <= {"round_id"}, table
        fks = insp.get_foreign_keys(table)
        assert all(fk["referred_table"] != "responses" for fk in fks)
    assert all(fk["referred_table"] == "rounds" for fk in insp.get_foreign_keys("responses"))
    with storage.engine.connect() as conn:
        # the shared column carries one value for every code and response of the round
        assert _scan(conn, "SELECT DISTINCT round_id FROM access_codes") == [(info.id,)]
        assert _scan(conn, "SELECT DISTINCT round_id FROM responses") == [(info.id,)]
        # used codes are simply absent from unused_codes: no flag, time or counter left behind
        assert conn.exec_driver_sql("SELECT count(*) FROM unused_codes").scalar() == 5
        code_hashes = {r[0] for r in _scan(conn, "SELECT code_hash FROM access_codes")}
        every_value = {
            str(v) for t in ("responses", "rounds") for row in _scan(conn, f"SELECT * FROM {t}") for v in row
        }
    assert not code_hashes & every_value
    assert all(storage.check_code(info.id, c) == "used" for c in codes[:N])


def test_anonymity_letter_batches_hold_counts_not_codes(storage):
    """Codes made per institution and respondent type (issue 11) stay per round in access_codes:
    the batch row holds a count, no code, no hash, and no key into access_codes or responses."""
    info = storage.setup_round(name="brieven", gis=["JBG", "JBN"], access="codes")
    codes = storage.issue_codes(info.id, "JBG", "ouder", 12) + storage.issue_codes(info.id, "JBN", "jeugdige", 3)
    insp = sa.inspect(storage.engine)
    assert {fk["referred_table"] for fk in insp.get_foreign_keys("code_batches")} == {"rounds"}
    assert "code_hash" not in {c["name"] for c in insp.get_columns("code_batches")}
    with storage.engine.connect() as conn:
        batch_values = {str(v) for row in _scan(conn, "SELECT * FROM code_batches") for v in row}
        code_rows = _scan(conn, "SELECT code_hash, round_id FROM access_codes")
    assert len(code_rows) == 15 and {r[1] for r in code_rows} == {info.id}
    assert not batch_values & {r[0] for r in code_rows}
    assert not batch_values & set(codes)
    # using a code changes nothing in the batches (no used counter per group)
    storage.submit_response(
        info.id,
        random_answers(random.Random(1)),
        gi="JBG",
        respondent_type="ouder",
        code=codes[0],
        submission_token=uuid.uuid4().hex,
    )
    with storage.engine.connect() as conn:
        assert {str(v) for row in _scan(conn, "SELECT * FROM code_batches") for v in row} == batch_values


def test_anonymity_staff_tables_hold_nothing_of_respondents(storage, used_in_order):
    from survey_app.auth import accounts, actions

    info, codes, ids = used_in_order
    # staff actions around the round: an account, a sign-in, an export, closing the round
    accounts.add_user(storage, "beheer", role="beheerder", password="een-lang-wachtwoord-1", actor="test")
    assert accounts.sign_in(storage, "beheer", "een-lang-wachtwoord-1").ok
    accounts.audit(storage, "beheer", "export", "antwoorden.csv", "round_id=" + info.id)
    actions.close_round(storage, info.id, actor="beheer")
    insp = sa.inspect(storage.engine)
    response_cols = {c["name"] for c in insp.get_columns("responses")}
    for table in ("users", "audit_log"):
        # only a staff account's institution code has a name in common with responses
        assert response_cols & {c["name"] for c in insp.get_columns(table)} <= {"gi"}, table
        assert insp.get_foreign_keys(table) == [], table
    with storage.engine.connect() as conn:
        staff_values = {
            str(v) for t in ("users", "audit_log") for row in _scan(conn, f"SELECT * FROM {t}") for v in row
        }
        code_hashes = {r[0] for r in _scan(conn, "SELECT code_hash FROM access_codes")}
        n_audit = conn.exec_driver_sql("SELECT count(*) FROM audit_log").scalar()
    joined = " ".join(staff_values)
    assert not any(rid in joined for rid in ids)  # no response id
    assert not any(h in joined for h in code_hashes) and not any(c in joined for c in codes)  # no code
    # the 40 submissions left no trace: only the 4 staff actions are logged
    assert n_audit == 4


def test_anonymity_stored_order_is_uuid_order(storage, used_in_order, tmp_path):
    info, _, ids = used_in_order
    if storage.dialect == "postgresql":
        storage.erase_insertion_order()  # PostgreSQL stores in arrival order until this runs
    with storage.engine.connect() as conn:
        scan = [r[0] for r in _scan(conn, "SELECT response_id FROM responses")]
    assert scan == sorted(ids)
    assert storage.load_responses()["response_id"].tolist() == sorted(ids)
    for fmt in ("csv", "xlsx"):
        path = storage.export_responses(round_id=info.id, path=tmp_path / f"export.{fmt}")
        back, report = read_responses(path)
        assert report.ok
        assert back["response_id"].tolist() == sorted(ids), fmt
    # rank of a response in any order we can observe says nothing about when its code was used
    comments = storage.load_responses()["comment_grade"].tolist()
    submitted = [f"antwoord {i}" for i in range(N)]
    assert comments == [submitted[ids.index(r)] for r in sorted(ids)] != submitted


@pytest.mark.postgres
def test_anonymity_postgres_transaction_ids_do_not_link_codes(postgres_storage):
    """xmin (transaction id) and ctid (row position) are PostgreSQL's hidden columns."""
    storage = postgres_storage
    info, _, ids = _use_codes_in_order(storage)
    with storage.engine.connect() as conn:
        code_xmins = {r[0] for r in _scan(conn, "SELECT xmin::text FROM access_codes")}
        resp_xmins = {r[0] for r in _scan(conn, "SELECT xmin::text FROM responses")}
        # code rows are never touched after the round is made: one creating transaction
        assert len(code_xmins) == 1
        assert not code_xmins & resp_xmins
    assert len(resp_xmins) == N  # before the clean-up each submission has its own transaction id
    with storage.engine.connect() as conn:  # and the counter rows carry the transactions of submissions
        assert {r[0] for r in _scan(conn, "SELECT xmin::text FROM answer_counts")} <= resp_xmins
    storage.erase_insertion_order()
    with storage.engine.connect() as conn:
        rows = _scan(conn, "SELECT xmin::text, ctid::text, response_id FROM responses")
        assert len({x for x, _, _ in rows}) == 1  # one transaction id for all
        by_ctid = sorted(rows, key=lambda r: tuple(int(p) for p in re.findall(r"\d+", r[1])))
        assert [r[2] for r in by_ctid] == sorted(ids)
        assert conn.exec_driver_sql("SELECT count(*) FROM unused_codes").scalar() == 5
        # the aggregate's counter rows (issue 10) were updated by the submissions too: rewritten in one transaction
        count_xmins = {r[0] for r in _scan(conn, "SELECT xmin::text FROM answer_counts")}
        assert count_xmins == {x for x, _, _ in rows}
    assert storage.count_responses(info.id) == N


def test_anonymity_close_round_forgets_tokens_and_reorders(storage, used_in_order):
    info, _, ids = used_in_order
    with storage.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM submission_tokens").scalar() == N
    storage.close_round(info.id)
    with storage.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM submission_tokens").scalar() == 0
        assert [r[0] for r in _scan(conn, "SELECT response_id FROM responses")] == sorted(ids)
        if storage.dialect == "postgresql":
            assert conn.exec_driver_sql("SELECT count(DISTINCT xmin::text) FROM responses").scalar() == 1
    assert storage.count_responses(info.id) == N


def test_anonymity_sqlite_file_has_no_wal_left_after_clean_up(sqlite_storage):
    storage = sqlite_storage
    _use_codes_in_order(storage)
    storage.erase_insertion_order()
    wal = storage._sqlite_path.with_name(storage._sqlite_path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
