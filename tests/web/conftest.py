"""Fixtures for the browser tests: a real store, the workbench under uvicorn, headless Chromium.

``live_store`` holds the bundled news stream plus ``data/hostile.jsonl`` (articles whose
title, body, outlet and URL carry script payloads). ``serve(app)`` runs any app on a free
loopback port in a background thread; ``live_server`` is the default, writable one.
Chromium is the Debian package (``/usr/bin/chromium`` or ``$KHABAR_CHROMIUM``), launched
offline; without it the browser tests skip, or fail under CI (``.ci/chromium.sh`` installs it).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CORPUS

DATA = Path(__file__).resolve().parent / "data"
HOSTILE = DATA / "hostile.jsonl"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


def chromium_path() -> str:
    return os.environ.get("KHABAR_CHROMIUM") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def live_store(tmp_path_factory):
    """A SQLite store with the 17 stream reports and the hostile articles (real extraction)."""
    from khabar.batch import ingest
    from khabar.store import Store

    store = Store.open(str(tmp_path_factory.mktemp("web") / "khabar.db"))
    summary = ingest([str(CORPUS / "stream" / "articles.jsonl"), str(HOSTILE)], store, embeddings=False)
    assert summary.failed == 0 and summary.new == 19, summary
    yield store
    store.close()


class _Server:
    """uvicorn in a daemon thread on an already bound socket (so the port is known and free)."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def start(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the uvicorn server did not start")
            time.sleep(0.02)
        return self.url

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()


@pytest.fixture(scope="session")
def serve() -> Iterator[Callable[[Any], str]]:
    """``serve(app) -> base URL``: runs the app until the end of the session."""
    running: list[_Server] = []

    def start(app: Any) -> str:
        server = _Server(app)
        running.append(server)
        return server.start()

    yield start
    for server in running:
        server.stop()


@pytest.fixture(scope="session")
def live_server(live_store, serve) -> str:
    """The workbench over ``live_store`` on loopback (writes need only the CSRF field)."""
    from khabar.web import create_app

    return serve(create_app(live_store))


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if not os.path.exists(path):
        msg = f"Chromium not found at {path}; `bash .ci/chromium.sh` installs it (or set KHABAR_CHROMIUM)"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield b
        b.close()


@dataclass
class Seen:
    """What a page reported while a test drove it."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert not self.dialogs, f"dialogs opened: {self.dialogs}"
        assert not self.page_errors, f"uncaught page errors: {self.page_errors}"
        assert not self.console_errors, f"console errors: {self.console_errors} (HTTP errors: {self.failed})"


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport={"width": 1400, "height": 900}, java_script_enabled=True)
    ctx.set_default_timeout(10_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    """A fresh page (own cookies); ``page.seen`` records console errors, page errors and dialogs."""
    pg = context.new_page()
    seen = Seen()

    def on_dialog(dialog: Any) -> None:
        seen.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    pg.on("dialog", on_dialog)
    def on_console(msg: Any) -> None:
        where = (msg.location or {}).get("url", "")
        if msg.type == "error" and not where.endswith("/favicon.ico"):  # the browser's own guess; none served
            seen.console_errors.append(f"{msg.text} ({where})")

    pg.on("console", on_console)
    pg.on("pageerror", lambda err: seen.page_errors.append(str(err)))
    pg.on("response", lambda r: seen.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    pg.seen = seen
    yield pg
