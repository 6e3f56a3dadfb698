"""Start the Streamlit app with the project's own settings, from any working folder.

Two surfaces, one process each; the mode is fixed by the launcher
(``SURVEY_SERVER_MODE``, :mod:`survey_app.web.mode`) before Streamlit starts,
never by a URL:

* ``survey-app serve`` -- the public respondent server (default port 8501):
  the questionnaire page only;
* ``survey-app serve --staff`` -- the staff server (default port 8502, meant
  for an internal network): the dashboards behind sign-in;
* ``survey-app demo`` (``make run``) -- both, as two processes, on the demo
  data; makes a ``beheerder`` named ``demo`` with a random one-time password
  (printed once) when there is no account yet.

``run_app()`` prepares the database (migrations, the synthetic demo round when
it is missing), prints the link(s) and then runs ``streamlit run <absolute
path of survey_app/web/app.py>`` with the flags below, so they hold whatever
``.streamlit/config.toml`` the current folder has.

Settings (see ``streamlit config show``):

* ``server.headless`` true: no browser is opened, no e-mail prompt;
* ``client.showErrorDetails`` "none": no tracebacks or exception texts in the browser;
* ``client.toolbarMode`` "minimal": no Deploy button, no developer menu;
* ``server.enableXsrfProtection`` true;
* ``browser.gatherUsageStats`` false: nothing is sent to Streamlit;
* ``server.fileWatcherType`` none and ``server.runOnSave`` false: a server, not a dev loop;
* ``logger.level`` warning: no per-request lines (Streamlit never logs IPs; nor do we);
* ``runner.postScriptGC`` false: no full garbage collection after every page run (0.15-0.2 s
  each on a server that holds the de-identifier's tables; Python's own collector still runs);
* ``server.maxUploadSize``: the upload limit of :func:`analysis.io.read_limits`
  (default 50 MB, ``SURVEY_MAX_UPLOAD_MB``), so Streamlit refuses a larger
  upload before it is held in memory.
"""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from analysis import contract, i18n
from survey_app.web.mode import MODE_ENV, PUBLIC, STAFF

APP_PATH = Path(__file__).resolve().parent / "app.py"
DEFAULT_PORT = 8501
DEFAULT_STAFF_PORT = 8502
DEMO_USER = "demo"
DEFAULT_ADDRESS = "localhost"


def streamlit_flags(*, port: int = DEFAULT_PORT, address: str = DEFAULT_ADDRESS) -> list[str]:
    """The ``--section.option=value`` flags the launcher always passes."""
    # lazy, measured: pandas adds ~5 s to `survey-app --help` (0.5 s) under load (the CLI imports this module)
    from analysis.io import read_limits

    return [
        "--server.headless=true",
        f"--server.port={int(port)}",
        f"--server.address={address}",
        "--server.enableXsrfProtection=true",
        "--server.fileWatcherType=none",
        "--server.runOnSave=false",
        "--client.showErrorDetails=none",
        "--client.toolbarMode=minimal",
        "--browser.gatherUsageStats=false",
        "--global.developmentMode=false",
        "--logger.level=warning",
        "--theme.primaryColor=#01689B",
        # one light theme: the contrast fixes of issue 12 (captions, read-aloud buttons) are made for it
        "--theme.base=light",
        "--server.enableAgentApi=false",
        # no full garbage collection after every page run (~0.15-0.2 s each on a server holding the
        # de-identifier and the protected tables; Python's own collector still runs): issue 10
        "--runner.postScriptGC=false",
        f"--server.maxUploadSize={read_limits().upload_mb}",
    ]


def respondent_link(round_id: str, *, port: int = DEFAULT_PORT, address: str = DEFAULT_ADDRESS) -> str:
    """The URL a respondent opens for ``round_id`` on this server."""
    host = "localhost" if address in ("", "0.0.0.0", "::", "127.0.0.1", "localhost") else address
    return f"http://{host}:{port}/?ronde={round_id}"


