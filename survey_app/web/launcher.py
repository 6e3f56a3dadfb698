"""Start the Streamlit app with the project's own settings, from any working folder.

``run_app()`` prepares the database (migrations, the synthetic demo round when
it is missing), prints the respondent link of the demo round and then runs
``streamlit run <absolute path of survey_app/web/app.py>`` with the flags below, so
they hold whatever ``.streamlit/config.toml`` the current folder has.

Settings (see ``streamlit config show``):

* ``server.headless`` true: no browser is opened, no e-mail prompt;
* ``client.showErrorDetails`` "none": no tracebacks or exception texts in the browser;
* ``client.toolbarMode`` "minimal": no Deploy button, no developer menu;
* ``server.enableXsrfProtection`` true;
* ``browser.gatherUsageStats`` false: nothing is sent to Streamlit;
* ``server.fileWatcherType`` none and ``server.runOnSave`` false: a server, not a dev loop;
* ``logger.level`` warning: no per-request lines (Streamlit never logs IPs; nor do we);
* ``server.maxUploadSize``: the upload limit of :func:`analysis.io.read_limits`
  (default 50 MB, ``SURVEY_MAX_UPLOAD_MB``), so Streamlit refuses a larger
  upload before it is held in memory.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from analysis import contract, i18n

APP_PATH = Path(__file__).resolve().parent / "app.py"
DEFAULT_PORT = 8501
DEFAULT_ADDRESS = "localhost"


def streamlit_flags(*, port: int = DEFAULT_PORT, address: str = DEFAULT_ADDRESS) -> list[str]:
    """The ``--section.option=value`` flags the launcher always passes."""
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
        "--server.enableAgentApi=false",
        f"--server.maxUploadSize={read_limits().upload_mb}",
    ]


def respondent_link(round_id: str, *, port: int = DEFAULT_PORT, address: str = DEFAULT_ADDRESS) -> str:
    """The URL a respondent opens for ``round_id`` on this server."""
    host = "localhost" if address in ("", "0.0.0.0", "::", "127.0.0.1", "localhost") else address
    return f"http://{host}:{port}/?ronde={round_id}"


def prepare_database(*, demo: bool = True):
    """Open the database (running migrations) and make sure the demo round exists.

    The synthetic demo data (``sample_data.generator.generate``) is imported
    only when the demo round has to be created.
    """
    from survey_app.storage import Storage

    storage = Storage()
    if demo:

        def _frame():
            from sample_data.generator import generate

            return generate()

        storage.ensure_demo_round(_frame)
    return storage


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
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="survey-app serve", description="Start the survey web app.")
    parser.add_argument("--port", type=int, default=None, help=f"port (default {DEFAULT_PORT})")
    parser.add_argument("--address", default=None, help=f"address to listen on (default {DEFAULT_ADDRESS})")
    parser.add_argument("--no-demo", action="store_true", help="do not load the synthetic demo round")
    return parser.parse_args(list(argv) if argv is not None else [])


def run_app(
    argv: Sequence[str] | None = None, *, port: int | None = None, address: str | None = None, demo: bool | None = None
) -> int:
    """Prepare the database and run the Streamlit server until it stops; returns the exit code.

    ``argv`` may hold ``--port N``, ``--address HOST`` and ``--no-demo``;
    keyword arguments win over ``argv``.  The database location comes from
    ``SURVEY_DATABASE_URL`` / ``SURVEY_DATA_DIR`` as for :class:`Storage`.
    """
    args = _parse(argv)
    port = port if port is not None else (args.port if args.port is not None else DEFAULT_PORT)
    address = address if address is not None else (args.address or DEFAULT_ADDRESS)
    demo = (not args.no_demo) if demo is None else demo

    prepare_database(demo=demo)
    if demo:
        print(
            " / ".join(i18n.text("launcher.demo_link", lang) for lang in i18n.languages())
            + f": {respondent_link(contract.DEMO_ROUND_ID, port=port, address=address)}",
            flush=True,
        )

    from streamlit.web import cli as stcli

    disable_pages_directory()

    sys.argv = ["streamlit", "run", str(APP_PATH), *streamlit_flags(port=port, address=address)]
    try:
        stcli.main(prog_name="streamlit")
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0


def main() -> None:  # python -m survey_app.web.launcher [--port N]
    sys.exit(run_app(sys.argv[1:]))


if __name__ == "__main__":
    main()
