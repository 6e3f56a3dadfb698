"""A respondent's work survives a server restart (issue 10), in a real browser.

The launcher's server runs in a subprocess on a fixed loopback port with a
temporary SQLite database.  A parent answers the questionnaire in Debian
Chromium up to the review step; the server is stopped and started again on the
same port (same database), the page reconnects by itself, continues at the
review with "we kept your answers", and "Versturen" stores the response exactly
once.  Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import pytest
from _browser_helpers import ARTIFACTS, SECRET, Server, chromium, fill_youth_to_review, free_port
from _browser_helpers import settle as _settle

from survey_app.storage import Storage

pytestmark = [pytest.mark.browser, pytest.mark.slow]

UI_TIMEOUT_MS = 60_000


def settle(page) -> None:
    _settle(page, pause_ms=200, timeout_ms=UI_TIMEOUT_MS)


def press(page, name: str) -> None:
    page.get_by_role("button", name=name).click()
    settle(page)


def heading(page, name: str) -> None:
    page.get_by_role("heading", name=name).wait_for(timeout=UI_TIMEOUT_MS)
    settle(page)


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
            fill_youth_to_review(page, timeout_ms=UI_TIMEOUT_MS)
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
