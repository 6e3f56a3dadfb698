"""Several servers (issue 10): two app processes on different ports against one PostgreSQL
take submissions at once; every response is counted once.

Two launcher servers start at the same moment on a fresh PostgreSQL schema
(migrations serialised by the advisory lock).  Two browser threads (Debian
Chromium, one per server) each send questionnaires through their server while
two worker processes submit through Storage on the same database: the count is
exactly what was acknowledged, every response_id once.
"""

from __future__ import annotations

import threading

import pytest
from _browser_helpers import SECRET, Server, chromium, fill_youth_to_review, free_port
from _browser_helpers import settle as _settle
from db_fixtures import run_in_processes, submit_many

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.slow]

UI_TIMEOUT_MS = 90_000
PER_BROWSER = 3
PER_WORKER = 300


def _respond_through(base: str, round_id: str, n: int, done: list, errors: list) -> None:
    try:
        with chromium() as browser:
            for _ in range(n):
                ctx = browser.new_context(viewport={"width": 375, "height": 740}, locale="nl-NL")
                page = ctx.new_page()
                page.set_default_timeout(UI_TIMEOUT_MS)
                page.goto(f"{base}/?ronde={round_id}", timeout=UI_TIMEOUT_MS)
                fill_youth_to_review(page, timeout_ms=UI_TIMEOUT_MS)
                page.get_by_role("button", name="Versturen").click()
                _settle(page, timeout_ms=UI_TIMEOUT_MS)
                page.get_by_role("heading", name="Bedankt!").wait_for(timeout=UI_TIMEOUT_MS)
                done.append(base)
                ctx.close()
    except BaseException as exc:  # reported by the test thread
        errors.append(exc)


def test_two_servers_on_one_postgresql_count_every_response_once(tmp_path, fresh_postgres_url, survey_env):
    from survey_app.storage import Storage

    servers = []
    for i in range(2):
        data = tmp_path / f"server{i}"
        data.mkdir()
        servers.append(Server(data, free_port(), database_url=fresh_postgres_url))
    try:
        for s in servers:  # both start at once: one migrates, the other waits on the advisory lock
            s.start(wait=False)
        for s in servers:
            s.wait()
        storage = Storage(fresh_postgres_url, secret_key=SECRET)
        info, _ = storage.create_round(name="Twee servers", gis=("JBG",))
        done: list[str] = []
        errors: list[BaseException] = []
        threads = [
            threading.Thread(target=_respond_through, args=(s.base, info.id, PER_BROWSER, done, errors))
            for s in servers
        ]
        for t in threads:
            t.start()
        workers = run_in_processes(
            submit_many, [dict(url=fresh_postgres_url, round_id=info.id, n=PER_WORKER, seed=i) for i in range(2)]
        )
        for t in threads:
            t.join(timeout=900)
        assert not errors, errors
        assert sorted(done) == sorted(s.base for s in servers for _ in range(PER_BROWSER))
        acknowledged = [r for w in workers for r in w]
        assert len(acknowledged) == 2 * PER_WORKER and len(set(acknowledged)) == len(acknowledged)
        stored = storage.load_responses(round_ids=[info.id])
        assert len(stored) == 2 * PER_WORKER + 2 * PER_BROWSER  # every response once
        assert stored["response_id"].is_unique and set(acknowledged) <= set(stored["response_id"])
        assert (stored["measure_type"] == "jeugdreclassering").sum() >= 2 * PER_BROWSER
        assert storage.count_drafts(info.id) == 0  # every draft went with its response
        storage.dispose()
    finally:
        for s in servers:
            s.stop()
