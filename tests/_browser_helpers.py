"""Shared parts of the real-browser tests: the launcher's server in a subprocess and Debian Chromium."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
# as root in a sandbox, and no traffic to Google's services on this closed network
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
START_TIMEOUT_S = 240  # the server loads the de-identifier (15-30 s, longer on a busy machine) before it opens its port
SECRET = "browser-test-secret-0123456789abcdef"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the app stopped with exit code {proc.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail(f"the app did not answer within {START_TIMEOUT_S} s:\n{log.read_text(errors='replace')}")


def app_env(data: Path) -> dict[str, str]:
    """Environment for a server on the SQLite database in ``data``."""
    env = {
        **os.environ,
        "SURVEY_DATA_DIR": str(data),
        "SURVEY_DATABASE_URL": f"sqlite:///{data / 'survey.sqlite'}",
        "SURVEY_SECRET_KEY": SECRET,
    }
    env.pop("SURVEY_SECRET_KEY_FILE", None)
    return env


@contextlib.contextmanager
def serve_app(data: Path, *extra_args: str):
    """Run ``survey_app.web.launcher.run_app`` on a free loopback port; yields the base URL, stops it after."""
    port = free_port()
    log = data / f"server-{port}.log"
    args = ["--port", str(port), "--address", "127.0.0.1", *extra_args]
    code = f"import sys; from survey_app.web.launcher import run_app; sys.exit(run_app({args!r}))"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", code],
            cwd=data,
            env=app_env(data),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, proc, log)
        yield base
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=20)


@contextlib.contextmanager
def chromium():
    """Debian's Chromium driven by Playwright (skips when it is not installed)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (make system-deps)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def settle(page, *, pause_ms: int = 200, timeout_ms: int = 60_000) -> None:
    """Wait until Streamlit has finished the run an action started."""
    page.wait_for_timeout(pause_ms)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout_ms)
    # elements of the previous step stay on screen, faded, until the new run has drawn all of its own:
    # a step's heading can show while the old step's "Volgende" is still there (two buttons of one name)
    page.wait_for_function("() => !document.querySelector('[data-stale=\"true\"]')", timeout=timeout_ms)


def sign_in(page, base: str, name: str, password: str, *, timeout_ms: int = 60_000) -> None:
    """Open the staff server and sign in with the form (the session lives in this tab only)."""
    page.goto(base + "/", timeout=timeout_ms)
    page.get_by_label("Naam").wait_for(timeout=timeout_ms)
    settle(page, timeout_ms=timeout_ms)
    page.get_by_label("Naam").fill(name)
    page.get_by_label("Wachtwoord", exact=True).fill(password)
    page.get_by_role("button", name="Aanmelden").click()
    settle(page, timeout_ms=timeout_ms)


def sidebar_pages(page) -> list[str]:
    """The titles of the pages in the sidebar menu (empty when there is no menu; icon names left out)."""
    return [
        t.strip().splitlines()[-1].strip() for t in page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()
    ]


class Server:
    """The launcher's app server on one fixed port (restartable: the browser reconnects to the same address)."""

    def __init__(self, data: Path, port: int, *, database_url: str | None = None):
        self.data, self.port, self.proc, self.database_url = data, port, None, database_url
        self.base = f"http://127.0.0.1:{port}"

    def env(self) -> dict[str, str]:
        env = app_env(self.data)
        if self.database_url:
            env["SURVEY_DATABASE_URL"] = self.database_url
        return env

    def start(self, *, wait: bool = True) -> None:
        log = self.data / f"server-{self.port}.log"
        args = ["--port", str(self.port), "--address", "127.0.0.1", "--no-demo"]
        code = f"import sys; from survey_app.web.launcher import run_app; sys.exit(run_app({args!r}))"
        with open(log, "ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", code],
                cwd=self.data,
                env=self.env(),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        if wait:
            self.wait()

    def wait(self) -> None:
        _wait_healthy(self.base, self.proc, self.data / f"server-{self.port}.log")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=20)


def fill_youth_to_review(page, *, timeout_ms: int = 60_000) -> None:
    """On a respondent page of an open round with one institution: answer as a youth up to the review."""

    def choose(question: str, option: str) -> None:
        page.locator('[data-testid="stRadio"]').filter(has_text=question).get_by_text(option, exact=True).click()
        settle(page, timeout_ms=timeout_ms)

    def press(name: str) -> None:
        page.get_by_role("button", name=name).click()
        settle(page, timeout_ms=timeout_ms)

    def heading(name: str) -> None:
        page.get_by_role("heading", name=name).wait_for(timeout=timeout_ms)
        settle(page, timeout_ms=timeout_ms)

    page.get_by_text("Wie vult de vragenlijst in?").wait_for(timeout=timeout_ms)
    settle(page, timeout_ms=timeout_ms)
    choose("Wie vult de vragenlijst in?", "Ik ben de jongere")
    press("Begin met de vragen")
    heading("Over de maatregel")
    choose("Welke maatregel heb jij?", "Jeugdreclassering")
    press("Volgende")
    heading("Jouw jeugdzorgwerker")
    choose("Hoeveel jeugdzorgwerkers", "3")
    page.get_by_text("Heeft de jeugdzorgwerker jou alleen gesproken").wait_for(timeout=timeout_ms)
    choose("Was er een tijd dat je geen jeugdzorgwerker had?", "Ja")
    choose("alleen gesproken", "Ja, 1 keer")
    press("Volgende")
    heading("Meedoen en meepraten")
    choose("Vraagt de jeugdzorgwerker wat jij ervan vindt?", "Soms")
    press("Volgende")
    heading("De hulp")
    press("Volgende")
    heading("Wat vind jij van de jeugdzorgwerker?")
    press("Volgende")
    heading("Rapportcijfer")
    page.get_by_role("radio", name="6", exact=True).click()
    settle(page, timeout_ms=timeout_ms)
    press("Naar het overzicht")
    heading("Kloppen je antwoorden?")
