"""Command line: a thin skin over the library (``khabar --help``)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from rich.text import Text

from khabar.errors import KhabarError

__all__ = ["main"]


def _console():
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False, width=160)


def cmd_extract(args: argparse.Namespace) -> int:
    from khabar.core import extract
    from khabar.ingest import decode_text, read_text

    if args.file == "-":
        text = decode_text(sys.stdin.buffer.read(), path="<stdin>")
    else:
        text = read_text(args.file)
    report = extract(text, published=args.published, title=args.title, url=args.url, source=args.source)
    if args.format == "json":
        json.dump(report.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        from khabar.export import report_tables

        console = _console()
        for table in report_tables(report, label=None if args.file == "-" else Path(args.file).name):
            console.print(table)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from khabar.eval import evaluate_files
    from khabar.eval.datasets import DATASETS

    if args.gold and args.gold[0] in DATASETS:
        return _dataset_eval(args)
    paths = _gold_paths(args.gold)
    result = evaluate_files(paths)
    if args.format == "json":
        json.dump(result if args.details else result["overall"], sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        from khabar.export import eval_table

        _console().print(eval_table(result))
    return 0


def _dataset_eval(args: argparse.Namespace) -> int:
    """``khabar eval DATASET --data PATH ...``: public benchmarks (``khabar.eval.datasets``)."""
    from khabar.eval.datasets import run_dataset

    run_dataset(args.gold[0], args.gold[1:] + args.rest, default_format=args.format)
    return 0


def _gold_paths(items: list[str]) -> list[Path]:
    paths: list[Path] = []
    for item in items:
        p = Path(item)
        paths += sorted(p.glob("*.gold.json")) if p.is_dir() else [p]
    if not paths:
        raise KhabarError("E301", "no gold files given")
    return paths


def cmd_demo(args: argparse.Namespace) -> int:
    """Extract every article of the bundled corpus, show the tables, then the scores."""
    from khabar.core import extract
    from khabar.eval.gold import aggregate, load_gold, score
    from khabar.export import eval_table, report_tables

    console = _console()
    results = []
    paths = _gold_paths([args.corpus])
    from rich.progress import track

    reports = []
    extract("Loading the models.")  # so that words/s below measures extraction, not start-up
    for path in track(paths, description="Extracting the demo corpus", console=console, transient=True):
        gold, text = load_gold(path)
        doc = gold["document"]
        report = extract(text, published=doc.get("published"), title=doc.get("title") or Path(doc["path"]).stem,
                         source=doc.get("source"))
        reports.append(report)
        results.append(score(report.to_dict(), gold))
    for report in reports:
        console.print(report_tables(report)[0])
    words = sum(r.meta["words"] for r in reports)
    secs = sum(r.meta["seconds"] for r in reports)
    console.print(eval_table({"overall": aggregate(results), "documents": results}))
    console.print(f"{len(reports)} articles, {words} words, {sum(len(r.events) for r in reports)} events, "
                  f"{words / secs:.0f} words/s after loading")
    _demo_store(args, console, paths)
    return 0


def _demo_store(args: argparse.Namespace, console, gold_paths: list[Path]) -> None:
    """Second half of the demo: ingest the corpus and the multi-source stream into a fresh
    SQLite store, resolve reports into canonical events, and show them with their sources."""
    from khabar.batch import ingest
    from khabar.eval.gold import load_gold
    from khabar.eval.stream import score_stream
    from khabar.export.views import event_view, events_table, summary_table
    from khabar.model import Document
    from khabar.store import Store, get_event, list_events

    db = Path(args.db)
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    store = Store.open(str(db))
    docs = []
    for path in gold_paths:
        gold, text = load_gold(path)
        meta = gold["document"]
        docs.append(Document(id="", text=text, title=meta.get("title") or Path(meta["path"]).stem,
                             published=meta.get("published"), source=meta.get("source"), origin=str(path)))
    stream = Path(args.corpus) / "stream"
    console.rule(f"Store: ingesting {len(docs)} corpus articles and the news stream into {db}")
    inputs = [*docs, *([str(stream / "articles.jsonl")] if (stream / "articles.jsonl").exists() else [])]
    summary = ingest(inputs, store, command="demo")
    console.print(summary_table(summary.to_dict()))
    with store.read() as conn:
        multi = [e for e in list_events(conn) if e.get("n_sources", 1) > 1]
        console.print(events_table(multi, total=None))
        if multi:
            console.print(event_view(get_event(conn, max(multi, key=lambda e: e["n_sources"])["id"])))
        if (stream / "clusters.json").exists():
            r = score_stream(conn, stream)
            console.print(f"Cross-article resolution on the stream: pairwise precision {r['precision']:.3f}, "
                          f"recall {r['recall']:.3f}, F1 {r['f1']:.3f} ({r['pairs']} gold pairs)")
    console.print(f"Explore: khabar events --db {db} · khabar show EVENT_ID --db {db} · "
                  f"khabar export --db {db} --format acled --out events.csv")


# -- the store ------------------------------------------------------------------------


def _open(args: argparse.Namespace):
    from khabar.store import Store

    return Store.open(args.db)


def cmd_ingest(args: argparse.Namespace) -> int:
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from khabar.batch import ingest
    from khabar.export.views import summary_table

    if args.engine != "ray":
        for option, value in (("--address", args.address), ("--shards-dir", args.shards_dir),
                              ("--shard-size", args.shard_size), ("--keep-shards", args.keep_shards or None)):
            if value is not None:
                raise KhabarError.make("E230", option=option)
    store = _open(args)
    console = _console()
    columns = (SpinnerColumn(), TextColumn("[bold]ingest"), BarColumn(bar_width=None),
               TextColumn("{task.fields[line]}"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True, disable=args.quiet) as bar:
        task = bar.add_task("ingest", total=None, line="reading…")
        t0 = time.perf_counter()

        def tick(s) -> None:
            done = s.new + s.unchanged + s.failed
            rate = s.new / max(1e-9, time.perf_counter() - t0)
            bar.update(task, completed=done, line=f"{done} docs ({s.new} new, {s.unchanged} unchanged, "
                                                 f"{s.failed} failed) · {rate:.1f} new docs/s")

        common = {"published_default": args.published_default, "embeddings": not args.no_embeddings,
                  "on_progress": tick, "command": "ingest " + " ".join(args.inputs)}
        if args.engine == "ray":
            from khabar.batch.ray import ingest as ray_ingest

            summary = ray_ingest(args.inputs, store, address=args.address, workers=args.workers,
                                 shards_dir=args.shards_dir, shard_size=args.shard_size,
                                 keep_shards=args.keep_shards, **common)
        else:
            summary = ingest(args.inputs, store, workers=args.workers or 1, **common)
    if args.format == "json":
        json.dump(summary.to_dict(), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        console.print(summary_table(summary.to_dict()))
        if args.engine == "ray":
            console.print(f"Ray: {summary.workers} workers; {summary.shards} shards analysed, "
                          f"{summary.shards_reused} finished shards reused from an interrupted run; "
                          f"{summary.actors} actors did the work")
        for f in summary.failures[:20]:
            console.print(Text(f"  failed: {f['origin']}: {f['message']}"), style="red")
    return 1 if summary.failed and not (summary.new or summary.unchanged) else 0


def cmd_status(args: argparse.Namespace) -> int:
    return _emit(_open(args).status(latest_errors=args.errors), args, "status_table")


def _filters(args: argparse.Namespace) -> dict:
    return {"type": args.type, "country": args.country, "actor": args.actor, "since": args.since,
            "until": args.until, "text_query": args.text, "status": args.status, "review": args.review}


def cmd_events(args: argparse.Namespace) -> int:
    from khabar.store import count_events, list_events

    store = _open(args)
    with store.read() as conn:
        events = list_events(conn, limit=args.limit, **_filters(args))
        total = count_events(conn, **_filters(args))
    if args.format == "json":
        json.dump(events, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    elif args.format == "csv":
        from khabar.export.views import events_csv

        sys.stdout.write(events_csv(events))
    else:
        from khabar.export.views import events_table

        _console().print(events_table(events, total=total))
    return 0


def _emit(value, args: argparse.Namespace, view_name: str) -> int:
    """``--format json`` prints the value; otherwise its Rich view from ``export.views``."""
    if args.format == "json":
        json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        from khabar.export import views

        _console().print(getattr(views, view_name)(value))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from khabar.store import get_event

    with _open(args).read() as conn:
        return _emit(get_event(conn, args.event_id), args, "event_view")


def cmd_entity(args: argparse.Namespace) -> int:
    from khabar.store import get_entity

    with _open(args).read() as conn:
        return _emit(get_entity(conn, args.name), args, "entity_view")


def cmd_export(args: argparse.Namespace) -> int:
    from khabar.export.formats import write_export
    from khabar.store import list_events
    from khabar.store.query import entities_by_id, relations_among

    with _open(args).read() as conn:
        events = list_events(conn, exclude_rejected=True, **_filters(args))  # a reviewer rejected them
        ids = {p["entity"] for e in events for p in e.get("participants", []) if p.get("entity")}
        ids |= {(e.get("location") or {}).get("entity") for e in events} - {None}
        entities = entities_by_id(conn, ids)
        relations = relations_among(conn, set(entities))
    n = write_export(args.format, events, entities, Path(args.out), relations=relations)
    print(f"wrote {n} {args.format} records to {args.out}", file=sys.stderr)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import os

    import uvicorn

    from khabar.web import create_app
    from khabar.web.security import LOOPBACK_HOSTS

    token = args.token or os.environ.get("KHABAR_TOKEN") or None
    loopback = args.host in LOOPBACK_HOSTS
    app = create_app(_open(args), token=token, exposed=not loopback,
                     allowed_hosts=list(LOOPBACK_HOSTS) if loopback else None)
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"Khabar workbench on http://{shown}:{args.port}/  (API: /api/docs; Ctrl-C stops)", file=sys.stderr)
    if not loopback:
        print("listening beyond loopback: " + ("reviews need the token" if token else
              "read-only, because no --token or KHABAR_TOKEN was given"), file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0


def _store_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", help="SQLite path or postgresql:// URL (default: $KHABAR_DB or ./khabar.db)")


def _filter_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--type", help="event type or subtype (bombing, arrest, suicide_bombing, ...)")
    p.add_argument("--country", help="ISO 3166-1 alpha-2 code, e.g. PK")
    p.add_argument("--actor", help="a name or alias of an actor or target")
    p.add_argument("--since", help="YYYY-MM-DD: events that may lie on or after this day")
    p.add_argument("--until", help="YYYY-MM-DD: events that may lie on or before this day")
    p.add_argument("--text", help="full-text search over the source articles")
    p.add_argument("--status", choices=("reported", "claimed", "alleged", "denied", "planned"))
    p.add_argument("--review", choices=("confirmed", "rejected", "unreviewed", "edited"),
                   help="a reviewer's judgement (exports always leave rejected events out)")


def add_store_commands(sub) -> None:
    p = sub.add_parser("ingest", help="ingest files, folders, URLs or feeds into the store")
    p.add_argument("inputs", nargs="+", help=".txt .html .jsonl .json .csv files, folders, http(s) URLs, feeds, -")
    _store_args(p)
    p.add_argument("--published-default", help="publication date for inputs that give none (YYYY-MM-DD)")
    p.add_argument("--workers", type=int, help="extraction processes, or Ray actors (models load once per "
                   "worker; default 1, with --engine ray the cluster's CPUs)")
    p.add_argument("--no-embeddings", action="store_true", help="resolve events without sentence embeddings")
    p.add_argument("--engine", choices=("local", "ray"), default="local",
                   help="where extraction runs: worker processes here, or a Ray cluster (docs/distributed.md)")
    p.add_argument("--address", help="with --engine ray: auto, HOST:PORT or ray://HOST:PORT of a running "
                   "cluster (default: start Ray on this machine)")
    p.add_argument("--shards-dir", help="with --engine ray: where analysed shards wait to be stored, so an "
                   "interrupted run resumes (default: ./khabar-shards)")
    p.add_argument("--shard-size", type=int, help="with --engine ray: about this many articles per shard (32)")
    p.add_argument("--keep-shards", action="store_true", help="with --engine ray: keep shards once stored")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("status", help="counts and the latest errors of the store")
    _store_args(p)
    p.add_argument("--errors", type=int, default=10, help="how many latest errors to show")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("events", help="list canonical events")
    _store_args(p)
    _filter_args(p)
    p.add_argument("--limit", type=int, default=100)
    p.add_argument("--format", choices=("table", "json", "csv"), default="table")
    p.set_defaults(func=cmd_events)

    p = sub.add_parser("show", help="one canonical event with every source and its evidence")
    p.add_argument("event_id")
    _store_args(p)
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("entity", help="an entity: aliases, kind, affiliations, events")
    p.add_argument("name")
    _store_args(p)
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_entity)

    p = sub.add_parser("serve", help="serve the workbench: events, map, timeline, review, JSON API (/api/docs)")
    _store_args(p)
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback only)")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--token", help="token required for reviews when listening beyond loopback "
                                   "(default: $KHABAR_TOKEN; without one such a server is read-only)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("export", help="export canonical events (acled, gtd, plover, jsonl, geojson, graphml, parquet)")
    p.add_argument("--format", required=True,
                   choices=("acled", "gtd", "plover", "jsonl", "geojson", "graphml", "parquet"))
    p.add_argument("--out", required=True, help="output file (a folder for parquet)")
    _store_args(p)
    _filter_args(p)
    p.set_defaults(func=cmd_export)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="khabar", description="Sourced, structured event data from news.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("extract", help="extract events from one article")
    p.add_argument("file", help="a text file, or - for standard input")
    p.add_argument("--published", help="publication date YYYY-MM-DD (anchors 'March 22', 'this year')")
    p.add_argument("--title")
    p.add_argument("--url")
    p.add_argument("--source")
    p.add_argument("--format", choices=("json", "table"), default="json")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("eval", help="score against gold files, or a public dataset: khabar eval muc4|geocode|timex|conll|wikievents|ecbplus --data PATH")
    p.add_argument("gold", nargs="+", help="gold JSON files or folders holding *.gold.json, or a dataset name "
                   "(muc4, geocode, timex, conll, wikievents, ecbplus; `khabar eval NAME --help` for its options)")
    p.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument("--details", action="store_true", help="with --format json: per-document details")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("demo", help="run the bundled demo corpus end to end")
    p.add_argument("corpus", nargs="?", default="corpus")
    p.add_argument("--db", default="khabar-demo.db", help="the demo store (recreated on each run)")
    p.set_defaults(func=cmd_demo)
    add_store_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KhabarError as exc:
        print(f"khabar: error {exc.line()}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
