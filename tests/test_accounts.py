"""Staff accounts: argon2id hashes, sign-in throttling, session expiry, sign-out, the audit log.

Real temporary databases (SQLite, and PostgreSQL under ``make test``); a fake
clock (``accounts._clock``) moves time on for the lock-out and the 30-minute
expiry.  The sign-in form, expiry and sign-out run in Streamlit's AppTest on
the real app entry point of a staff server.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from _auth_helpers import PASSWORD, make_users, session_for, sign_in, staff_server
from streamlit.testing.v1 import AppTest

from survey_app.auth import accounts, actions, session
from survey_app.respond import widgets as ui

APP = str(Path(__file__).resolve().parents[1] / "survey_app" / "web" / "app.py")
TIMEOUT = 60
T0 = dt.datetime(2026, 3, 2, 9, 0, 0, tzinfo=dt.UTC)


class FakeClock:
    def __init__(self, start: dt.datetime = T0):
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    c = FakeClock()
    monkeypatch.setattr(accounts, "_clock", c)
    return c


@pytest.fixture
def app_db(storage, db_url, monkeypatch):
    """The test database as the app's database, on a staff server."""
    monkeypatch.setenv("SURVEY_DATABASE_URL", db_url)
    staff_server(monkeypatch)
    yield storage
    ui.release_storages()


def actions_of(storage, action: str) -> list:
    return storage.list_audit(actions=[action])


# --------------------------------------------------------------------------- hashes and rules


def test_accounts_password_is_stored_as_an_argon2id_hash(storage):
    accounts.add_user(storage, "beheer", role="beheerder", password=PASSWORD, actor="test")
    user = storage.get_user("beheer")
    assert user.password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert accounts.verify_password(user.password_hash, PASSWORD)
    assert not accounts.verify_password(user.password_hash, PASSWORD + "x")
    with storage.engine.connect() as conn:
        every_value = " ".join(str(v) for row in conn.exec_driver_sql("SELECT * FROM users") for v in row)
    assert PASSWORD not in every_value
    # two accounts with the same password get different hashes (random salt)
    accounts.add_user(storage, "beheer2", role="beheerder", password=PASSWORD, actor="test")
    assert storage.get_user("beheer2").password_hash != user.password_hash


def test_accounts_rules_for_names_roles_institutions_and_passwords(storage):
    with pytest.raises(accounts.AccountError, match="at least 12"):
        accounts.add_user(storage, "kort", role="beheerder", password="te-kort", actor="test")
    with pytest.raises(accounts.AccountError, match="name"):
        accounts.add_user(storage, "x y", role="beheerder", password=PASSWORD, actor="test")
    with pytest.raises(accounts.AccountError, match="role"):
        accounts.add_user(storage, "baas", role="admin", password=PASSWORD, actor="test")
    with pytest.raises(accounts.AccountError, match="--gi"):
        accounts.add_user(storage, "instelling", role="gi", password=PASSWORD, actor="test")
    with pytest.raises(accounts.AccountError, match="--gi only goes with role gi"):
        accounts.add_user(storage, "insp", role="inspecteur", gi="JBN", password=PASSWORD, actor="test")
    user = accounts.add_user(storage, "Jan.de-Vries", role="gi", gi="JBN", password=PASSWORD, actor="test")
    assert (user.name, user.role, user.gi) == ("jan.de-vries", "gi", "JBN")
    with pytest.raises(accounts.AccountError, match="exists already"):
        accounts.add_user(storage, "jan.de-vries", role="beheerder", password=PASSWORD, actor="test")
    assert [u.name for u in storage.list_users()] == ["jan.de-vries"]


def test_accounts_lock_out_doubles_up_to_an_hour():
    assert accounts.lock_for(5) == dt.timedelta(seconds=30)
    assert accounts.lock_for(6) == dt.timedelta(seconds=60)
    assert accounts.lock_for(7) == dt.timedelta(minutes=2)
    assert accounts.lock_for(12) == dt.timedelta(hours=1)
    assert accounts.lock_for(500) == dt.timedelta(hours=1)


# --------------------------------------------------------------------------- sign-in and throttling


