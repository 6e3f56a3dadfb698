"""Overzicht in headless Chromium and server memory per session (staff and respondent servers).

A staff server (the launcher, ``--staff --no-demo``) runs on an SQLite database
with N responses; a beheerder signs in with the form.  First view: from opening
the page after sign-in until the 13 charts are drawn.  Filter change: choose a
value in one filter (each run another one, :data:`CHANGES`: a selection no
session has seen on this server) until the run settled.  Memory per
session: growth of the server's resident memory from the first to the sixth
open session, divided by five (a respondent server: ten sessions on the
welcome page).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from .child import BENCH_ROUND, SECRET

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]
USER, PASSWORD = "bench", "een-lang-benchmark-wachtwoord-42"
TIMEOUT_MS = 600_000


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rss_mb(pid: int) -> float:
    """Resident memory of the process group of ``pid`` (the server and anything it started)."""
    total = 0
    pgid = os.getpgid(pid)
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            if os.getpgid(int(d.name)) != pgid:
                continue
            for line in (d / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except (OSError, ProcessLookupError):
            continue
    return total / 1024


@contextlib.contextmanager
def server(data: Path, *extra: str):
    port = _port()
    env = {**os.environ, "SURVEY_DATA_DIR": str(data), "SURVEY_DATABASE_URL": f"sqlite:///{data / 'survey.sqlite'}"}
    env["SURVEY_SECRET_KEY"] = SECRET
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(Path(__file__).resolve().parents[1] / "build" / "pycache")
    args = ["--port", str(port), "--address", "127.0.0.1", "--no-demo", *extra]
    code = f"import sys; from survey_app.web.launcher import run_app; sys.exit(run_app({args!r}))"
    log = open(data / f"server-{port}.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-c", code], cwd=data, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the app server did not start")
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.5)
        yield base, proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def _database(data: Path, n: int, csv: Path) -> None:
    from analysis import contract
    from survey_app.auth import accounts
    from survey_app.storage import Storage

    s = Storage(f"sqlite:///{data / 'survey.sqlite'}", secret_key=SECRET)
    s.create_round(name="bench", gis=contract.GI_CODES, round_id=BENCH_ROUND)
    # a million rows are ~150 MB: over the upload guard (as for the import rows, child_env)
    os.environ.setdefault("SURVEY_MAX_UPLOAD_MB", "4000")
    s.import_responses(csv, round_id=BENCH_ROUND)
    accounts.add_user(s, USER, role="beheerder", password=PASSWORD, actor="benchmark")
    s.dispose()


def _settle(page) -> None:
    page.wait_for_timeout(300)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=TIMEOUT_MS)


def _open_overzicht(browser, base: str) -> tuple[object, float]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    ctx.set_default_timeout(TIMEOUT_MS)
    page = ctx.new_page()
    page.goto(base + "/", timeout=TIMEOUT_MS)
    page.get_by_label("Naam").wait_for()
    _settle(page)
    page.get_by_label("Naam").fill(USER)
    page.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    t0 = time.perf_counter()
    page.get_by_role("button", name="Aanmelden").click()
    page.get_by_role("heading", name="Kerncijfers").wait_for()
    page.wait_for_function("document.querySelectorAll('.vega-embed svg.marks, .vega-embed canvas.marks').length >= 13")
    _settle(page)
    return ctx, page, time.perf_counter() - t0


#: one selection per run that no session has seen yet on this server: a filter change measured
#: as the first view of a new selection (a selection seen before, by any session, is kept)
CHANGES = (
    ("flt_rtype", "Jeugdigen"),
    ("flt_measure", "Voogdij"),
    ("flt_rtype", "Ouders"),
    ("flt_measure", "Jeugdreclassering"),
    ("flt_gi", "JBN — Jeugdbescherming Noord"),
)


def _filter_change(page, run: int = 0) -> float:
    key, option = CHANGES[run % len(CHANGES)]
    t0 = time.perf_counter()
    page.locator(f".st-key-{key}").scroll_into_view_if_needed()
    page.locator(f".st-key-{key}").click()
    # typed, then chosen: the list of a filter low in the sidebar may open out of view
    page.keyboard.type(option)
    page.get_by_role("option", name=option).wait_for()
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    _settle(page)
    page.wait_for_function("document.querySelectorAll('.vega-embed svg.marks, .vega-embed canvas.marks').length >= 13")
    return time.perf_counter() - t0


def rows(sizes, runs: int, *, quick: bool) -> list:
    from .__main__ import Row, csv_with, not_measured, verdict

    works = [f"Overzicht, {n:,} responses: first view / filter change" for n in sizes]
    mem_works = ("server memory per dashboard session", "server memory per respondent session")
    if not Path(CHROMIUM).exists():
        return [not_measured(w, f"{CHROMIUM} is not installed") for w in (*works, *mem_works)]
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return [not_measured(w, "playwright is not installed (the test extra)") for w in (*works, *mem_works)]
    out = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            for n, work in zip(sizes, works):
                target = "< 3 s / < 1 s" if n == sizes[-1] else ""
                try:
                    with tempfile.TemporaryDirectory() as tmp:
                        data = Path(tmp)
                        _database(data, n, csv_with(n))
                        with server(data, "--staff") as (base, proc):
                            firsts, changes = [], []
                            for run in range(runs):
                                ctx, page, first = _open_overzicht(browser, base)
                                firsts.append(first)
                                changes.append(_filter_change(page, run))
                                ctx.close()
                            first, change = statistics.median(firsts), statistics.median(changes)
                            row = Row(work, f"{first:.1f} s / {change:.1f} s", "", "", target)
                            out.append(verdict(row, first < 3 and change < 1 if target else None, "overzicht"))
                            if n == sizes[-1]:
                                out.append(_dashboard_memory(browser, base, proc, n))
                except Exception as exc:
                    out.append(not_measured(work, f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}", target))
            try:
                out.append(_respondent_memory(browser))
            except Exception as exc:
                out.append(not_measured(mem_works[1], f"{type(exc).__name__}: {exc}", "< 30 MB"))
        finally:
            browser.close()
    return out


def _dashboard_memory(browser, base, proc, n):
    from .__main__ import Row, verdict

    ctx, page, _ = _open_overzicht(browser, base)
    before = _rss_mb(proc.pid)
    ctxs = [_open_overzicht(browser, base)[0] for _ in range(5)]
    after = _rss_mb(proc.pid)
    for c in [ctx, *ctxs]:
        c.close()
    per = (after - before) / 5
    row = Row(
        f"server memory per dashboard session ({n:,} responses)",
        f"{per:.0f} MiB",
        "",
        "",
        "< 50 MB",
        f"RSS {before:.0f} -> {after:.0f} MiB over 5 sessions",
    )
    return verdict(row, per * 2**20 < 50e6, "memory")


def _respondent_memory(browser):
    from analysis import contract
    from survey_app.storage import Storage

    from .__main__ import Row, verdict

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        s = Storage(f"sqlite:///{data / 'survey.sqlite'}", secret_key=SECRET)
        info, _ = s.create_round(name="bench", gis=contract.GI_CODES[:1])
        s.dispose()
        with server(data) as (base, proc):

            def session():
                ctx = browser.new_context(viewport={"width": 375, "height": 740}, locale="nl-NL")
                page = ctx.new_page()
                page.goto(f"{base}/?ronde={info.id}", timeout=TIMEOUT_MS)
                page.get_by_text("Wie vult de vragenlijst in?").wait_for(timeout=TIMEOUT_MS)
                _settle(page)
                return ctx

            first = session()
            before = _rss_mb(proc.pid)
            ctxs = [session() for _ in range(10)]
            after = _rss_mb(proc.pid)
            for c in [first, *ctxs]:
                c.close()
    per = (after - before) / 10
    row = Row(
        "server memory per respondent session",
        f"{per:.1f} MiB",
        "",
        "",
        "< 30 MB",
        f"RSS {before:.0f} -> {after:.0f} MiB over 10 sessions",
    )
    return verdict(row, per * 2**20 < 30e6, "memory")
