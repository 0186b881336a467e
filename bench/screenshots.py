"""Screenshots of every workbench page, taken in headless Chromium over the demo store.

Serves a COPY of the store (the original is never written) with uvicorn on loopback, makes
one review through the UI (a confirm on the event with the most sources) so the review and
audit pages show a change, and writes one 1400-pixel-wide PNG per page:

    .venv/bin/python bench/screenshots.py [--db khabar-demo.db] [--out docs/screenshots]

A missing ``--db`` is built first with ``khabar demo corpus --db DB`` (about a minute).
Chromium is Debian's (``/usr/bin/chromium`` or ``$KHABAR_CHROMIUM``; ``.ci/chromium.sh``
installs it), launched offline: nothing is downloaded.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import uvicorn

ROOT = Path(__file__).resolve().parent.parent
WIDTH, HEIGHT = 1400, 900
MAX_HEIGHT = 2600  # full-page shots are cut here to keep the PNGs small
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
REVIEWER = "Demo Reviewer"


class Server:
    """The app on a free loopback port, in a daemon thread."""

    def __init__(self, app: Any) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the uvicorn server did not start")
            time.sleep(0.02)
        return self.url

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()


def ensure_demo(db: Path) -> None:
    if db.exists():
        return
    khabar = Path(sys.executable).with_name("khabar")
    cmd = [str(khabar) if khabar.exists() else "khabar", "demo", "corpus", "--db", str(db)]
    print(f"{db} is missing; building it: {' '.join(cmd)}", file=sys.stderr)
    subprocess.run(cmd, check=True, cwd=ROOT)


def copy_store(db: Path, into: Path) -> Path:
    """The store file and its SQLite journal files, copied so the original is never written."""
    target = into / db.name
    for suffix in ("", "-wal", "-shm", "-journal"):
        src = db.with_name(db.name + suffix)
        if src.exists():
            shutil.copy2(src, target.with_name(target.name + suffix))
    return target


def shoot(page: Any, base: str, path: str, out: Path, name: str, *, full: bool = True,
          ready: str | None = None) -> Path:
    response = page.goto(base + path)
    if response is None or response.status != 200:
        raise RuntimeError(f"{path}: HTTP {response.status if response else '?'}")
    if ready:
        page.locator(ready).first.wait_for(state="visible")
    page.wait_for_load_state("networkidle")
    target = out / f"{name}.png"
    if full:
        height = min(MAX_HEIGHT, page.evaluate("document.documentElement.scrollHeight"))
        page.screenshot(path=str(target), full_page=True, clip={"x": 0, "y": 0, "width": WIDTH, "height": height})
    else:
        page.screenshot(path=str(target))
    print(f"{target}  {path}  ({target.stat().st_size // 1024} KiB)")
    return target


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", default="khabar-demo.db", help="the store to show (default: the demo store)")
    ap.add_argument("--out", default="docs/screenshots", help="where the PNGs go")
    args = ap.parse_args(argv)
    db, out = Path(args.db), Path(args.out)
    if not db.is_absolute():
        db = Path.cwd() / db
    ensure_demo(db)
    out.mkdir(parents=True, exist_ok=True)
    chromium = os.environ.get("KHABAR_CHROMIUM") or "/usr/bin/chromium"
    if not os.path.exists(chromium):
        print(f"Chromium not found at {chromium}; run `bash .ci/chromium.sh` or set KHABAR_CHROMIUM", file=sys.stderr)
        return 2

    from playwright.sync_api import sync_playwright

    from khabar.store import Store
    from khabar.web import create_app

    with tempfile.TemporaryDirectory(prefix="khabar-shots-") as tmp:
        store = Store.open(str(copy_store(db, Path(tmp))))
        try:
            with Server(create_app(store)) as base, sync_playwright() as p:
                busiest = httpx.get(base + "/events.json", params={"sort": "sources"}).json()["events"][0]
                event = httpx.get(base + f"/events/{busiest['id']}.json").json()["event"]
                people = [q for q in event.get("participants", []) if q.get("entity")]
                entity = next((q["entity"] for q in people if "Islamic State" in (q.get("name") or "")),
                              people[0]["entity"] if people else None)
                document = event["sources"][0]["document"]

                browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
                page.set_default_timeout(15_000)
                shoot(page, base, "/events", out, "events", ready="#events")
                shoot(page, base, "/map", out, "map", full=False, ready="a.marker circle")
                shoot(page, base, "/timeline", out, "timeline", ready="svg.chart")

                # one review through the UI, so the event, review and audit pages show it
                page.goto(base + f"/events/{busiest['id']}")
                page.fill("#judge input[name=who]", REVIEWER)
                page.fill("#judge input[name=note]", "all sources agree on the place and the claim")
                page.click("#confirm")
                page.locator("#event-title .badge.confirmed").wait_for()

                shoot(page, base, f"/events/{busiest['id']}", out, "event", ready="#disagreements")
                if entity:
                    shoot(page, base, f"/entities/{entity}", out, "entity", ready="#entity-name")
                shoot(page, base, f"/documents/{document}", out, "document", ready="#article")
                shoot(page, base, "/review", out, "review", ready="#queue")
                shoot(page, base, "/audit", out, "audit", ready="#audit")
                shoot(page, base, "/api/docs", out, "api", ready="section.endpoint")
                browser.close()
        finally:
            store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