def test_accounts_sign_in_throttled_after_five_failures(storage, clock):
    make_users(storage, roles=("inspecteur",))
    for i in range(4):
        assert accounts.sign_in(storage, "inspectie", f"fout-wachtwoord-{i}").status == "failed"
    result = accounts.sign_in(storage, "inspectie", "fout-wachtwoord-5")
    assert result.status == "locked" and result.minutes_left(clock.now) == 1
    assert result.locked_until == (T0 + dt.timedelta(seconds=30)).replace(tzinfo=None)
    # locked: even the right password is not checked
    clock.advance(seconds=29)
    assert accounts.sign_in(storage, "inspectie", PASSWORD).status == "locked"
    # after the lock-out another failure locks for twice as long
    clock.advance(seconds=2)
    result = accounts.sign_in(storage, "inspectie", "fout-wachtwoord-6")
    assert result.status == "locked" and result.locked_until == (clock.now + dt.timedelta(seconds=60)).replace(
        tzinfo=None, microsecond=0
    )
    clock.advance(seconds=61)
    result = accounts.sign_in(storage, "inspectie", PASSWORD)
    assert result.status == "ok" and result.user.role == "inspecteur"
    user = storage.get_user("inspectie")
    assert (user.failed_attempts, user.locked_until) == (0, None)  # a good sign-in starts the count again
    assert [e.detail for e in actions_of(storage, "sign_in_failed")][:2] == ["wrong password (6 in a row)", "locked"]
    assert len(actions_of(storage, "sign_in_failed")) == 7  # 5 wrong, 1 while locked, 1 wrong
    assert actions_of(storage, "sign_in")[0].at == clock.now.replace(tzinfo=None, microsecond=0)


def test_accounts_throttle_holds_across_servers(storage, make_storage, clock):
    """Two servers on one database count the failures of an account together."""
    other = make_storage()
    make_users(storage, roles=("beheerder",))
    for i in range(5):
        accounts.sign_in(storage if i % 2 else other, "beheer", f"fout-wachtwoord-{i}")
    assert accounts.sign_in(storage, "beheer", PASSWORD).status == "locked"
    assert accounts.sign_in(other, "beheer", PASSWORD).status == "locked"
    clock.advance(seconds=31)
    assert accounts.sign_in(other, "beheer", PASSWORD).ok


def test_accounts_unknown_name_fails_like_a_wrong_password(storage, clock):
    make_users(storage, roles=("beheerder",))
    assert accounts.sign_in(storage, "niemand", PASSWORD).status == "failed"
    assert accounts.sign_in(storage, "' OR 1=1 --", PASSWORD).status == "failed"
    entries = actions_of(storage, "sign_in_failed")
    # the typed name is not kept when no account has it (it may be a password typed in the wrong box)
    assert [(e.actor, e.target, e.detail) for e in entries] == [("?", None, "unknown name")] * 2


def test_accounts_temporary_password_must_be_replaced(storage, clock):
    accounts.add_user(storage, "nieuw", role="onderzoeker", password=PASSWORD, temporary=True, actor="test")
    result = accounts.sign_in(storage, "nieuw", PASSWORD)
    assert result.status == "change_password" and not actions_of(storage, "sign_in")
    version = result.user.session_version
    with pytest.raises(accounts.AccountError, match="other than the temporary"):
        accounts.change_own_password(storage, "nieuw", version, PASSWORD)
    user = accounts.change_own_password(storage, "nieuw", version, "mijn-eigen-nieuwe-wachtwoord")
    assert not user.must_change and user.session_version != version
    assert accounts.sign_in(storage, "nieuw", "mijn-eigen-nieuwe-wachtwoord").status == "ok"
    assert actions_of(storage, "password_changed")[0].actor == "nieuw"


def test_accounts_removed_and_remade_account_does_not_revive_sessions(storage, clock):
    make_users(storage, roles=("gi",))
    old = session_for(storage, "gi-jbn")
    assert session.validate(storage, old)[0].scope.gis == ("JBN",)
    accounts.remove_user(storage, "gi-jbn", actor="test")
    accounts.add_user(storage, "gi-jbn", role="inspecteur", password=PASSWORD, actor="test")
    assert session.validate(storage, old) == (None, "revoked")


# --------------------------------------------------------------------------- sessions in the app


def _app(storage=None, name=None, **kw) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if name:
        sign_in(at, storage, name, **kw)
    return at


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def registered(at: AppTest) -> set[str]:
    return {Path(p["script_path"]).stem for p in at._registered_pages.values()}


