"""survey_app.storage on a real SQLite file and a real PostgreSQL schema (see db_fixtures)."""

from __future__ import annotations

import datetime as dt
import random
import re
import uuid

import pandas as pd
import pytest
import sqlalchemy as sa
from db_fixtures import TEST_SECRET, random_answers

from analysis import contract
from analysis.io import read_responses, write_responses
from sample_data.generator import generate
from survey_app.storage import (
    CodeAlreadyUsed,
    DuplicateSubmission,
    ImportRejected,
    InvalidAnswers,
    InvalidCode,
    RoundNotFound,
    RoundNotOpen,
    Storage,
    StorageError,
)
from survey_app.storage import engine as st_engine
from survey_app.storage import schema as st_schema
from survey_app.storage.errors import SecretKeyMismatch

UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
TODAY = dt.date(2025, 3, 12)  # a Wednesday in ISO week 2025-W11


def _submit(s, round_id, answers=None, *, gi="JBG", respondent_type="ouder", code=None, token=None, today=TODAY):
    return s.submit_response(
        round_id,
        answers if answers is not None else random_answers(random.Random(1)),
        gi=gi,
        respondent_type=respondent_type,
        code=code,
        submission_token=token or uuid.uuid4().hex,
        today=today,
    )


def _open_round(s, **kw):
    kw.setdefault("name", "Ronde test")
    kw.setdefault("gis", ("JBG", "JBN"))
    info, _ = s.create_round(**kw)
    return info


def _demo_frame(n=60, seed=3, round_id="r1"):
    return generate(n, seed=seed, round_id=round_id)


# --------------------------------------------------------------------------- schema and set-up


def test_storage_migrates_fresh_database_to_head(storage):
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(storage.alembic_config()).get_current_head()
    assert head == "0011_answer_counts"
    assert storage.schema_revision() == head