def staff_link(*, port: int = DEFAULT_STAFF_PORT, address: str = DEFAULT_ADDRESS) -> str:
    """The URL of the staff server's sign-in page."""
    host = "localhost" if address in ("", "0.0.0.0", "::", "127.0.0.1", "localhost") else address
    return f"http://{host}:{port}/"


def prepare_database(*, demo: bool = True):
    """Open the database (running migrations) and make sure the demo round exists.

    The synthetic demo data (``sample_data.generator.generate``) is imported
    only when the demo round has to be created.
    """
    # lazy, measured: SQLAlchemy + pandas add ~9 s to `survey-app --help` (0.5 s) under load
    from survey_app.storage import Storage

    storage = Storage()
    if demo:

        def _frame():
            # lazy, measured: pandas adds ~5 s to `survey-app --help`; only a first demo start needs it
            from sample_data.generator import generate

            return generate()

        storage.ensure_demo_round(_frame)
    return storage


def preload_deidentifier() -> None:
    """Load the de-identifier of free text (deduce: 15-30 s, ~1.2 GB) before the server opens its port.

    Both servers scrub free text (a submitted comment, an import, the comments
    page).  Loaded in the background after the port opened, it held Python's
    lock for its whole load and the first visitors waited for it: a staff
    member's first Overzicht took 24 s instead of 4 (measured at 20,000
    responses, issue 10).  A server is ready when its health check answers.
    """
    from analysis import scrub

    print(i18n.both("launcher.loading"), flush=True)
    scrub.deidentifier()


def disable_pages_directory() -> None:
    """Make sure only the pages registered through ``st.navigation`` can be opened.

    Streamlit still has the old multipage feature: while a folder ``pages/``
    sits next to the entry point, every script in it can be opened by its URL
    (``/overzicht``) *without running the entry point*, until the entry point
    has called ``st.navigation`` once in the process.  Our pages live in
    ``screens/`` for that reason; this flag is a second lock, so that a
    ``pages/`` folder added by mistake can never bypass
    :mod:`survey_app.web.navigation` (which shows respondents only their page).
    Streamlit sets this class flag only when it is still unset, so setting it
    before the server starts switches the old feature off for good.
    """
    # lazy, measured: Streamlit adds ~0.7 s to `survey-app --help` (0.5 s)
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="survey-app serve", description="Start the survey web app.")
    parser.add_argument(
        "--staff", action="store_true", help="the staff server (dashboards behind sign-in) instead of the public one"
    )
    parser.add_argument(
        "--port", type=int, default=None, help=f"port (default {DEFAULT_PORT}, staff {DEFAULT_STAFF_PORT})"
    )
    parser.add_argument("--address", default=None, help=f"address to listen on (default {DEFAULT_ADDRESS})")
    parser.add_argument("--no-demo", action="store_true", help="do not load the synthetic demo round")
    return parser.parse_args(list(argv) if argv is not None else [])