def test_session_sign_in_form_signs_in_and_out(app_db, clock):
    make_users(app_db, roles=("onderzoeker",))
    at = run(_app())
    assert registered(at) == {"aanmelden"} and at.title[0].value == "Aanmelden"
    at.text_input(key="auth_name").input("onderzoek")
    at.text_input(key="auth_password").input("verkeerd-wachtwoord")
    at.button(key="auth_submit").click()
    run(at)
    assert [e.value for e in at.error] == ["Onbekende naam of verkeerd wachtwoord."]
    assert registered(at) == {"aanmelden"}
    assert at.text_input(key="auth_password").value == ""  # the form forgets what was typed
    at.text_input(key="auth_name").input("onderzoek")
    at.text_input(key="auth_password").input(PASSWORD)
    at.button(key="auth_submit").click()
    run(at)
    assert registered(at) == {"overzicht", "inspectierapport", "vergelijken", "verbanden", "rondeverslag", "microdata"}
    assert at.title[0].value == "Overzicht"
    assert "Aangemeld als **onderzoek** (Onderzoeker)" in [m.value for m in at.sidebar.markdown]
    at.sidebar.button(key="auth_sign_out").click()
    run(at)
    assert registered(at) == {"aanmelden"}
    assert [s.value for s in at.success] == ["U bent afgemeld."]
    assert [e.action for e in reversed(app_db.list_audit())][-3:] == ["sign_in_failed", "sign_in", "sign_out"]


def test_session_locked_account_message_in_the_form(app_db, clock):
    make_users(app_db, roles=("beheerder",))
    at = run(_app())
    for i in range(5):
        at.text_input(key="auth_name").input("beheer")
        at.text_input(key="auth_password").input(f"verkeerd-wachtwoord-{i}")
        at.button(key="auth_submit").click()
        run(at)
    assert [e.value for e in at.error] == ["Te veel mislukte pogingen. Probeer het over 1 minuten opnieuw."]
    at.text_input(key="auth_name").input("beheer")
    at.text_input(key="auth_password").input(PASSWORD)
    at.button(key="auth_submit").click()
    run(at)
    assert registered(at) == {"aanmelden"}  # still locked


def test_session_expires_after_30_minutes_without_activity(app_db, clock):
    make_users(app_db, roles=("beheerder",))
    at = run(_app(app_db, "beheer"))
    assert at.title[0].value == "Overzicht"
    clock.advance(minutes=29)
    run(at)  # activity: the 30 minutes start again
    assert at.title[0].value == "Overzicht"
    clock.advance(minutes=29, seconds=59)
    run(at)
    assert at.title[0].value == "Overzicht"
    clock.advance(minutes=30, seconds=1)
    run(at)
    assert registered(at) == {"aanmelden"}
    assert any("30 minuten niet actief" in i.value for i in at.info)
    assert actions_of(app_db, "session_expired")[0].actor == "beheer"
    assert session.SESSION_KEY not in at.session_state


def test_session_ends_when_the_password_is_changed_elsewhere(app_db, clock):
    make_users(app_db, roles=("inspecteur",))
    at = run(_app(app_db, "inspectie"))
    assert "import_export" in registered(at)
    accounts.set_password(app_db, "inspectie", "een-ander-lang-wachtwoord", actor="cli:test")
    run(at)
    assert registered(at) == {"aanmelden"}
    assert actions_of(app_db, "user_passwd")[0].actor == "cli:test"


def test_session_temporary_password_asks_for_a_new_one(app_db, clock):
    accounts.add_user(app_db, "demo", role="beheerder", password=PASSWORD, temporary=True, actor="test")
    at = run(_app())
    at.text_input(key="auth_name").input("demo")
    at.text_input(key="auth_password").input(PASSWORD)
    at.button(key="auth_submit").click()
    run(at)
    assert registered(at) == {"aanmelden"}
    assert [s.value for s in at.subheader] == ["Kies een nieuw wachtwoord"]
    at.text_input(key="auth_new_password").input("nieuw-en-lang-genoeg")
    at.text_input(key="auth_new_password_again").input("nieuw-en-lang-genoe")
    at.button(key="auth_new_submit").click()
    run(at)
    assert [e.value for e in at.error] == ["De twee wachtwoorden zijn niet gelijk."]
    at.text_input(key="auth_new_password").input("nieuw-en-lang-genoeg")
    at.text_input(key="auth_new_password_again").input("nieuw-en-lang-genoeg")
    at.button(key="auth_new_submit").click()
    run(at)
    assert "logboek" in registered(at) and at.title[0].value == "Overzicht"
    assert accounts.sign_in(app_db, "demo", "nieuw-en-lang-genoeg").status == "ok"


