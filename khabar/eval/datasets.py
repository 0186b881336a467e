"""Public benchmark datasets behind ``khabar eval NAME --data PATH``: one module per dataset.

Why a registry: every dataset has its own reader, protocol and metric, but the command line,
the output formats (a table, ``--format json``, ``--predictions FILE``), ``--limit`` for the CI
gate's fixed dev subsets and the error handling are the same. A dataset module provides:

``add_arguments(parser)``
    its own options (``--split`` ...); ``--data``, ``--format``, ``--predictions`` and
    ``--limit`` are already there.
``run(args) -> dict``
    reads ``args.data`` (any directory or file laid out like the one in ``../shared/data``,
    so the hidden test splits score with the same command), predicts, writes
    ``args.predictions`` when given, and returns JSON-ready results. The headline score of
    the run is under the key ``"headline"`` (``{"name": ..., "value": ...}``) so the gate can
    read every dataset the same way.
``tables(results) -> list[rich.table.Table]``
    what a person reads.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from khabar.errors import KhabarError

__all__ = ["DATASETS", "dataset_module", "run_dataset", "read_json_lines"]

DATASETS: dict[str, str] = {
    "ecbplus": "khabar.eval.ecbplus",
    "muc4": "khabar.eval.muc4",
    "geocode": "khabar.eval.geocode",
    "timex": "khabar.eval.timex",
    "conll": "khabar.eval.conll",
    "wikievents": "khabar.eval.wikievents",
}


def dataset_module(name: str) -> ModuleType:
    if name not in DATASETS:
        raise KhabarError.make("E604", name=name, choices=", ".join(DATASETS))
    return importlib.import_module(DATASETS[name])


def parser_for(name: str, *, default_format: str = "table") -> argparse.ArgumentParser:
    module = dataset_module(name)
    parser = argparse.ArgumentParser(prog=f"khabar eval {name}", description=(module.__doc__ or "").split("\n")[0])
    parser.add_argument("--data", required=True, help="the dataset (folder or file) laid out like ../shared/data's")
    parser.add_argument("--format", choices=("table", "json"), default=default_format)
    parser.add_argument("--predictions", help="write what Khabar predicted to this file")
    parser.add_argument("--limit", type=int, default=None, help="score only the first N documents (the CI subsets)")
    module.add_arguments(parser)
    return parser


def run_dataset(name: str, argv: list[str], *, default_format: str = "table") -> dict[str, Any]:
    """Parse ``argv`` for dataset ``name``, run it, print the result; returns the results."""
    module = dataset_module(name)
    args = parser_for(name, default_format=default_format).parse_args(argv)
    results = module.run(args)
    if args.format == "json":
        json.dump(results, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        from rich.console import Console

        console = Console()
        for table in module.tables(results):
            console.print(table)
    return results


def read_json_lines(path: Path, *, dataset: str) -> list[dict[str, Any]]:
    """The rows of a JSON-lines file, blank lines skipped; an unreadable file or row is E603
    with its line number (the datasets that ship as JSON lines: MUC-4, WikiEvents)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise KhabarError.make("E603", dataset=dataset, path=str(path), why=str(exc)) from None
    rows = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise KhabarError.make("E603", dataset=dataset, path=str(path), why=f"line {n}: {exc}") from None
    return rows