def run_app(
    argv: Sequence[str] | None = None,
    *,
    port: int | None = None,
    address: str | None = None,
    demo: bool | None = None,
    staff: bool | None = None,
) -> int:
    """Prepare the database and run the Streamlit server until it stops; returns the exit code.

    ``argv`` may hold ``--staff``, ``--port N``, ``--address HOST`` and
    ``--no-demo``; keyword arguments win over ``argv``.  The database location
    comes from ``SURVEY_DATABASE_URL`` / ``SURVEY_DATA_DIR`` as for :class:`Storage`.
    """
    args = _parse(argv)
    staff = args.staff if staff is None else staff
    default_port = DEFAULT_STAFF_PORT if staff else DEFAULT_PORT
    port = port if port is not None else (args.port if args.port is not None else default_port)
    address = address if address is not None else (args.address or DEFAULT_ADDRESS)
    demo = (not args.no_demo) if demo is None else demo
    os.environ[MODE_ENV] = STAFF if staff else PUBLIC  # fixed for this process, read by navigation
    storage = prepare_database(demo=demo)
    if staff:
        print(f"{i18n.both('launcher.staff_link')}: {staff_link(port=port, address=address)}", flush=True)
        if storage.count_users() == 0:
            print(i18n.both("launcher.no_account"), flush=True)
    elif demo:
        print(
            i18n.both("launcher.demo_link")
            + f": {respondent_link(contract.DEMO_ROUND_ID, port=port, address=address)}",
            flush=True,
        )
    preload_deidentifier()
    if staff:
        # the tables the first readers ask for, built before the port opens; this storage stays
        # open with them (a table reads rows through it the first time an output needs them)
        from survey_app.dashboard import data_access

        print(i18n.both("launcher.tables"), flush=True)
        try:
            data_access.warm_tables(storage)
        except Exception:  # the server starts anyway (imports, rounds: what repairs the data); pages build them
            logging.getLogger(__name__).exception("building the protected tables at start failed")
    else:
        storage.dispose()
    # lazy, measured: Streamlit adds ~0.7 s to `survey-app --help` (0.5 s)
    from streamlit.web import cli as stcli

    disable_pages_directory()
    sys.argv = ["streamlit", "run", str(APP_PATH), *streamlit_flags(port=port, address=address)]
    try:
        stcli.main(prog_name="streamlit")
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0


def ensure_demo_user(storage) -> str | None:
    """When there is no account at all: a ``beheerder`` named ``demo`` with a random one-time
    password, returned (to print once; only its hash is stored).  Else None."""
    # lazy, measured: SQLAlchemy + argon2 add ~9 s to `survey-app --help` (0.5 s) under load
    from survey_app.auth import accounts

    if storage.count_users() > 0:
        return None
    password = secrets.token_urlsafe(12)
    try:
        accounts.add_user(
            storage, DEMO_USER, role="beheerder", password=password, temporary=True, actor=accounts.cli_actor()
        )
    except accounts.AccountError:  # another process made it meanwhile
        return None
    return password


def run_demo(*, port: int = DEFAULT_PORT, staff_port: int = DEFAULT_STAFF_PORT, address: str = DEFAULT_ADDRESS) -> int:
    """``make run``: the public and the staff server as two processes on the demo data.

    Prints both links and how to sign in; stops both on Ctrl+C (or when one stops).
    """
    storage = prepare_database(demo=True)
    password = ensure_demo_user(storage)
    storage.dispose()
    children = []
    for extra in ([], ["--staff"]):
        p = staff_port if extra else port
        cmd = [sys.executable, "-m", "survey_app.web.launcher", *extra, "--port", str(p), "--address", address]
        children.append(subprocess.Popen(cmd, start_new_session=True))
    print("", flush=True)
    print(
        f"{i18n.both('launcher.questionnaire_link')}: {respondent_link(contract.DEMO_ROUND_ID, port=port, address=address)}"
    )
    print(f"{i18n.both('launcher.staff_link')}: {staff_link(port=staff_port, address=address)}")
    if password is not None:
        print(i18n.both("launcher.sign_in_demo", user=DEMO_USER, password=password))
    else:
        print(i18n.both("launcher.sign_in_existing"))
    print(i18n.both("launcher.stop"), flush=True)

    def _stop(*_):
        for c in children:
            if c.poll() is None:
                try:
                    os.killpg(c.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for c in children:
            try:
                c.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(c.pid, signal.SIGKILL)

    def _interrupt(*_):
        raise KeyboardInterrupt

    old = signal.signal(signal.SIGTERM, _interrupt)
    try:
        while all(c.poll() is None for c in children):
            time.sleep(0.5)
        return 1  # one server stopped on its own: stop the other too
    except KeyboardInterrupt:
        return 0
    finally:
        _stop()
        signal.signal(signal.SIGTERM, old)


def main() -> None:  # python -m survey_app.web.launcher [--staff] [--port N]
    sys.exit(run_app(sys.argv[1:]))


if __name__ == "__main__":
    main()