def test_session_state_cannot_be_forged(app_db, clock):
    """Only a SignedIn object made by the sign-in counts; anything a browser could send does not."""
    make_users(app_db, roles=("beheerder",))
    for forged in ("beheer", {"name": "beheer", "session_version": 0}, ["beheer"], 1):
        at = _app()
        at.session_state[session.SESSION_KEY] = forged
        run(at)
        assert registered(at) == {"aanmelden"}, forged


# --------------------------------------------------------------------------- guarded downloads


def test_download_is_made_only_while_signed_in_and_is_audited(storage, clock):
    make_users(storage, roles=("beheerder", "onderzoeker"))
    signed = session_for(storage, "beheer")
    made = []
    fn = session.guarded(lambda: made.append(1) or b"data", storage=storage, signed=signed, what="antwoorden.csv")
    assert fn() == b"data"
    entry = actions_of(storage, "export")[0]
    assert (entry.actor, entry.target) == ("beheer", "antwoorden.csv")
    # 31 minutes later the button is still on the screen, but the session is over
    clock.advance(minutes=31)
    with pytest.raises(PermissionError):
        fn()
    assert made == [1]
    # a role without the action gets nothing, even while signed in
    fn = session.guarded(
        lambda: b"rows", storage=storage, signed=session_for(storage, "onderzoek"), what="x.csv", action="microdata"
    )
    with pytest.raises(PermissionError):
        fn()
    with pytest.raises(PermissionError):  # no session at all
        session.guarded(lambda: b"rows", storage=storage, signed=None, what="x.csv")()


# --------------------------------------------------------------------------- audited actions


def test_actions_import_into_a_round_with_answers_needs_its_name(storage):
    from sample_data import generate

    info, _ = storage.create_round(name="Najaar 2026", gis=["JBN"], round_id="najaar")
    rows = generate(n=80, seed=5, round_id="najaar")
    rows = rows[rows["gi"] == "JBN"].reset_index(drop=True)
    first, more = rows.head(5), rows.iloc[5:8]
    assert actions.import_responses(storage, first, round_id="najaar", actor="beheer", file="a.csv") == 5
    for typed in (None, "", "najaar", "Najaar"):
        with pytest.raises(actions.ConfirmationNeeded, match="Najaar 2026"):
            actions.import_responses(storage, more, round_id="najaar", actor="beheer", file="b.csv", confirm=typed)
    assert storage.count_responses("najaar") == 5
    assert actions.import_responses(storage, more, round_id="najaar", actor="beheer", confirm=" najaar 2026 ") == 3
    log = [(e.action, e.detail) for e in reversed(storage.list_audit(actions=["import", "import_refused"]))]
    assert log[0] == ("import", "5 rows from a.csv")
    assert log[1:5] == [("import_refused", "5 responses in the round; not confirmed")] * 4
    assert log[5] == ("import", "3 rows from data (confirmed)")


def test_actions_round_changes_are_audited_without_codes(storage):
    info, codes = actions.create_round(
        storage, actor="inspectie", name="Met codes", gis=["JBG"], access="codes", n_codes=3
    )
    more = actions.add_codes(storage, info.id, 2, actor="inspectie")
    actions.close_round(storage, info.id, actor="inspectie")
    log = [(e.action, e.target) for e in reversed(storage.list_audit())]
    assert log == [("round_create", info.id), ("round_codes", info.id), ("round_close", info.id)]
    text = " ".join(f"{e.detail}" for e in storage.list_audit())
    assert not any(c in text for c in codes + more)


# --------------------------------------------------------------------------- command line

SCRIPT = Path(sys.executable).with_name("survey-app")


def cli(*args, env, stdin=None):
    return subprocess.run(
        [str(SCRIPT), *map(str, args)],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        input=stdin,
        timeout=300,
    )