def test_storage_schema_matches_models(storage):
    """The migrations create exactly what the SQLAlchemy models describe."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with storage.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), st_schema.Base.metadata)
    assert diff == []


def test_storage_migration_0002_widens_gi_and_keeps_rows(db_url):
    """A database made at 0001 (gi VARCHAR(10)) with a stored response upgrades to head
    with the row intact and then takes a contract 1.1 code of 20 characters."""
    s = Storage(db_url, migrate=False, secret_key=TEST_SECRET)
    try:
        s.migrate("0001_initial")
        with s.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO rounds (id, name, gis, respondent_types, access, questionnaire_version, closed) "
                    "VALUES ('r0', 'oud', 'JBG', 'ouder,jeugdige', 'open', 'gi-clientervaring@1', :f)"
                ),
                {"f": False},
            )
            conn.execute(
                sa.text(
                    "INSERT INTO responses (response_id, round_id, gi, respondent_type, submitted_week, grade) "
                    "VALUES ('3f2b8c1e-9d4a-4e6b-8a2f-0c5d7e9b1a34', 'r0', 'JBG', 'ouder', '2025-W11', 7)"
                )
            )
        s.migrate()
        assert s.schema_revision() == "0011_answer_counts"
        df = s.load_responses(round_ids="r0")
        assert list(df["gi"]) == ["JBG"] and list(df["grade"]) == [7]
        info = _open_round(s, gis=["A" * 20, "GI_A"])
        _submit(s, info.id, gi="A" * 20)
        assert list(s.load_responses(round_ids=info.id)["gi"]) == ["A" * 20]
    finally:
        s.dispose()


def test_storage_create_round_accepts_contract_1_1_gi_codes(storage):
    info = _open_round(storage, gis=["GI_A", "jb-west", "A" * 20])
    assert info.gis == ("GI_A", "jb-west", "A" * 20)
    _submit(storage, info.id, gi="jb-west")
    _submit(storage, info.id, gi="A" * 20)
    assert sorted(storage.load_responses(round_ids=info.id)["gi"]) == ["A" * 20, "jb-west"]


@pytest.mark.parametrize("gi", ["-JB", "_A", "A" * 21, "JB.RA"])
def test_storage_create_round_refuses_codes_outside_contract_1_1(storage, gi):
    with pytest.raises(StorageError, match="1 to 20 letters, digits, _ or -"):
        storage.create_round(name="x", gis=[gi])


def test_storage_migration_twice_keeps_data(make_storage):
    s1 = make_storage()
    info = _open_round(s1)
    _submit(s1, info.id)
    s2 = make_storage()  # runs upgrade head again
    assert s2.count_responses(info.id) == 1
    assert s2.get_round(info.id) == info


def test_storage_migrate_false_does_not_touch_database(db_url):
    s = Storage(db_url, migrate=False, secret_key=TEST_SECRET)
    try:
        assert s.schema_revision() is None
        assert sa.inspect(s.engine).get_table_names() == []
    finally:
        s.dispose()


def test_storage_sqlite_pragmas_on_every_connection(tmp_path, survey_env):
    s = Storage(f"sqlite:///{tmp_path / 'p.sqlite'}")
    conns = [s.engine.connect() for _ in range(3)]  # three distinct pooled connections
    try:
        for c in conns:
            assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert c.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
            assert c.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
    finally:
        for c in conns:
            c.close()
        s.dispose()


def test_storage_enforces_foreign_keys(storage):
    with pytest.raises(sa.exc.IntegrityError):
        with storage.engine.begin() as conn:
            conn.execute(sa.insert(st_schema.codes_table).values(code_hash="x" * 64, round_id="no-such-round"))


def test_storage_default_url_is_sqlite_in_survey_data_dir(survey_env, monkeypatch):
    data = survey_env / "nested" / "data"
    monkeypatch.setenv("SURVEY_DATA_DIR", str(data))
    s = Storage()
    try:
        assert s.dialect == "sqlite"
        assert (data / "survey.sqlite").exists()
        assert s.url.endswith(str(data / "survey.sqlite"))
    finally:
        s.dispose()


def test_storage_database_url_from_environment(survey_env, monkeypatch):
    target = survey_env / "elsewhere.sqlite"
    monkeypatch.setenv("SURVEY_DATABASE_URL", f"sqlite:///{target}")
    s = Storage()
    try:
        assert target.exists()
        assert not (survey_env / "data" / "survey.sqlite").exists()
    finally:
        s.dispose()


def test_storage_url_normalises_postgres_driver():
    assert st_engine._normalise_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    assert st_engine._normalise_url("postgres://u@h/db").drivername == "postgresql+psycopg"
    with pytest.raises(StorageError, match="unsupported"):
        st_engine._normalise_url("mysql://u@h/db")


def test_storage_reports_dialect(storage, db_url):
    assert storage.dialect == ("sqlite" if db_url.startswith("sqlite") else "postgresql")


# --------------------------------------------------------------------------- rounds


def test_create_round_returns_info_and_random_id(storage):
    a, codes = storage.create_round(
        name="  Voorjaar 2025 ", gis=["JBRA", "WSS"], opens=dt.date(2025, 3, 1), closes=dt.date(2025, 4, 1)
    )
    b, _ = storage.create_round(name="Najaar", gis="JBG")
    assert codes == []
    assert a.name == "Voorjaar 2025" and a.gis == ("JBRA", "WSS") and a.respondent_types == ("ouder", "jeugdige")
    assert (a.opens, a.closes, a.access, a.closed) == (dt.date(2025, 3, 1), dt.date(2025, 4, 1), "open", False)
    assert a.questionnaire_version == "gi-clientervaring@1"
    for r in (a, b):
        assert re.fullmatch(r"[a-z2-9]{10}", r.id)
    assert a.id != b.id
    assert storage.get_round(a.id) == a
    assert {r.id for r in storage.list_rounds()} == {a.id, b.id}


def test_create_round_accepts_given_id_once(storage):
    info, _ = storage.create_round(name="X", gis=["JBG"], round_id="ronde-2025.1")
    assert info.id == "ronde-2025.1"
    with pytest.raises(StorageError, match="already exists"):
        storage.create_round(name="Y", gis=["JBG"], round_id="ronde-2025.1")


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(name="", gis=["JBG"]), "name"),
        (dict(name="x", gis=[]), "gis"),
        (dict(name="x", gis=["JB G"]), "gis"),
        (dict(name="x", gis=["JBG"], respondent_types=["kind"]), "respondent_types"),
        (dict(name="x", gis=["JBG"], respondent_types=[]), "respondent_types"),
        (dict(name="x", gis=["JBG"], opens=dt.date(2025, 5, 1), closes=dt.date(2025, 4, 1)), "before"),
        (dict(name="x", gis=["JBG"], access="secret"), "access"),
        (dict(name="x", gis=["JBG"], access="open", n_codes=3), "codes"),
        (dict(name="x", gis=["JBG"], round_id="../etc"), "round_id"),
        (dict(name="x", gis=["JBG"], opens="1 maart"), "opens"),
    ],
)
def test_create_round_rejects_bad_input(storage, kwargs, message):
    with pytest.raises(StorageError, match=message):
        storage.create_round(**kwargs)
    assert storage.list_rounds() == []


def test_get_round_unknown_raises(storage):
    with pytest.raises(RoundNotFound):
        storage.get_round("nope")
    with pytest.raises(RoundNotFound):
        storage.close_round("nope")


def test_list_rounds_newest_opening_first(storage):
    for name, opens in (("b", dt.date(2024, 1, 1)), ("a", None), ("c", dt.date(2025, 1, 1))):
        storage.create_round(name=name, gis=["JBG"], opens=opens)
    assert [r.name for r in storage.list_rounds()] == ["c", "b", "a"]


def test_round_status_follows_dates_and_closed_flag(storage):
    info = _open_round(storage, opens=dt.date(2025, 3, 1), closes=dt.date(2025, 3, 31))
    status = lambda day: storage.round_status(info.id, today=day)  # noqa: E731
    assert status(dt.date(2025, 2, 28)) == "not_yet_open"
    assert status(dt.date(2025, 3, 1)) == "open"
    assert status(dt.date(2025, 3, 31)) == "open"  # closing day included
    assert status(dt.date(2025, 4, 1)) == "closed"
    storage.close_round(info.id)
    assert status(dt.date(2025, 3, 15)) == "closed"
    assert storage.round_status("nope") == "unknown"


def test_close_round_stops_submissions(storage):
    info = _open_round(storage)
    _submit(storage, info.id)
    closed = storage.close_round(info.id)
    assert closed.closed and storage.get_round(info.id).closed
    with pytest.raises(RoundNotOpen) as exc:
        _submit(storage, info.id)
    assert exc.value.status == "closed"
    assert storage.count_responses(info.id) == 1


def test_submit_before_opening_raises_not_yet_open(storage):
    info = _open_round(storage, opens=dt.date(2025, 4, 1))
    with pytest.raises(RoundNotOpen) as exc:
        _submit(storage, info.id, today=dt.date(2025, 3, 31))
    assert exc.value.status == "not_yet_open"
    assert storage.count_responses() == 0


def test_submit_unknown_round_raises(storage):
    with pytest.raises(RoundNotFound):
        _submit(storage, "nope")


# --------------------------------------------------------------------------- codes


def test_codes_round_issues_distinct_formatted_codes(storage):
    info, codes = storage.create_round(name="c", gis=["JBG"], access="codes", n_codes=25)
    assert info.access == "codes" and len(codes) == len(set(codes)) == 25
    assert all(re.fullmatch(r"[34679ACDEFGHJKMNPQRTUVWXY]{5}-[34679ACDEFGHJKMNPQRTUVWXY]{5}", c) for c in codes)
    assert storage.count_codes(info.id) == {"issued": 25, "unused": 25, "used": 0}
    assert all(storage.check_code(info.id, c) == "valid" for c in codes)


def test_codes_are_stored_only_as_keyed_hashes(storage):
    from survey_app.storage.codes import hash_code

    info, codes = storage.create_round(name="c", gis=["JBG"], access="codes", n_codes=5)
    with storage.engine.connect() as conn:
        stored = set(conn.execute(sa.select(st_schema.codes_table.c.code_hash)).scalars())
        dump = " ".join(
            str(v)
            for t in st_schema.Base.metadata.sorted_tables
            for row in conn.execute(sa.select(t)).all()
            for v in row
        )
    assert stored == {hash_code(c, TEST_SECRET.encode()) for c in codes}
    for c in codes:
        assert c not in dump and c.replace("-", "") not in dump


def test_check_code_normalises_case_spaces_and_dashes(storage):
    info, (code,) = storage.create_round(name="c", gis=["JBG"], access="codes", n_codes=1)
    raw = code.replace("-", "")
    for typed in (code, code.lower(), f"  {raw[:3]} {raw[3:7]}-{raw[7:]} ", raw.lower()):
        assert storage.check_code(info.id, typed) == "valid", typed
    for typed in ("", "ABCDE", raw + "X", "00000-00000", None):
        assert storage.check_code(info.id, typed) == "invalid"


def test_check_code_of_other_round_is_invalid(storage):
    a, (code_a,) = storage.create_round(name="a", gis=["JBG"], access="codes", n_codes=1)
    b, _ = storage.create_round(name="b", gis=["JBG"], access="codes", n_codes=1)
    assert storage.check_code(b.id, code_a) == "invalid"
    with pytest.raises(InvalidCode):
        _submit(storage, b.id, code=code_a)
    assert storage.check_code(a.id, code_a) == "valid"


def test_code_is_usable_once(storage):
    info, (code,) = storage.create_round(name="c", gis=["JBG"], access="codes", n_codes=1)
    rid = _submit(storage, info.id, code=code.lower())
    assert UUID4.fullmatch(rid)
    assert storage.check_code(info.id, code) == "used"
    with pytest.raises(CodeAlreadyUsed):
        _submit(storage, info.id, code=code)
    assert storage.count_responses(info.id) == 1
    assert storage.count_codes(info.id) == {"issued": 1, "unused": 0, "used": 1}


def test_codes_round_requires_a_valid_code(storage):
    info, _ = storage.create_round(name="c", gis=["JBG"], access="codes", n_codes=2)
    for bad in (None, "", "ABCDE-FGHJK", "not a code"):
        with pytest.raises(InvalidCode):
            _submit(storage, info.id, code=bad)
    assert storage.count_responses() == 0


def test_failed_submission_leaves_code_unused(storage):
    info, (code,) = storage.create_round(name="c", gis=["JBG"], access="codes", n_codes=1)
    bad = random_answers(random.Random(2)) | {"grade": 11}
    with pytest.raises(InvalidAnswers):
        _submit(storage, info.id, bad, code=code)
    with pytest.raises(InvalidAnswers):
        _submit(storage, info.id, code=code, gi="WSS")
    assert storage.check_code(info.id, code) == "valid"
    _submit(storage, info.id, code=code)
    assert storage.check_code(info.id, code) == "used"


def test_codes_depend_on_the_secret_key(make_storage):
    s1 = make_storage()
    info, (code,) = s1.create_round(name="c", gis=["JBG"], access="codes", n_codes=1)
    # another key would turn every code "invalid": refused at start, and at first use without migrating
    with pytest.raises(SecretKeyMismatch, match="the secret_key given to Storage"):
        make_storage(secret_key="another-secret-key-of-32-characters")
    s2 = make_storage(secret_key="another-secret-key-of-32-characters", migrate=False)
    with pytest.raises(SecretKeyMismatch):
        s2.check_code(info.id, code)
    with pytest.raises(SecretKeyMismatch):
        s2.add_codes(info.id, 1)
    assert s1.check_code(info.id, code) == "valid"


def test_add_codes_extends_a_codes_round(storage):
    info, first = storage.create_round(name="c", gis=["JBG"], access="codes", n_codes=2)
    more = storage.add_codes(info.id, 3)
    assert len(set(first + more)) == 5
    assert all(storage.check_code(info.id, c) == "valid" for c in more)
    open_round = _open_round(storage)
    with pytest.raises(StorageError, match="no codes"):
        storage.add_codes(open_round.id, 1)


def test_open_round_ignores_code(storage):
    info = _open_round(storage)
    _submit(storage, info.id, code="whatever")
    assert storage.count_responses(info.id) == 1


# --------------------------------------------------------------------------- submissions


def test_submit_response_stores_exactly_the_answers(storage):
    info = _open_round(storage)
    ans = random_answers(random.Random(7), comment="Prima, dank u")
    rid = _submit(storage, info.id, ans, gi="JBN", respondent_type="jeugdige")
    df = storage.load_responses()
    assert len(df) == 1
    row = df.iloc[0]
    assert row["response_id"] == rid and UUID4.fullmatch(rid)
    assert (row["round_id"], row["gi"], row["respondent_type"], row["submitted_week"]) == (
        info.id,
        "JBN",
        "jeugdige",
        "2025-W11",
    )
    for c in contract.ITEM_COLUMNS:
        expected = ans[c]
        assert pd.isna(row[c]) if expected is None else row[c] == expected, c


@pytest.mark.parametrize(
    "day, week",
    [
        (dt.date(2021, 1, 3), "2020-W53"),  # Sunday of the last ISO week of 2020
        (dt.date(2024, 12, 30), "2025-W01"),  # Monday already in ISO year 2025
        (dt.date(2025, 3, 12), "2025-W11"),
    ],
)
def test_submit_response_records_iso_week_only(storage, day, week):
    info = _open_round(storage)
    _submit(storage, info.id, today=day)
    assert storage.load_responses()["submitted_week"].tolist() == [week]


def test_submit_response_accepts_numbers_as_text(storage):
    info = _open_round(storage)
    ans = random_answers(random.Random(3)) | {"n_workers": "3", "grade": " 8 "}
    _submit(storage, info.id, ans)
    row = storage.load_responses().iloc[0]
    assert (row["n_workers"], row["grade"]) == (3, 8)


def test_submit_response_leaves_unanswered_items_empty(storage):
    info = _open_round(storage)
    ans = {"measure_type": "ots", "n_workers": 2, "grade": 6, "had_gap": "", "opinion_asked": None}
    _submit(storage, info.id, ans)
    row = storage.load_responses().iloc[0]
    assert row["measure_type"] == "ots" and row["grade"] == 6
    assert row[["had_gap", "opinion_asked", "quality_clear", "comment_grade"]].isna().all()


def test_submit_response_drops_answers_to_hidden_items(storage):
    """n_workers = 0 hides the quality items and contact_one_on_one (questionnaire show_if)."""
    info = _open_round(storage)
    ans = random_answers(random.Random(4)) | {"n_workers": 0}
    _submit(storage, info.id, ans)
    row = storage.load_responses().iloc[0]
    assert row["n_workers"] == 0
    assert row[list(contract.QUALITY_ITEMS) + ["contact_one_on_one"]].isna().all()
    assert row["measure_type"] == ans["measure_type"]


@pytest.mark.parametrize(
    "change, fragment",
    [
        ({"measure_type": "OTS"}, "measure_type"),
        ({"had_gap": "misschien"}, "had_gap"),
        ({"grade": 0}, "grade"),
        ({"grade": 7.5}, "grade"),
        ({"grade": True}, "grade"),
        ({"n_workers": 7}, "n_workers"),
        ({"n_workers": "twee"}, "n_workers"),
        ({"grade": None}, "required"),
        ({"measure_type": None}, "required"),
        ({"favourite_colour": "blue"}, "unknown items"),
        ({"comment_improve": "x" * 1001}, "comment_improve"),
        ({"quality_clear": 1}, "quality_clear"),
    ],
)
def test_submit_response_rejects_bad_answers(storage, change, fragment):
    info = _open_round(storage)
    ans = random_answers(random.Random(5)) | change
    with pytest.raises(InvalidAnswers, match=fragment) as exc:
        _submit(storage, info.id, ans)
    assert exc.value.problems
    assert storage.count_responses() == 0


@pytest.mark.parametrize("gi, rtype, fragment", [("WSS", "ouder", "gi"), ("JBG", "kind", "respondent_type")])
def test_submit_response_rejects_gi_or_type_outside_round(storage, gi, rtype, fragment):
    info = _open_round(storage)
    with pytest.raises(InvalidAnswers, match=fragment):
        _submit(storage, info.id, gi=gi, respondent_type=rtype)
    only_parents = _open_round(storage, respondent_types=("ouder",))
    with pytest.raises(InvalidAnswers, match="respondent_type"):
        _submit(storage, only_parents.id, respondent_type="jeugdige")
    assert storage.count_responses() == 0


def test_submit_response_scrubs_free_text(storage):
    info = _open_round(storage)
    ans = random_answers(random.Random(6)) | {
        "comment_grade": "Bel mij: 06-12345678 of mail jan@example.nl",
        "comment_improve": "Mijn IBAN is NL91ABNA0417164300, cijfer 7",
    }
    _submit(storage, info.id, ans)
    row = storage.load_responses().iloc[0]
    assert row["comment_grade"] == "Bel mij: [verwijderd] of mail [verwijderd]"
    assert row["comment_improve"] == "Mijn IBAN is [verwijderd], cijfer 7"
    with storage.engine.connect() as conn:
        raw = conn.execute(
            sa.select(st_schema.responses_table.c.comment_grade, st_schema.responses_table.c.comment_improve)
        ).one()
    assert "06-12345678" not in " ".join(raw) and "NL91" not in " ".join(raw)


def test_submit_response_replaces_names_and_places_before_storing(storage):
    info = _open_round(storage)
    ans = random_answers(random.Random(7)) | {"comment_grade": "Mijn werker heet Jan de Vries, ik woon in Utrecht"}
    _submit(storage, info.id, ans)
    assert storage.load_responses().iloc[0]["comment_grade"] == "Mijn werker heet [PERSOON-1], ik woon in [LOCATIE-1]"


def test_submit_response_same_token_stores_once(storage):
    info = _open_round(storage)
    _submit(storage, info.id, token="form-123")
    with pytest.raises(DuplicateSubmission):
        _submit(storage, info.id, token="form-123")
    assert storage.count_responses() == 1
    with storage.engine.connect() as conn:
        tokens = conn.execute(sa.select(st_schema.tokens_table.c.token_hash)).scalars().all()
    assert tokens and "form-123" not in tokens


def test_submit_response_duplicate_token_wins_over_used_code(storage):
    """A resent form of a submission that used a code reports a duplicate, not a used code."""
    info, (code,) = storage.create_round(name="c", gis=["JBG"], access="codes", n_codes=1)
    _submit(storage, info.id, code=code, token="t")
    with pytest.raises(DuplicateSubmission):
        _submit(storage, info.id, code=code, token="t")


def test_submit_response_token_of_failed_submission_can_be_retried(storage):
    info, (code,) = storage.create_round(name="c", gis=["JBG"], access="codes", n_codes=1)
    with pytest.raises(InvalidCode):
        _submit(storage, info.id, code="AAAAA-AAAAA", token="t")
    _submit(storage, info.id, code=code, token="t")
    assert storage.count_responses() == 1


def test_submit_response_needs_a_token(storage):
    info = _open_round(storage)
    with pytest.raises(StorageError, match="token"):
        storage.submit_response(info.id, random_answers(), gi="JBG", respondent_type="ouder", submission_token="  ")


# --------------------------------------------------------------------------- loading


def test_load_responses_is_canonical_and_ordered_by_response_id(storage):
    from analysis.frame import canonical_frame

    info = _open_round(storage)
    ids = [_submit(storage, info.id, random_answers(random.Random(i))) for i in range(12)]
    df = storage.load_responses()
    assert df["response_id"].tolist() == sorted(ids)
    assert list(df.columns) == list(contract.COLUMNS)
    pd.testing.assert_frame_equal(df, canonical_frame(df))
    assert str(df["grade"].dtype) == "Int64" and isinstance(df["gi"].dtype, pd.StringDtype)


def test_load_responses_filters_rounds_and_gis(storage):
    a = _open_round(storage, gis=("JBG", "JBN"))
    b = _open_round(storage, gis=("JBG",))
    _submit(storage, a.id, gi="JBG")
    _submit(storage, a.id, gi="JBN")
    _submit(storage, b.id, gi="JBG")
    assert len(storage.load_responses()) == 3
    assert len(storage.load_responses(round_ids=[a.id])) == 2
    assert len(storage.load_responses(round_ids=a.id, gis="JBN")) == 1
    assert len(storage.load_responses(gis=["JBG"])) == 2
    assert len(storage.load_responses(round_ids=[])) == 0
    assert storage.count_responses(a.id) == 2 and storage.count_responses() == 3


def test_load_responses_empty_database_gives_empty_frame(storage):
    df = storage.load_responses()
    assert df.empty and list(df.columns) == list(contract.COLUMNS)


# --------------------------------------------------------------------------- import / export


def test_import_responses_from_csv(storage, tmp_path):
    info = _open_round(storage, gis=contract.GI_CODES, round_id="r1")
    frame = _demo_frame()
    path = write_responses(frame, tmp_path / "in.csv")
    assert storage.import_responses(path, round_id="r1") == len(frame)
    got = storage.load_responses(round_ids=[info.id])
    expected = frame.sort_values("response_id").reset_index(drop=True)
    from analysis.frame import canonical_frame

    pd.testing.assert_frame_equal(got, canonical_frame(expected), check_dtype=False)


def _variants(storage, round_id: str) -> dict[str, str | None]:
    with storage.engine.connect() as conn:
        rows = conn.execute(
            sa.text(f"SELECT response_id, {contract.VARIANT_COLUMN} FROM responses WHERE round_id = :r"),
            {"r": round_id},
        ).all()
    return dict(rows)


def test_import_responses_stores_the_questionnaire_variant(storage, tmp_path):
    # issue 12, contract 1.1: the optional column questionnaire_variant is stored; no column = standaard
    _open_round(storage, gis=contract.GI_CODES, round_id="r1")
    frame = _demo_frame(6)
    frame[contract.VARIANT_COLUMN] = ["makkelijk", "standaard", "", "makkelijk", "standaard", "standaard"]
    path = write_responses(frame, tmp_path / "with.csv")
    assert storage.import_responses(path, round_id="r1") == 6
    want = dict(
        zip(frame["response_id"], ["makkelijk", "standaard", "standaard", "makkelijk", "standaard", "standaard"])
    )
    assert _variants(storage, "r1") == want
    assert list(storage.load_responses(round_ids=["r1"]).columns) == list(contract.COLUMNS)  # read together
    _open_round(storage, gis=contract.GI_CODES, round_id="r2")
    plain = _demo_frame(4, seed=4, round_id="r2")
    assert storage.import_responses(write_responses(plain, tmp_path / "without.csv"), round_id="r2") == 4
    assert set(_variants(storage, "r2").values()) == {"standaard"}


def test_import_responses_rejects_a_wrong_questionnaire_variant_whole(storage, tmp_path):
    _open_round(storage, gis=contract.GI_CODES, round_id="r1")
    frame = _demo_frame(5)
    frame[contract.VARIANT_COLUMN] = ["standaard", "standaard", "standaard", "eenvoudig", "makkelijk"]
    with pytest.raises(ImportRejected) as exc:
        storage.import_responses(write_responses(frame, tmp_path / "bad.csv"), round_id="r1")
    assert [(e.file, e.row, e.column, e.value, e.rule) for e in exc.value.report.errors] == [
        ("bad.csv", 5, contract.VARIANT_COLUMN, "eenvoudig", "unknown_code")
    ]
    assert storage.count_responses() == 0


def test_import_responses_from_dataframe(storage):
    _open_round(storage, gis=contract.GI_CODES, round_id="r1")
    assert storage.import_responses(_demo_frame(20), round_id="r1") == 20
    assert storage.count_responses("r1") == 20


def test_import_responses_all_or_nothing(storage, tmp_path):
    _open_round(storage, gis=contract.GI_CODES, round_id="r1")
    frame = _demo_frame(30).astype("object")
    frame.loc[17, "grade"] = 12
    path = write_responses(frame, tmp_path / "bad.csv")
    with pytest.raises(ImportRejected) as exc:
        storage.import_responses(path, round_id="r1")
    report = exc.value.report
    assert [(e.row, e.column, e.rule) for e in report.errors] == [(19, "grade", "out_of_range")]
    assert storage.count_responses() == 0


def test_import_responses_rejects_rows_of_another_round(storage, tmp_path):
    _open_round(storage, gis=contract.GI_CODES, round_id="r1")
    frame = _demo_frame(10).astype("object")
    frame.loc[[2, 5], "round_id"] = "r2"
    path = write_responses(frame, tmp_path / "mixed.xlsx")
    with pytest.raises(ImportRejected) as exc:
        storage.import_responses(path, round_id="r1")
    errs = exc.value.report.errors
    assert [(e.row, e.column, e.rule, e.value) for e in errs] == [
        (4, "round_id", "wrong_round", "r2"),
        (7, "round_id", "wrong_round", "r2"),
    ]
    assert errs[0].file == "mixed.xlsx" and "r1" in errs[0].message
    assert storage.count_responses() == 0


def test_import_responses_names_spreadsheet_rows_past_blank_lines(storage, tmp_path):
    _open_round(storage, gis=contract.GI_CODES, round_id="r1")
    frame = _demo_frame(6).astype("object")
    frame.loc[4, "round_id"] = "r2"
    path = write_responses(frame, tmp_path / "gap.csv")
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(2, "," * (len(contract.COLUMNS) - 1))  # an empty row between data rows 1 and 2
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as exc:
        storage.import_responses(path, round_id="r1")
    # data row 5 sits on spreadsheet row 7: header (1), rows 1..4 (2, 4, 5, 6), blank (3)
    assert [(e.row, e.rule) for e in exc.value.report.errors] == [(7, "wrong_round")]


def test_import_responses_rejects_gi_outside_round(storage):
    _open_round(storage, gis=("JBG",), round_id="r1")
    frame = _demo_frame(40)
    with pytest.raises(ImportRejected) as exc:
        storage.import_responses(frame, round_id="r1")
    rules = {e.rule for e in exc.value.report.errors}
    assert rules == {"gi_not_in_round"}
    assert exc.value.report.n_errors == int((frame["gi"] != "JBG").sum())
    assert storage.count_responses() == 0


def test_import_responses_rejects_ids_already_stored(storage, tmp_path):
    _open_round(storage, gis=contract.GI_CODES, round_id="r1")
    frame = _demo_frame(15)
    storage.import_responses(frame.iloc[:5], round_id="r1")
    path = write_responses(frame, tmp_path / "again.csv")
    with pytest.raises(ImportRejected) as exc:
        storage.import_responses(path, round_id="r1")
    errs = exc.value.report.errors
    assert [(e.row, e.rule) for e in errs] == [(r, "duplicate_id") for r in range(2, 7)]
    assert storage.count_responses() == 5


def test_import_responses_finds_ids_already_stored_in_every_chunk(storage, monkeypatch):
    # the stored ids are looked up ID_CHUNK at a time (one statement each, the ids as one parameter)
    from survey_app.storage import importing

    monkeypatch.setattr(importing, "ID_CHUNK", 3)
    _open_round(storage, gis=contract.GI_CODES, round_id="r1")
    frame = _demo_frame(15)
    storage.import_responses(frame.iloc[[0, 4, 8, 13]], round_id="r1")
    with pytest.raises(ImportRejected) as exc:
        storage.import_responses(frame, round_id="r1")
    assert sorted(e.row for e in exc.value.report.errors if e.rule == "duplicate_id") == [2, 6, 10, 15]
    assert storage.count_responses() == 4


def test_import_responses_scrubs_free_text(storage):
    _open_round(storage, gis=contract.GI_CODES, round_id="r1")
    frame = _demo_frame(3)
    frame["comment_improve"] = pd.array(["Bel 06-12345678", None, "www.voorbeeld.nl"], dtype="string")
    storage.import_responses(frame, round_id="r1")
    got = storage.load_responses().set_index("response_id").loc[frame["response_id"], "comment_improve"]
    assert got.iloc[0] == "Bel [verwijderd]" and pd.isna(got.iloc[1]) and got.iloc[2] == "[verwijderd]"


def test_import_responses_unknown_round(storage):
    with pytest.raises(RoundNotFound):
        storage.import_responses(_demo_frame(2), round_id="nope")


def test_import_responses_unreadable_file_is_rejected(storage, tmp_path):
    _open_round(storage, gis=contract.GI_CODES, round_id="r1")
    p = tmp_path / "broken.xlsx"
    p.write_bytes(b"not a zip file")
    with pytest.raises(ImportRejected) as exc:
        storage.import_responses(p, round_id="r1")
    assert exc.value.report.rules() == {"unreadable_file"}


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "sav", "parquet"])
def test_export_responses_round_trips(storage, tmp_path, fmt):
    _open_round(storage, gis=contract.GI_CODES, round_id="r1")
    other = _open_round(storage, gis=("JBG",))
    storage.import_responses(_demo_frame(40), round_id="r1")
    _submit(storage, other.id)
    path = storage.export_responses(round_id="r1", path=tmp_path / f"out.{fmt}")
    assert path.exists()
    back, report = read_responses(path)
    assert report.ok, report.summary()
    expected = storage.load_responses(round_ids=["r1"])
    assert back["response_id"].tolist() == sorted(back["response_id"])
    pd.testing.assert_frame_equal(back, expected, check_dtype=False)


def test_export_responses_unknown_round_and_format(storage, tmp_path):
    with pytest.raises(RoundNotFound):
        storage.export_responses(round_id="nope", path=tmp_path / "x.csv")
    info = _open_round(storage)
    with pytest.raises(StorageError):
        storage.export_responses(round_id=info.id, path=tmp_path / "x.doc")


# --------------------------------------------------------------------------- demo data


def test_ensure_demo_round_imports_once(storage):
    calls = []

    def factory():
        calls.append(1)
        return generate(80, seed=11)

    info = storage.ensure_demo_round(factory)
    assert info.id == contract.DEMO_ROUND_ID and info.access == "open"
    assert info.gis == contract.GI_CODES and not info.closed
    assert storage.count_responses(contract.DEMO_ROUND_ID) == 80
    assert storage.ensure_demo_round(factory) is None
    assert calls == [1]  # no responses -> factory called; afterwards never again
    assert storage.count_responses() == 80


def test_ensure_demo_round_skipped_when_responses_exist(storage):
    info = _open_round(storage)
    _submit(storage, info.id)
    assert storage.ensure_demo_round(lambda: pytest.fail("factory must not be called")) is None
    assert [r.id for r in storage.list_rounds()] == [info.id]


def test_ensure_demo_round_sets_round_id(storage):
    storage.ensure_demo_round(lambda: generate(20, seed=1, round_id="something-else"))
    assert set(storage.load_responses()["round_id"]) == {contract.DEMO_ROUND_ID}


# --------------------------------------------------------------------------- the one import pipeline


def test_import_responses_runs_the_pipeline_with_a_mapping(storage, tmp_path):
    from analysis.mapping import suggest_mapping
    from analysis.pipeline import read

    _open_round(storage, gis=("GI_A", "jb-west"), round_id="r1")
    frame = _demo_frame(6).astype("object")
    frame["gi"] = ["GI_A", "jb-west"] * 3  # contract 1.1 institution codes
    frame = frame.rename(columns={"gi": "Instelling", "grade": "Rapportcijfer"}).drop(columns=["round_id"])
    path = tmp_path / "ander.csv"
    frame.to_csv(path, index=False, sep=";")
    mapping = suggest_mapping(read(path).frame, round_id="r1")
    assert storage.import_responses(path, round_id="r1", mapping=mapping) == 6
    assert sorted(set(storage.load_responses()["gi"])) == ["GI_A", "jb-west"]


def test_insert_prepared_stores_only_a_clean_import_checked_against_its_round(storage):
    from analysis.pipeline import RoundDescription, prepare_import

    info = _open_round(storage, gis=contract.GI_CODES, round_id="r1")
    frame = _demo_frame(8)
    with pytest.raises(StorageError, match="checked against its round"):
        storage.insert_prepared(prepare_import(frame))
    # checked against a description that does not match the stored round: checked again on insert
    loose = RoundDescription("r1", ("JBG", "JBN", "JBRA", "JBW", "WSS", "OTHER"))
    other = frame.assign(gi="OTHER")
    with pytest.raises(ImportRejected) as exc:
        storage.insert_prepared(prepare_import(other, round=loose))
    assert exc.value.report.rules() == {"gi_not_in_round"} and exc.value.report.n_error_rows == 8
    bad = frame.astype("object")
    bad.loc[3, "grade"] = 11
    with pytest.raises(ImportRejected):
        storage.insert_prepared(prepare_import(bad, round=info))
    assert storage.count_responses() == 0
    assert storage.insert_prepared(prepare_import(frame, round=info)) == 8


def test_import_rejected_report_counts_every_row(storage):
    _open_round(storage, gis=("JBG",), round_id="r1")
    frame = generate(1200, seed=4, round_id="r1")
    frame["gi"] = "JBN"
    with pytest.raises(ImportRejected) as exc:
        storage.import_responses(frame, round_id="r1")
    report = exc.value.report
    assert report.n_error_rows == 1200 and report.n_errors == 1200 and report.n_listed == 1000
    assert report.error_summary("nl") == "1.200 rijen hebben fouten; de eerste 1.000 staan hieronder"


def test_ensure_demo_round_goes_through_the_import_pipeline(storage, monkeypatch):
    from analysis import pipeline

    calls = []
    real = pipeline.prepare_import
    monkeypatch.setattr(pipeline, "prepare_import", lambda *a, **k: calls.append(k) or real(*a, **k))
    frame = generate(30, seed=2)
    frame["comment_improve"] = pd.array(["Mail jan@example.nl"] + [None] * 29, dtype="string")
    storage.ensure_demo_round(lambda: frame)
    assert [k["round"] for k in calls] == [pipeline.DEMO_ROUND]
    got = storage.load_responses().set_index("response_id").loc[frame["response_id"].iloc[0], "comment_improve"]
    assert got == "Mail [verwijderd]"
