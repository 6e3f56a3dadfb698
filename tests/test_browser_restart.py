"""A respondent's work survives a server restart (issue 10), in a real browser.

The launcher's server runs in a subprocess on a fixed loopback port with a
temporary SQLite database.  A parent answers the questionnaire in Debian
Chromium up to the review step; the server is stopped and started again on the
same port (same database), the page reconnects by itself, continues at the
review with "we kept your answers", and "Versturen" stores the response exactly
once.  Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from _browser_helpers import ARTIFACTS, SECRET, _wait_healthy, app_env, chromium, free_port
from _browser_helpers import settle as _settle

from survey_app.storage import Storage

pytestmark = [pytest.mark.browser, pytest.mark.slow]

UI_TIMEOUT_MS = 60_000


class Server:
    """The app server on one port; can be stopped and started again (a restart)."""

    def __init__(self, data: Path, port: int):
        self.data, self.port, self.proc = data, port, None
        self.base = f"http://127.0.0.1:{port}"

    def start(self) -> None:
        log = self.data / f"server-{self.port}.log"
        args = ["--port", str(self.port), "--address", "127.0.0.1", "--no-demo"]
        code = f"import sys; from survey_app.web.launcher import run_app; sys.exit(run_app({args!r}))"
        with open(log, "ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", code],
                cwd=self.data,
                env=app_env(self.data),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        _wait_healthy(self.base, self.proc, log)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=20)


def settle(page) -> None:
    _settle(page, pause_ms=200, timeout_ms=UI_TIMEOUT_MS)


def choose(page, question: str, option: str) -> None:
    page.locator('[data-testid="stRadio"]').filter(has_text=question).get_by_text(option, exact=True).click()
    settle(page)


def press(page, name: str) -> None:
    page.get_by_role("button", name=name).click()
    settle(page)


def heading(page, name: str) -> None:
    page.get_by_role("heading", name=name).wait_for(timeout=UI_TIMEOUT_MS)


def test_browser_restart_during_review_then_versturen_stores_once(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    storage = Storage(f"sqlite:///{data / 'survey.sqlite'}", secret_key=SECRET)
    info, _ = storage.create_round(name="Herstart", gis=("JBW",))
    server = Server(data, free_port())
    server.start()
    try:
        with chromium() as browser:
            page = browser.new_page(viewport={"width": 375, "height": 740}, locale="nl-NL")
            page.set_default_timeout(UI_TIMEOUT_MS)
            page.goto(f"{server.base}/?ronde={info.id}", timeout=UI_TIMEOUT_MS)
            page.get_by_text("Wie vult de vragenlijst in?").wait_for()
            settle(page)
            choose(page, "Wie vult de vragenlijst in?", "Ik ben de jongere")
            press(page, "Begin met de vragen")
            heading(page, "Over de maatregel")
            choose(page, "Welke maatregel heb jij?", "Jeugdreclassering")
            press(page, "Volgende")
            heading(page, "Jouw jeugdzorgwerker")
            choose(page, "Hoeveel jeugdzorgwerkers", "3")
            page.get_by_text("Heeft de jeugdzorgwerker jou alleen gesproken").wait_for()
            choose(page, "Was er een periode", "Ja")
            choose(page, "alleen gesproken", "Ja, 1 keer")
            press(page, "Volgende")
            heading(page, "Meedoen en meepraten")
            choose(page, "Vraagt de jeugdzorgwerker naar jouw mening?", "Soms")
            press(page, "Volgende")
            heading(page, "De hulp")
            press(page, "Volgende")
            heading(page, "Wat vind jij van de jeugdzorgwerker?")
            press(page, "Volgende")
            heading(page, "Rapportcijfer")
            page.get_by_role("radio", name="6", exact=True).click()
            settle(page)
            press(page, "Naar het overzicht")
            heading(page, "Kloppen je antwoorden?")
            assert "d=" in page.url  # the draft's token is in the link, nothing else identifies the draft
            assert storage.count_drafts(info.id) == 1 and storage.count_responses(info.id) == 0

            server.stop()  # the server restarts while the respondent looks at the review
            page.wait_for_timeout(1500)
            server.start()
            # the page reconnects on its own; it still shows the review
            page.get_by_role("button", name="Versturen").wait_for()
            page.wait_for_timeout(3000)
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "restart-1-reconnected.png"))
            press(page, "Versturen")  # a new server session: the draft brings the answers back, then they are sent
            page.screenshot(path=str(ARTIFACTS / "restart-2-after-versturen.png"))
            heading(page, "Bedankt!")
            assert "d=" not in page.url
        df = storage.load_responses(round_ids=[info.id])
        assert len(df) == 1  # stored exactly once
        row = df.iloc[0]
        assert (row["measure_type"], row["n_workers"], row["grade"]) == ("jeugdreclassering", 3, 6)
        assert storage.count_drafts(info.id) == 0
    finally:
        server.stop()
        storage.dispose()