@pytest.fixture
def cli_env(tmp_path):
    return {"SURVEY_DATA_DIR": str(tmp_path / "data"), "SURVEY_DATABASE_URL": "", "SURVEY_SECRET_KEY": "k" * 32}


def test_cli_user_add_list_passwd_remove(cli_env, tmp_path):
    res = cli("user", "list", env=cli_env)
    assert res.returncode == 0 and "No accounts yet" in res.stdout
    res = cli("user", "add", "beheer", "--role", "beheerder", "--password-stdin", env=cli_env, stdin=PASSWORD + "\n")
    assert res.returncode == 0, res.stderr
    res = cli("user", "add", "gi-jbn", "--role", "gi", "--password-stdin", env=cli_env, stdin=PASSWORD + "\n")
    assert res.returncode == 2 and "--gi" in res.stderr
    res = cli("user", "add", "kort", "--role", "onderzoeker", "--password-stdin", env=cli_env, stdin="kort\n")
    assert res.returncode == 2 and "at least 12" in res.stderr
    res = cli(
        "user", "add", "gi-jbn", "--role", "gi", "--gi", "JBN", "--password-stdin", env=cli_env, stdin=PASSWORD + "\n"
    )
    assert res.returncode == 0, res.stderr
    res = cli("user", "add", "beheer", "--role", "beheerder", "--password-stdin", env=cli_env, stdin=PASSWORD + "\n")
    assert res.returncode == 2 and "exists already" in res.stderr
    listing = cli("user", "list", env=cli_env).stdout
    assert "beheer" in listing and "gi-jbn" in listing and "JBN" in listing and "$argon2" not in listing
    res = cli("user", "passwd", "gi-jbn", "--password-stdin", env=cli_env, stdin="een-heel-nieuw-wachtwoord\n")
    assert res.returncode == 0, res.stderr
    assert cli("user", "passwd", "niemand", "--password-stdin", env=cli_env, stdin=PASSWORD + "\n").returncode == 1
    assert cli("user", "remove", "gi-jbn", env=cli_env).returncode == 0
    assert cli("user", "remove", "gi-jbn", env=cli_env).returncode == 1
    from survey_app.storage import Storage

    s = Storage(f"sqlite:///{tmp_path / 'data' / 'survey.sqlite'}")
    try:
        assert [u.name for u in s.list_users()] == ["beheer"]
        log = [(e.actor.split(":")[0], e.action, e.target) for e in reversed(s.list_audit())]
        assert log == [
            ("cli", "user_add", "beheer"),
            ("cli", "user_add", "gi-jbn"),
            ("cli", "user_passwd", "gi-jbn"),
            ("cli", "user_remove", "gi-jbn"),
        ]
        with s.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM users WHERE password_hash LIKE '$argon2id$%'")).scalar()
    finally:
        s.dispose()


def test_cli_import_into_a_round_with_answers_needs_confirm_round(cli_env, tmp_path):
    import pandas as pd

    from sample_data import generate

    res = cli("round", "create", "--name", "Voorjaar", "--gi", "JBN", "--access", "open", env=cli_env)
    round_id = res.stdout.split("Round created:")[1].split()[0]
    df = generate(n=200, seed=8, round_id=round_id)
    df = df[df["gi"] == "JBN"].reset_index(drop=True)
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    df.head(20).to_csv(a, index=False)
    df.iloc[20:25].to_csv(b, index=False)
    assert cli("import", a, "--round", round_id, env=cli_env).returncode == 0
    res = cli("import", b, "--round", round_id, env=cli_env)
    assert (
        res.returncode == 2 and "already has 20 responses" in res.stderr and "--confirm-round 'Voorjaar'" in res.stderr
    )
    res = cli("import", b, "--round", round_id, "--confirm-round", "Voorjaar", env=cli_env)
    assert res.returncode == 0, res.stderr
    out = tmp_path / "out.csv"
    assert cli("export", "--round", round_id, "--format", "csv", "--out", out, env=cli_env).returncode == 0
    assert len(pd.read_csv(out)) == 25
    from survey_app.storage import Storage

    s = Storage(f"sqlite:///{tmp_path / 'data' / 'survey.sqlite'}")
    try:
        assert [e.action for e in reversed(s.list_audit())] == [
            "round_create",
            "import",
            "import_refused",
            "import",
            "export",
        ]
    finally:
        s.dispose()
