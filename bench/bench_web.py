"""HTTP latency of the web app's JSON endpoints on a synthetic store of N canonical events.

Why: the store's queries look cheap on the 100-event demo store; what a reader of the web UI
waits for at 100k or 1M events depends on indexes and query shapes that only show at size.
This measures what a browser sees: real HTTP to uvicorn on loopback (one process, the app in
a background thread), one keep-alive ``httpx.Client``, so the numbers include routing, the
SQL, JSON encoding and the socket, and nothing else.

Each named request runs 3 warm-ups, then ``--repeat`` timed calls (default 50); the report is
p50, p95 and max in milliseconds plus the response size, as a Markdown table with the machine
and the exact command. A request whose endpoint answers 404 is skipped with a note (the
``/events.json``-style web endpoints may not exist yet). Per-id requests cycle through random
existing ids, so they measure cold-ish lookups rather than one cached row.

    .venv/bin/python bench/bench_web.py --events 100000 [--db /tmp/khabar-100k.db] [--json out.json]
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import math
import os
import platform
import shlex
import socket
import sqlite3
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from random import Random
from typing import Any

import httpx
import uvicorn

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synth_store import build, synthetic_meta  # noqa: E402

from khabar.store import Store  # noqa: E402

WARMUPS = 3

# The requests, by name. Placeholders come from the store: {type} {country} {text} {actor}
# (sample filter values that exist), {offset} / {page} (a deep page), {event_id} / {entity_id}
# (a different random existing id on every call).
REQUESTS: list[tuple[str, str]] = [
    ("web events, first page", "/events.json"),
    ("api events, first page", "/api/events?limit=50"),
    ("web events, type", "/events.json?type={type}"),
    ("api events, type", "/api/events?type={type}"),
    ("web events, country", "/events.json?country={country}"),
    ("api events, country", "/api/events?country={country}"),
    ("web events, one year", "/events.json?since=2020-01-01&until=2020-12-31"),
    ("api events, one year", "/api/events?since=2020-01-01&until=2020-12-31"),
    ("web events, text", "/events.json?q={text}"),
    ("api events, text", "/api/events?text={text}"),
    ("web events, text and country", "/events.json?q={text}&country={country}"),
    ("web map, text", "/map.json?q={text}"),
    ("web timeline, text", "/timeline.json?q={text}"),
    ("web events, actor", "/events.json?actor={actor}"),
    ("api events, actor", "/api/events?actor={actor}"),
    ("web events, deep page", "/events.json?page={page}"),
    ("api events, deep offset", "/api/events?offset={offset}"),
    ("web map", "/map.json"),
    ("web map, country", "/map.json?country={country}"),
    ("web timeline", "/timeline.json"),
    ("web event by id", "/events/{event_id}.json"),
    ("api event by id", "/api/events/{event_id}"),
    ("web entity by id", "/entities/{entity_id}.json"),
    ("api entity by id", "/api/entities/{entity_id}"),
]


@dataclass
class Result:
    name: str
    path: str
    status: int | None = None
    p50_ms: float | None = None
    p95_ms: float | None = None
    max_ms: float | None = None
    bytes: int | None = None
    note: str = ""
    samples_ms: list[float] = field(default_factory=list)


APPS = {"web": ["khabar.web", "khabar.web.app"], "api": ["khabar.api", "khabar.api.app"]}


def _app(store: Store, which: str) -> tuple[Any, str]:
    """The web app (``khabar.web``'s ``create_app(store, *, token=None)``) when it exists, else the
    older JSON-only ``khabar.api.create_app(store)``; ``which`` forces one."""
    modules = APPS["web"] + APPS["api"] if which == "auto" else APPS[which]
    for name in modules:
        try:
            create_app = importlib.import_module(name).create_app
        except (ImportError, AttributeError):
            continue
        params = inspect.signature(create_app).parameters
        app = create_app(store, token=None) if "token" in params else create_app(store)
        return app, f"{name}.create_app"
    raise SystemExit(f"no create_app in {', '.join(modules)}")


class Server:
    """uvicorn on 127.0.0.1 and a free port, in a daemon thread of this process."""

    def __init__(self, app: Any) -> None:
        # proto IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY on accepted sockets only then; without it
        # every response waits ~40 ms for a delayed ACK (Nagle), an artefact of the harness.
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


def _pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile: with 50 samples, p95 is the 48th smallest."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def _fill(template: str, params: dict[str, Any], ids: dict[str, list[str]], i: int) -> str:
    values = dict(params)
    for key, pool in ids.items():
        values[key] = pool[i % len(pool)]
    return template.format(**values)


def measure(client: httpx.Client, name: str, template: str, params: dict[str, Any],
            ids: dict[str, list[str]], repeat: int) -> Result:
    res = Result(name, _fill(template, params, ids, 0) if "_id}" not in template else template)
    sizes = []
    for i in range(WARMUPS + repeat):
        path = _fill(template, params, ids, i)
        t0 = time.perf_counter()
        r = client.get(path)
        elapsed = (time.perf_counter() - t0) * 1000
        if r.status_code != 200:
            res.status = r.status_code
            res.note = ("skipped: endpoint does not exist (404)" if r.status_code == 404
                        else f"skipped: HTTP {r.status_code} {r.text[:120]}")
            res.samples_ms = []
            return res
        if i >= WARMUPS:
            res.samples_ms.append(elapsed)
            sizes.append(len(r.content))
    res.status = 200
    res.p50_ms = round(_pct(res.samples_ms, 0.5), 1)
    res.p95_ms = round(_pct(res.samples_ms, 0.95), 1)
    res.max_ms = round(max(res.samples_ms), 1)
    res.bytes = int(_pct([float(s) for s in sizes], 0.5))
    return res


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _params(db: Path, n_events: int, repeat: int, seed: int) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Filter values that exist in the store, and random existing event and entity ids."""
    store = Store.open(str(db))
    try:
        with store.read() as conn:
            meta = synthetic_meta(conn) or {}
            s = meta.get("samples") or {}
            run = conn.exec_driver_sql
            if not s:  # not a synthetic store: derive the values from its data
                s = {"type": run("SELECT type FROM canonical_events GROUP BY type ORDER BY count(*) DESC").scalar(),
                     "country": run("SELECT country FROM canonical_events WHERE country IS NOT NULL "
                                    "GROUP BY country ORDER BY count(*) DESC").scalar(),
                     "text_word": "attack",
                     "actor_alias": run("SELECT name FROM participants WHERE role = 'actor' AND entity_id "
                                        "IS NOT NULL GROUP BY entity_id ORDER BY count(*) DESC").scalar()}
            rng = Random(seed)
            wanted = WARMUPS + repeat
            max_c = run("SELECT max(rowid) FROM canonical_events").scalar() or 0
            max_e = run("SELECT max(rowid) FROM entities").scalar() or 0
            event_ids = [run("SELECT id FROM canonical_events WHERE rowid >= ? LIMIT 1",
                             (rng.randint(1, max_c),)).scalar() for _ in range(wanted)]
            entity_ids = [run("SELECT id FROM entities WHERE rowid >= ? LIMIT 1",
                              (rng.randint(1, max_e),)).scalar() for _ in range(wanted)]
    finally:
        store.close()
    offset = min(50_000, (n_events // 2) // 50 * 50)
    params = {"type": s.get("type", "bombing"), "country": s.get("country", "AF"),
              "text": s.get("text_word", "attack"), "actor": s.get("actor_alias"), "offset": offset,
              "page": offset // 50}
    return params, {"event_id": [i for i in event_ids if i], "entity_id": [i for i in entity_ids if i]}


def _table(results: list[Result], machine: dict[str, Any]) -> str:
    lines = [f"Command: `{machine['command']}`", "",
             f"Machine: {machine['cpu']}, {machine['cores']} cores; Python {machine['python']}, "
             f"SQLite {machine['sqlite']}; app {machine['app']}; store {machine['db']} "
             f"({machine['events']:,} canonical events, {machine['db_mib']:,.0f} MiB); "
             f"{machine['repeat']} calls after {WARMUPS} warm-ups", "",
             "| request | path | p50 ms | p95 ms | max ms | bytes |", "|---|---|---:|---:|---:|---:|"]
    skipped = []
    for r in results:
        if r.status != 200:
            skipped.append(f"- {r.name} (`{r.path}`): {r.note}")
            continue
        lines.append(f"| {r.name} | `{r.path}` | {r.p50_ms} | {r.p95_ms} | {r.max_ms} | {r.bytes:,} |")
    if skipped:
        lines += ["", "Skipped:", *skipped]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> list[Result]:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=100_000, help="canonical events in the synthetic store")
    ap.add_argument("--db", help="store to use; built there when missing (default /tmp/khabar-bench-N.db)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=50)
    ap.add_argument("--app", choices=["auto", "web", "api"], default="auto",
                    help="khabar.web when it exists (auto), or force one")
    ap.add_argument("--only", help="run only requests whose name contains this")
    ap.add_argument("--json", dest="json_out", help="also write the results here")
    args = ap.parse_args(argv)

    db = Path(args.db or f"/tmp/khabar-bench-{args.events}.db")
    if not db.exists():
        stats = build(db, args.events, seed=args.seed)
        print(f"built {db} in {stats['seconds']} s ({stats['bytes'] / 2**20:,.0f} MiB)", file=sys.stderr)
    params, ids = _params(db, args.events, args.repeat, args.seed)
    store = Store.open(str(db))
    with store.read() as conn:
        n = conn.exec_driver_sql("SELECT count(*) FROM canonical_events").scalar_one()
    app, app_name = _app(store, args.app)
    machine = {
        "command": shlex.join([".venv/bin/python", "bench/bench_web.py", *(sys.argv[1:] if argv is None else argv)]),
        "cpu": _cpu_model(), "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
        else os.cpu_count(), "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
        "app": app_name, "db": str(db), "events": n, "db_mib": db.stat().st_size / 2**20,
        "repeat": args.repeat, "uvicorn": uvicorn.__version__}
    results = []
    try:
        with Server(app) as base, httpx.Client(base_url=base, timeout=120) as client:
            for name, template in REQUESTS:
                if args.only and args.only not in name:
                    continue
                res = measure(client, name, template, params, ids, args.repeat)
                results.append(res)
                shown = f"{res.p50_ms} ms p50" if res.status == 200 else res.note
                print(f"{name:28s} {shown}", file=sys.stderr)
    finally:
        store.close()
    print(_table(results, machine))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps({"machine": machine, "params": params,
                                                   "results": [asdict(r) for r in results]}, indent=2))
    return results


if __name__ == "__main__":
    main()
