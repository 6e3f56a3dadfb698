"""survey_app.web.launcher: the Streamlit settings it forces and the links it prints.

Starting the real server is covered by tests/test_browser_respond.py.
"""

from streamlit import config

from survey_app.web import launcher
from survey_app.web.mode import MODE_ENV, PUBLIC


def _options() -> dict:
    return config.get_config_options()


def _flags(**kw) -> dict[str, str]:
    return dict(f[2:].split("=", 1) for f in launcher.streamlit_flags(**kw))


def test_launcher_flags_are_known_streamlit_options():
    unknown = [k for k in _flags() if k not in _options()]
    assert unknown == []


def test_launcher_flags_hide_errors_and_developer_tools():
    flags = _flags(port=9123, address="127.0.0.1")
    assert flags["server.headless"] == "true"
    assert flags["client.showErrorDetails"] == "none"
    assert flags["client.toolbarMode"] == "minimal"
    assert flags["server.enableXsrfProtection"] == "true"
    assert flags["browser.gatherUsageStats"] == "false"
    assert (flags["server.port"], flags["server.address"]) == ("9123", "127.0.0.1")
    assert flags["runner.postScriptGC"] == "false"  # a full collection after every page run (issue 10)


def test_launcher_flag_values_are_allowed_by_streamlit():
    # the allowed values are listed in each option's description (`streamlit config show`)
    for key in ("client.showErrorDetails", "client.toolbarMode"):
        assert f'"{_flags()[key]}"' in _options()[key].description, key


def test_launcher_app_path_is_absolute_entry_point():
    assert launcher.APP_PATH.is_absolute() and launcher.APP_PATH.name == "app.py"
    assert launcher.APP_PATH.exists()


def test_launcher_respondent_link():
    assert (
        launcher.respondent_link("demo-synthetisch-2025", port=8501)
        == "http://localhost:8501/?ronde=demo-synthetisch-2025"
    )
    assert (
        launcher.respondent_link("r1", port=80, address="enquete.example.nl")
        == "http://enquete.example.nl:80/?ronde=r1"
    )


def test_launcher_staff_link_and_default_ports():
    assert launcher.DEFAULT_PORT != launcher.DEFAULT_STAFF_PORT
    assert launcher.staff_link(port=8502) == "http://localhost:8502/"
    args = launcher._parse(["--staff"])
    assert args.staff and args.port is None
    assert not launcher._parse([]).staff


def test_launcher_mode_is_public_unless_the_launcher_says_staff(monkeypatch):
    from survey_app.web import mode

    monkeypatch.delenv(mode.MODE_ENV, raising=False)
    assert mode.server_mode() == "public"
    for value in ("", "Staff ", "beheer", "1", "true", "dashboards"):
        monkeypatch.setenv(mode.MODE_ENV, value)
        assert mode.server_mode() == ("staff" if value.strip().lower() == "staff" else "public"), value


def test_launcher_demo_user_has_a_random_one_time_password(survey_env):
    from survey_app.auth import accounts
    from survey_app.storage import Storage

    s = Storage()
    try:
        first = launcher.ensure_demo_user(s)
        assert first and len(first) >= accounts.MIN_PASSWORD_LENGTH
        user = s.get_user(launcher.DEMO_USER)
        assert user.role == "beheerder" and user.must_change  # a new password at the first sign-in
        assert accounts.verify_password(user.password_hash, first)
        assert launcher.ensure_demo_user(s) is None  # only when there is no account at all
        s.remove_user(launcher.DEMO_USER)
        second = launcher.ensure_demo_user(s)
        assert second and second != first  # never a fixed default
    finally:
        s.dispose()


def test_launcher_loads_the_deidentifier_before_the_server_opens_its_port(tmp_path, monkeypatch):
    # issue 10: loaded in the background after the port opened, deduce held Python's lock for its
    # whole load and a staff member's first Overzicht took 24 s instead of 4
    from streamlit.web import cli as stcli

    from analysis import scrub

    order = []
    monkeypatch.setenv("SURVEY_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SURVEY_DATABASE_URL", f"sqlite:///{tmp_path / 'survey.sqlite'}")
    monkeypatch.setenv("SURVEY_SECRET_KEY", "test-secret-key-0123456789abcdef")
    monkeypatch.setattr(scrub, "deidentifier", lambda: order.append("deidentifier"))

    def serve(prog_name):
        order.append("serve")
        raise SystemExit(0)

    monkeypatch.setattr(stcli, "main", serve)
    monkeypatch.setattr("sys.argv", ["survey-app"])
    monkeypatch.setenv(MODE_ENV, PUBLIC)  # run_app sets it for its process: restored after the test
    assert launcher.run_app(["--no-demo", "--port", "9"]) == 0
    assert order == ["deidentifier", "serve"]
