"""Command line: a thin skin over the library (``khabar --help``)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

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

    paths = _gold_paths(args.gold)
    result = evaluate_files(paths)
    if args.format == "json":
        json.dump(result if args.details else result["overall"], sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        from khabar.export import eval_table

        _console().print(eval_table(result))
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
    return 0


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

    p = sub.add_parser("eval", help="score extraction against gold files")
    p.add_argument("gold", nargs="+", help="gold JSON files or folders holding *.gold.json")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument("--details", action="store_true", help="with --format json: per-document details")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("demo", help="run the bundled demo corpus end to end")
    p.add_argument("corpus", nargs="?", default="corpus")
    p.set_defaults(func=cmd_demo)
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
